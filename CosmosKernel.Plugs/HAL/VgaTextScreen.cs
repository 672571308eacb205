namespace Cosmos.HAL
{
    // The 80x25 VGA text screen that BIOS boot leaves us in, reached through the
    // direct map. Scrolls one line at a time.
    public sealed unsafe class VgaTextScreen : TextScreen
    {
        private const int Width = 80, Height = 25;
        private readonly ushort* _cells;
        public byte Attribute = 0x07;

        public VgaTextScreen(ulong cellsVirtualAddress)
        {
            _cells = (ushort*)cellsVirtualAddress;
            for (int i = 0; i < Width * Height; i++)
                _cells[i] = Blank;
        }

        protected override int Columns => Width;
        protected override int Rows => Height;
        public override string Description => "VGA text 80x25";

        private ushort Blank => (ushort)(' ' | (Attribute << 8));

        protected override void DrawCell(int column, int row, char c) => _cells[row * Width + column] = (ushort)(c | (Attribute << 8));

        protected override int ScrollUp()
        {
            for (int i = 0; i < Width * (Height - 1); i++)
                _cells[i] = _cells[i + Width];
            for (int i = Width * (Height - 1); i < Width * Height; i++)
                _cells[i] = Blank;
            return 1;
        }
    }
}
