using System.Runtime.InteropServices;
using Cosmos.HAL;

namespace CosmosKernel.Tests.Hal;

// The framebuffer console's font parser, on GRUB's own ASCII font (the file the ISO
// carries) and on damaged copies of it: a bad font gives no font, never a fault.
[TestFixture]
public unsafe class Pf2FontTests
{
    private const string GrubAsciiFont = "/usr/share/grub/ascii.pf2";

    private static byte[] FontBytes()
    {
        if (!File.Exists(GrubAsciiFont))
            Assert.Fail(GrubAsciiFont + " is missing: install grub-common (./run.sh --install-only)");
        return File.ReadAllBytes(GrubAsciiFont);
    }

    // Load from a copy that ends exactly where an inaccessible page begins, so a read
    // past the end of the file faults (and ends the test run) instead of going unseen.
    private static T WithFont<T>(byte[] bytes, Func<Pf2Font?, T> use)
    {
        const int Page = 4096;
        nuint dataPages = (nuint)((bytes.Length + Page - 1) / Page);
        nuint total = (dataPages + 1) * Page;
        byte* region = (byte*)Mmap(0, total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.That((nint)region, Is.Not.EqualTo((nint)(-1)), "mmap");
        try
        {
            byte* guard = region + dataPages * Page;
            Assert.That(Mprotect((nint)guard, Page, ProtNone), Is.EqualTo(0), "mprotect");
            byte* copy = guard - bytes.Length;
            Marshal.Copy(bytes, 0, (nint)copy, bytes.Length);
            return use(Pf2Font.Load(bytes.Length == 0 ? null : copy, (ulong)bytes.Length));
        }
        finally
        {
            Munmap((nint)region, total);
        }
    }

    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(nint address, nuint length, int prot);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(nint address, nuint length);

    [Test]
    public void GrubsAsciiFontGivesEightBySixteenCellsAndItsGlyphs()
    {
        WithFont(FontBytes(), font =>
        {
            Assert.That(font, Is.Not.Null);
            Assert.That(font!.CellWidth, Is.EqualTo(8));
            Assert.That(font.CellHeight, Is.EqualTo(16));
            Assert.That(font.TryGetGlyph('A', out Pf2Font.Glyph a), Is.True);
            Assert.That(a.Height, Is.GreaterThan(0).And.LessThanOrEqualTo(font.Ascent), "a capital sits on the baseline");
            Assert.That(font.TryGetGlyph('g', out Pf2Font.Glyph g), Is.True);
            Assert.That(g.OffsetY, Is.LessThan(0), "g descends below the baseline");
            Assert.That(font.TryGetGlyph('\u00e9', out _), Is.False, "only ASCII is looked up");
            return 0;
        });
    }

    [Test]
    public void ADamagedFontGivesNoFont()
    {
        byte[] good = FontBytes();
        Assert.That(WithFont(good[..8], f => f), Is.Null, "truncated in the first section");
        Assert.That(WithFont(Array.Empty<byte>(), f => f), Is.Null, "empty");
        byte[] wrongMagic = (byte[])good.Clone();
        wrongMagic[8] = (byte)'X';
        Assert.That(WithFont(wrongMagic, f => f), Is.Null, "not PFF2");
        byte[] hugeSection = (byte[])good.Clone();
        hugeSection[12 + 4] = 0x7F; // the NAME section claims ~2 GiB
        Assert.That(WithFont(hugeSection, f => f), Is.Null, "a section longer than the file");
    }

    [Test]
    public void AFontCutShortLosesTheGlyphsPastTheEndButNeverReadsThere()
    {
        byte[] good = FontBytes();
        // Copies cut at many lengths: loading and looking up every ASCII glyph stays
        // inside the copy (the page after it is inaccessible).
        int found = 0;
        for (int length = good.Length - 1; length > good.Length - 4000 && length > 0; length -= 37)
        {
            found += WithFont(good[..length], font =>
            {
                if (font == null)
                    return 0;
                int glyphs = 0;
                for (char c = ' '; c < '\u007f'; c++)
                    if (font.TryGetGlyph(c, out Pf2Font.Glyph glyph) && glyph.Width * glyph.Height >= 0)
                        glyphs++;
                return glyphs;
            });
        }
        Assert.That(found, Is.GreaterThan(0), "the longer copies still have glyphs");
    }
}
