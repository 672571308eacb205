namespace Cosmos.HAL
{
    // The 80x25 VGA text screen that BIOS boot leaves us in, reached through the
    // direct map. Scrolls when full.
    public sealed unsafe class VgaTextScreen : TextScreen
    {
        public const int Columns = 80;
        public const int Rows = 25;
        private readonly ushort* _cells;
        private int _column;
        private int _row;
        public byte Attribute = 0x07;

        public VgaTextScreen(ulong cellsVirtualAddress)
        {
            _cells = (ushort*)cellsVirtualAddress;
            Clear();
        }

        public void Clear()
        {
            for (int i = 0; i < Columns * Rows; i++)
                _cells[i] = (ushort)(' ' | (Attribute << 8));
            _column = 0;
            _row = 0;
        }

        public override string Description => "VGA text 80x25";

        public override void Write(char c)
        {
            if (c == '\n')
            {
                NewLine();
                return;
            }
            if (c == '\r')
            {
                _column = 0;
                return;
            }
            _cells[_row * Columns + _column] = (ushort)((c < 128 ? c : '?') | (Attribute << 8));
            if (++_column == Columns)
                NewLine();
        }

        private void NewLine()
        {
            _column = 0;
            if (++_row < Rows)
                return;
            for (int i = 0; i < Columns * (Rows - 1); i++)
                _cells[i] = _cells[i + Columns];
            for (int i = Columns * (Rows - 1); i < Columns * Rows; i++)
                _cells[i] = (ushort)(' ' | (Attribute << 8));
            _row = Rows - 1;
        }
    }
}
