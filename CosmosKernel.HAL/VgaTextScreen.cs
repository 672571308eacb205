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
            // Hide the hardware cursor: the console never reads input, and GRUB leaves it
            // blinking wherever its menu ended.
            Native.OutByte(CrtcIndex, CursorStartRegister);
            Native.OutByte(CrtcData, CursorDisabled);
        }

        private const ushort CrtcIndex = 0x3D4, CrtcData = 0x3D5;
        private const byte CursorStartRegister = 0x0A, CursorDisabled = 0x20;

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
