using System;
using Cosmos.HAL;

namespace CosmosKernel.Diagnostics
{
    // What an unexpected exception prints before the kernel stops: vector and name,
    // error code, RIP, CR2 for page faults, every register, and the bytes at RIP.
    // The last line is machine-readable; the host (CosmosKernel.Launcher) decodes the
    // instruction with Iced and names the nearest symbol from kernel.elf.
    public static unsafe class CrashReport
    {
        // Set when running under the test harness: stop QEMU with this status.
        public static bool ExitQemuOnCrash;
        public const byte CrashExitStatus = 3;
        // Kernel faults the kernel survived by killing the process it worked for.
        public static int Oopses;

        public static void Report(InterruptFrame* frame, string headline)
        {
            ulong cr2 = Native.ReadCr2();
            Console.WriteLine("");
            Console.WriteLine("*** CosmosKernel crash: " + headline + " ***");
            Console.WriteLine("vector " + frame->Vector.ToString() + " (" + Idt.ExceptionName(frame->Vector)
                + ")  error code 0x" + frame->ErrorCode.ToString("X"));
            Console.WriteLine("RIP=" + Hex(frame->Rip) + "  CS=" + Hex(frame->Cs, 4) + "  RFLAGS=" + Hex(frame->Rflags, 8));
            if (frame->Vector == Arch.InterruptVectors.PageFault)
                Console.WriteLine("CR2=" + Hex(cr2) + "  (" + DescribePageFault(frame->ErrorCode) + ")");
            Console.WriteLine("RAX=" + Hex(frame->Rax) + " RBX=" + Hex(frame->Rbx) + " RCX=" + Hex(frame->Rcx));
            Console.WriteLine("RDX=" + Hex(frame->Rdx) + " RSI=" + Hex(frame->Rsi) + " RDI=" + Hex(frame->Rdi));
            Console.WriteLine("RBP=" + Hex(frame->Rbp) + " RSP=" + Hex(frame->Rsp) + " R8 =" + Hex(frame->R8));
            Console.WriteLine("R9 =" + Hex(frame->R9) + " R10=" + Hex(frame->R10) + " R11=" + Hex(frame->R11));
            Console.WriteLine("R12=" + Hex(frame->R12) + " R13=" + Hex(frame->R13) + " R14=" + Hex(frame->R14));
            Console.WriteLine("R15=" + Hex(frame->R15) + " CR3=" + Hex(Native.ReadCr3()) + " SS=" + Hex(frame->Ss, 4));
            string bytes = InstructionBytes(frame->Rip);
            Console.WriteLine("code at RIP: " + bytes);
            Console.WriteLine("CRASH vector=" + frame->Vector.ToString() + " error=0x" + frame->ErrorCode.ToString("X")
                + " rip=0x" + frame->Rip.ToString("X16") + " cr2=0x" + cr2.ToString("X16")
                + " rsp=0x" + frame->Rsp.ToString("X16") + " bytes=" + bytes);
        }

        public static void Stop()
        {
            if (ExitQemuOnCrash)
                QemuDebugExit.Exit(CrashExitStatus);
            Native.HaltForever();
        }

        private static string DescribePageFault(ulong error)
        {
            string what = (error & 1) != 0 ? "protection violation" : "page not present";
            string access = (error & 16) != 0 ? "instruction fetch" : (error & 2) != 0 ? "write" : "read";
            string mode = (error & 4) != 0 ? "user mode" : "kernel mode";
            return what + ", " + access + ", " + mode;
        }

        // Up to 15 bytes at RIP, only if RIP lies in the kernel image (reading a wild
        // RIP would fault inside the crash report).
        private static string InstructionBytes(ulong rip)
        {
            if (rip < Native.KernelImageStart() || rip + 15 > Native.KernelImageEnd())
                return "unavailable";
            char* text = stackalloc char[30];
            for (int i = 0; i < 15; i++)
            {
                byte b = *(byte*)(rip + (ulong)i);
                text[i * 2] = HexDigit(b >> 4);
                text[i * 2 + 1] = HexDigit(b & 0xF);
            }
            return new string(text, 0, 30);
        }

        private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

        private static string Hex(ulong value, int digits = 16) => value.ToString("X" + digits.ToString());
    }
}
