using System;

namespace Cosmos.HAL
{
    // The Cosmos layer's default interrupt handling: every exception (and any vector no
    // device registered a handler for) is a crash report, then the machine stops. A
    // kernel replaces this with a plug of Idt.HandleException (docs/plugs.md); this one
    // knows nothing of processes, so it cannot tell a user fault from a kernel bug.
    // The last line has the kernel's crash-report format, so the launcher decodes it.
    public static unsafe class DefaultCrashReport
    {
        // Set by a kernel booted with `exit` under QEMU: end QEMU with CrashStatus instead
        // of halting (the status the kernel's own crash report uses).
        public static bool ExitQemu;
        public const byte CrashStatus = 3;

        public static void ReportAndStop(InterruptFrame* frame)
        {
            ulong cr2 = Native.ReadCr2();
            Console.WriteLine("");
            Console.WriteLine("*** CosmosKernel crash: " + Idt.ExceptionName(frame->Vector) + " (the Cosmos layer's default interrupt handling: every exception is a crash report) ***");
            Console.WriteLine("vector " + frame->Vector.ToString() + "  error code 0x" + frame->ErrorCode.ToString("X")
                + "  RIP=" + frame->Rip.ToString("X16") + "  CR2=" + cr2.ToString("X16"));
            Console.WriteLine("CRASH vector=" + frame->Vector.ToString() + " error=0x" + frame->ErrorCode.ToString("X")
                + " rip=0x" + frame->Rip.ToString("X16") + " cr2=0x" + cr2.ToString("X16")
                + " rsp=0x" + frame->Rsp.ToString("X16") + " bytes=unavailable");
            if (ExitQemu)
                QemuDebugExit.Exit(CrashStatus);
            Native.HaltForever();
        }
    }
}
