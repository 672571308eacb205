namespace Cosmos.HAL
{
    // A screen the console writes characters to: the VGA text screen that BIOS boot
    // leaves us in, or a framebuffer drawn with a font (UEFI has no text mode).
    public abstract class TextScreen
    {
        public abstract void Write(char c);

        // What it is, for the boot log ("VGA text 80x25", ...).
        public abstract string Description { get; }
    }
}
