namespace Cosmos.HAL
{
    // A screen the console writes characters to: the VGA text screen that BIOS boot
    // leaves us in, or a framebuffer drawn with a font (UEFI has no text mode). This
    // class keeps the cursor and the line breaks; a screen draws cells and scrolls.
    public abstract class TextScreen
    {
        private int _column, _row;

        protected abstract int Columns { get; }
        protected abstract int Rows { get; }

        // What it is, for the boot log ("VGA text 80x25", ...).
        public abstract string Description { get; }

        public void Write(char c)
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
            if (c == '\b')
            {
                // Back one cell (the terminal's erase echoes "\b \b"), not past the line's start.
                if (_column > 0)
                    _column--;
                return;
            }
            DrawCell(_column, _row, c < 128 ? c : '?');
            if (++_column == Columns)
                NewLine();
        }

        private void NewLine()
        {
            _column = 0;
            if (++_row == Rows)
                _row = Rows - ScrollUp();
        }

        protected abstract void DrawCell(int column, int row, char c);

        // Move the text up and blank the rows it frees at the bottom; returns how many.
        protected abstract int ScrollUp();
    }
}
