namespace Cosmos.HAL
{
    // A bitmap font in GRUB's PF2 format (GRUB developer manual, "PFF2 Font File
    // Format"): a file of sections, each a 4-byte name, a 32-bit big-endian length and
    // the data. ASCE and DESC give the ascent and descent; CHIX indexes the glyphs (code
    // point, flags, file offset, 9 bytes each); a glyph is width, height, x offset,
    // y offset and device width (16-bit big-endian) followed by width x height bits,
    // row after row, most significant bit first. Only ASCII is looked up. Every offset
    // is checked against the file's length: a broken file gives no font, not a fault.
    public sealed unsafe class Pf2Font
    {
        public struct Glyph
        {
            public int Width, Height;
            public int OffsetX, OffsetY; // from the pen position on the baseline; y up
            public byte* Bits;
        }

        private const uint LengthToEnd = 0xFFFFFFFF; // the DATA section's length
        private const int GlyphHeader = 10;

        private readonly byte* _file;
        private readonly uint _length;
        private readonly uint[] _asciiGlyphs = new uint[128]; // file offsets, 0: none

        public int Ascent { get; private set; }
        public int Descent { get; private set; }
        public int CellWidth { get; private set; }
        public int CellHeight => Ascent + Descent;

        private Pf2Font(byte* file, uint length)
        {
            _file = file;
            _length = length;
        }

        // Null when the file is not a usable PF2 font.
        public static Pf2Font Load(byte* file, ulong length)
        {
            if (file == null || length < 12 || length > uint.MaxValue || !IsName(file, "FILE") || !IsName(file + 8, "PFF2"))
                return null;
            var font = new Pf2Font(file, (uint)length);
            return font.ReadSections() ? font : null;
        }

        private bool ReadSections()
        {
            uint at = 0;
            while (at + 8 <= _length)
            {
                byte* section = _file + at;
                uint size = BigEndian32(section + 4);
                if (size == LengthToEnd)
                    break; // DATA: the glyphs, reached through CHIX
                if (size > _length - at - 8)
                    return false;
                byte* data = section + 8;
                if (IsName(section, "ASCE") && size >= 2)
                    Ascent = BigEndian16(data);
                else if (IsName(section, "DESC") && size >= 2)
                    Descent = BigEndian16(data);
                else if (IsName(section, "CHIX"))
                    IndexAscii(data, size);
                at += 8 + size;
            }
            if (Ascent <= 0 || Descent < 0 || !TryGetGlyph('M', out Glyph m))
                return false;
            CellWidth = DeviceWidth(_asciiGlyphs['M']);
            return CellWidth > 0 && m.Width <= CellWidth;
        }

        private void IndexAscii(byte* entries, uint size)
        {
            for (uint i = 0; i + 9 <= size; i += 9)
            {
                uint codePoint = BigEndian32(entries + i);
                uint offset = BigEndian32(entries + i + 5);
                if (codePoint < 128 && offset <= _length - GlyphHeader)
                    _asciiGlyphs[codePoint] = offset;
            }
        }

        public bool TryGetGlyph(char c, out Glyph glyph)
        {
            glyph = default;
            uint offset = c < 128 ? _asciiGlyphs[c] : 0;
            if (offset == 0)
                return false;
            byte* header = _file + offset;
            glyph.Width = BigEndian16(header);
            glyph.Height = BigEndian16(header + 2);
            glyph.OffsetX = (short)BigEndian16(header + 4);
            glyph.OffsetY = (short)BigEndian16(header + 6);
            glyph.Bits = header + GlyphHeader;
            ulong bitBytes = ((ulong)glyph.Width * (ulong)glyph.Height + 7) / 8;
            return bitBytes <= _length - offset - GlyphHeader;
        }

        private int DeviceWidth(uint offset) => offset == 0 ? 0 : (short)BigEndian16(_file + offset + 8);

        private static bool IsName(byte* at, string name)
        {
            for (int i = 0; i < 4; i++)
                if (at[i] != name[i])
                    return false;
            return true;
        }

        private static int BigEndian16(byte* at) => (at[0] << 8) | at[1];

        private static uint BigEndian32(byte* at) => ((uint)at[0] << 24) | ((uint)at[1] << 16) | ((uint)at[2] << 8) | at[3];
    }
}
