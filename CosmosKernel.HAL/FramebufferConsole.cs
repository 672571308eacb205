namespace Cosmos.HAL
{
    // Text on the linear framebuffer GRUB hands over under UEFI (there is no VGA text
    // mode there), drawn with a PF2 font: light grey on black, 24 or 32 bits per pixel
    // in the framebuffer's own channel layout. When the last row is full it scrolls by
    // half a screen at once: moving the whole framebuffer is the expensive part, so it
    // happens once every rows/2 lines, not at every line.
    public sealed unsafe class FramebufferConsole : TextScreen
    {
        private readonly byte* _pixels;
        private readonly uint _pitch, _width, _height, _bytesPerPixel;
        private readonly Pf2Font _font;
        private readonly uint _foreground, _background;
        private readonly int _columns, _rows;

        public long PixelsDrawn { get; private set; } // foreground pixels written so far

        private FramebufferConsole(byte* pixels, Multiboot2 boot, Pf2Font font)
        {
            _pixels = pixels;
            _pitch = boot.FramebufferPitch;
            _width = boot.FramebufferWidth;
            _height = boot.FramebufferHeight;
            _bytesPerPixel = (uint)boot.FramebufferBpp / 8;
            _font = font;
            _foreground = Colour(boot, 0xAA, 0xAA, 0xAA);
            _background = Colour(boot, 0, 0, 0);
            _columns = (int)(_width / (uint)font.CellWidth);
            _rows = (int)(_height / (uint)font.CellHeight);
            for (uint y = 0; y < _height; y++)
                FillRow(y, 0, _width);
        }

        // The console for the framebuffer in `boot`, drawn with the PF2 font in the boot
        // module named `fontModule`; null and the reason when there is none to use.
        public static FramebufferConsole Create(Multiboot2 boot, string fontModule, out string problem)
        {
            problem = null;
            if (boot.FramebufferType != Multiboot2.FramebufferRgb)
                problem = "the loader gave no RGB framebuffer";
            else if (boot.FramebufferBpp != 32 && boot.FramebufferBpp != 24)
                problem = ((int)boot.FramebufferBpp).ToString() + " bits per pixel (only 24 and 32 are drawn)";
            else if (boot.FramebufferAddress + (ulong)boot.FramebufferPitch * boot.FramebufferHeight > Multiboot2.DirectMapLimit)
                problem = "the framebuffer lies above the direct map of the first 4 GiB";
            if (problem != null)
                return null;
            Pf2Font font = null;
            for (int i = 0; i < boot.Modules.Length && font == null; i++)
                if (boot.Modules[i].Name == fontModule)
                    font = Pf2Font.Load((byte*)Multiboot2.PhysicalToVirtual(boot.Modules[i].Start), boot.Modules[i].End - boot.Modules[i].Start);
            if (font == null)
            {
                problem = "no PF2 font in a boot module named \"" + fontModule + "\"";
                return null;
            }
            if (boot.FramebufferWidth < (uint)font.CellWidth || boot.FramebufferHeight < (uint)(2 * font.CellHeight))
            {
                problem = "the framebuffer is smaller than two lines of text";
                return null;
            }
            return new FramebufferConsole((byte*)Multiboot2.PhysicalToVirtual(boot.FramebufferAddress), boot, font);
        }

        public override string Description => "framebuffer " + _width.ToString() + "x" + _height.ToString() + " ("
            + _columns.ToString() + "x" + _rows.ToString() + " characters of " + _font.CellWidth.ToString() + "x" + _font.CellHeight.ToString() + ")";

        protected override int Columns => _columns;
        protected override int Rows => _rows;

        // Foreground pixels in the framebuffer now: what was drawn must be there (until
        // the first scroll moves some of it off the top). Reads the whole framebuffer.
        public long CountForegroundPixels()
        {
            long count = 0;
            for (uint y = 0; y < _height; y++)
                for (uint x = 0; x < _width; x++)
                    if (Pixel(x, y) == _foreground)
                        count++;
            return count;
        }

        protected override void DrawCell(int column, int row, char c)
        {
            uint left = (uint)(column * _font.CellWidth);
            uint top = (uint)(row * _font.CellHeight);
            for (uint y = top; y < top + (uint)_font.CellHeight; y++)
                FillRow(y, left, left + (uint)_font.CellWidth);
            if (!_font.TryGetGlyph(c, out Pf2Font.Glyph glyph) && !_font.TryGetGlyph('?', out glyph))
                return;
            // The glyph's bottom sits OffsetY above the baseline, which is Ascent below the cell's top.
            int glyphTop = (int)top + _font.Ascent - glyph.OffsetY - glyph.Height;
            int glyphLeft = (int)left + glyph.OffsetX;
            for (int gy = 0; gy < glyph.Height; gy++)
            {
                int y = glyphTop + gy;
                if (y < (int)top || y >= (int)(top + (uint)_font.CellHeight))
                    continue;
                for (int gx = 0; gx < glyph.Width; gx++)
                {
                    int x = glyphLeft + gx;
                    int bit = gy * glyph.Width + gx;
                    if ((glyph.Bits[bit >> 3] & (0x80 >> (bit & 7))) == 0 || x < (int)left || x >= (int)(left + (uint)_font.CellWidth))
                        continue;
                    SetPixel((uint)x, (uint)y, _foreground);
                    PixelsDrawn++;
                }
            }
        }

        protected override int ScrollUp()
        {
            int keep = _rows / 2;
            uint rowBytes = _pitch * (uint)_font.CellHeight;
            Native.Memcpy(_pixels, _pixels + (uint)(_rows - keep) * rowBytes, (ulong)keep * rowBytes);
            for (uint y = (uint)keep * (uint)_font.CellHeight; y < _height; y++)
                FillRow(y, 0, _width);
            return _rows - keep;
        }

        private void FillRow(uint y, uint from, uint to)
        {
            for (uint x = from; x < to; x++)
                SetPixel(x, y, _background);
        }

        private void SetPixel(uint x, uint y, uint colour)
        {
            byte* at = _pixels + y * _pitch + x * _bytesPerPixel;
            if (_bytesPerPixel == 4)
            {
                *(uint*)at = colour;
                return;
            }
            at[0] = (byte)colour;
            at[1] = (byte)(colour >> 8);
            at[2] = (byte)(colour >> 16);
        }

        private uint Pixel(uint x, uint y)
        {
            byte* at = _pixels + y * _pitch + x * _bytesPerPixel;
            return _bytesPerPixel == 4 ? *(uint*)at : (uint)(at[0] | (at[1] << 8) | (at[2] << 16));
        }

        // A colour in the framebuffer's layout (its red, green and blue field positions
        // and sizes), from 8-bit channels.
        private static uint Colour(Multiboot2 boot, uint red, uint green, uint blue)
            => Channel(red, boot.FramebufferRedPosition, boot.FramebufferRedSize)
             | Channel(green, boot.FramebufferGreenPosition, boot.FramebufferGreenSize)
             | Channel(blue, boot.FramebufferBluePosition, boot.FramebufferBlueSize);

        private static uint Channel(uint value, byte position, byte size)
            => size == 0 || size > 8 || position > 31 ? 0 : (value >> (8 - size)) << position;
    }
}
