using System;
using Cosmos.HAL;

namespace CosmosKernel.Diagnostics
{
    // A kernel panic: an unrecoverable condition found by the kernel itself (as opposed
    // to a CPU exception, which CrashReport handles). Prints a machine-readable line
    // and stops the kernel (or QEMU, under the test harness).
    public static unsafe class Panic
    {
        public static void Report(string message)
        {
            Console.WriteLine("");
            Console.WriteLine("*** CosmosKernel panic: " + message + " ***");
            Console.WriteLine("PANIC message=" + message + " rsp=0x" + Native.ReadRsp().ToString("X16"));
            CrashReport.Stop();
        }

        public static void Halt(string message)
        {
            Report(message);
        }
    }
}
