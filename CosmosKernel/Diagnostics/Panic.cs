using System;
using Cosmos.HAL;

namespace CosmosKernel.Diagnostics
{
    // A kernel panic: an unrecoverable condition found by the kernel itself (as opposed
    // to a CPU exception, which CrashReport handles). Prints a machine-readable line
    // and stops the kernel (or QEMU, under the test harness).
    //
    // Nothing here allocates or takes a lock: a panic may report an exhausted heap,
    // or come from code that holds any lock. Messages are written piece by piece
    // (callers that build a message with `+` allocate before they get here; the
    // runtime's own panics, heap exhaustion among them, come through ReportNumber).
    public static unsafe class Panic
    {
        private const ulong NoValue = ulong.MaxValue; // RuntimePanic's "no number"

        public static void Report(string message) => ReportNumber(message, NoValue, null);

        // "prefix value suffix", value in decimal (none when NoValue).
        public static void ReportNumber(string prefix, ulong value, string suffix)
        {
            Console.WriteLine("");
            Console.Write("*** CosmosKernel panic: ");
            WriteMessage(prefix, value, suffix);
            Console.WriteLine(" ***");
            Console.Write("PANIC message=");
            WriteMessage(prefix, value, suffix);
            Console.Write(" rsp=0x");
            WriteHex(Native.ReadRsp());
            Console.WriteLine();
            CrashReport.Stop();
        }

        public static void Halt(string message)
        {
            Report(message);
        }

        private static void WriteMessage(string prefix, ulong value, string suffix)
        {
            Console.Write(prefix);
            if (value != NoValue)
                Console.WriteDecimal(value);
            if (suffix != null)
                Console.Write(suffix);
        }

        public static void WriteHex(ulong value)
        {
            for (int shift = 60; shift >= 0; shift -= 4)
            {
                int digit = (int)((value >> shift) & 0xF);
                Console.Write((char)(digit < 10 ? '0' + digit : 'A' + digit - 10));
            }
        }
    }
}
