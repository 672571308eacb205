using System;
using Cosmos.HAL;

namespace CosmosKernel.Boot
{
    // A kernel built without its plugs (dotnet build CosmosKernel -p:CosmosPlugs=false)
    // runs on the Cosmos layer's defaults: the boot map, crash-report interrupt handling,
    // no syscalls. It has no frame allocator and no address spaces, so no user program
    // can run and none of the kernel's self-tests can; it says so and stops cleanly
    // instead of crashing on the first missing piece.
    public static class WithoutPlugs
    {
        public static void Stop(Cosmos.System.KernelOptions options)
        {
            bool exitWhenDone = options.Has("exit");
            DefaultCrashReport.ExitQemu = exitWhenDone;
            Console.WriteLine();
            Console.WriteLine("CosmosKernel " + Kernel.Version + " booted (x86-64, NativeAOT C#)");
            Console.WriteLine("plugs: none applied (built with -p:CosmosPlugs=false): the Cosmos layer's defaults run");
            Console.WriteLine("paging: the boot map (low 4 GiB identity-mapped, direct map, kernel image): no user address spaces");
            Console.WriteLine("interrupts: the default handling: every exception is a crash report");
            if (options.Get("selftest") == "pagefault")
            {
                // The default interrupt handling at work: its crash report, then stop.
                Console.WriteLine("selftest: reading 0x" + Kernel.DeliberateFaultAddress.ToString("X16") + " to show the default crash report");
                Native.FaultReadQword(Kernel.DeliberateFaultAddress);
            }
            // As with plugs (Kernel.RunPrograms): programs asked for by run= that cannot
            // run make the status 1; the default init not running is what this build is.
            string asked = options.Get("run");
            Console.WriteLine("user programs cannot run without the kernel's paging plug: not running " + (asked ?? "init"));
            Console.WriteLine("boot: stopped cleanly on the defaults (build without -p:CosmosPlugs=false to run programs)");
            if (exitWhenDone)
                QemuDebugExit.Exit(asked == null ? Kernel.ExitAllPassed : Kernel.ExitSelfTestFailed);
            Native.HaltForever();
        }
    }
}
