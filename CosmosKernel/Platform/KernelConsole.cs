using System.IO;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Platform
{
    // The console every CPU writes to (Console.Out once the boot CPU has its per-CPU
    // block): the screen and COM1 (Cosmos.HAL.MirroredConsole, or whatever writer the
    // boot installs), one writer at a time, so a line from one CPU is never cut by a
    // line from another. The kernel's messages are whole lines (WriteLine); a
    // program's write(2) is whole per chunk (ConsoleFile, WriteAscii).
    //
    // _lock: a spin lock (a line takes microseconds, and messages come from places that
    // must not sleep: the idle thread's deadlock breaker, a panic). It is a leaf: taken
    // under any lock, nothing taken under it. The lock validator does not see it: the
    // validator's own report is written through it. A CPU that already holds it (a panic
    // in the middle of a line) writes without taking it again.
    public sealed unsafe class KernelConsole : TextWriter
    {
        private readonly KernelSpinLock _lock = new KernelSpinLock("console", validated: false);

        // The screen and serial writer underneath (replaced once, when the boot moves
        // to the framebuffer console).
        public TextWriter Inner;

        public KernelConsole(TextWriter inner) => Inner = inner;

        public override void Write(char c)
        {
            bool took = Take();
            Inner.Write(c);
            Give(took);
        }

        public override void Write(string s)
        {
            bool took = Take();
            Inner.Write(s);
            Give(took);
        }

        public override void WriteLine(string s)
        {
            bool took = Take();
            Inner.Write(s);
            Inner.Write('\n');
            Give(took);
        }

        // Bytes a program wrote, as ASCII (anything else as '?'), in one piece.
        public void WriteAscii(byte* bytes, ulong count)
        {
            bool took = Take();
            for (ulong i = 0; i < count; i++)
                Inner.Write(bytes[i] < 128 ? (char)bytes[i] : '?');
            Give(took);
        }

        private bool Take()
        {
            if (_lock.HeldByThisCpu)
                return false;
            _lock.Acquire();
            return true;
        }

        private void Give(bool took)
        {
            if (took)
                _lock.Release();
        }
    }
}
