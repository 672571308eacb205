using System;
using System.Runtime.InteropServices;
using Cosmos.HAL;
using Cosmos.System;
using CosmosKernel.Diagnostics;

namespace CosmosKernel.Boot
{
    // Where the boot stub (Core/Boot/boot.asm) enters C#: long mode, higher half,
    // boot page map, SSE on, interrupts off. Bring up the runtime, then the HAL,
    // then hand over to the Kernel.
    public static unsafe class EntryPoint
    {
        [UnmanagedCallersOnly(EntryPoint = "kmain")]
        private static void KernelMain(uint multibootMagic, uint multibootInfo)
        {
            Internal.Runtime.CompilerHelpers.StartupCodeHelpers.InitializeRuntime();

            var serial = new SerialPort(SerialPort.Com1);
            var screen = new VgaTextScreen(Multiboot2.PhysicalToVirtual(0xB8000));
            Console.SetOut(new MirroredConsole(serial, screen));
            Internal.Runtime.RuntimePanic.SetReporter(&Panic.Report);
            Threading.KernelAssert.SetHandler(&Panic.Report);

            Gdt.Install();
            Idt.Install();
            Cpu.Prepare(0, apicId: 0);      // the boot CPU's GS block and TSS (APIC id known with SMP)
            Cpu.Activate(0);
            Scheduling.KernelLock.Acquire(); // the boot CPU runs the kernel from here on
            Pic.RemapAndMaskAll();
            CpuProtections.Enable();
            CrashReport.Install();
            Processes.UserFaults.Install();

            var boot = Multiboot2.Parse(multibootMagic, multibootInfo);
            ulong bootInfoSize = multibootInfo == 0 ? 0 : *(uint*)Multiboot2.PhysicalToVirtual(multibootInfo);
            Platform.KernelMemory.Initialize(boot, multibootInfo, bootInfoSize);
            // Under QEMU the launcher and the tests pass options through fw_cfg; they
            // replace the GRUB entry's, so a test never inherits the menu's default.
            string given = QemuFwCfg.ReadFile("opt/cosmos/cmdline");
            var options = new KernelOptions(given ?? boot.CommandLine);

            new Kernel(boot, options).Start();
            Panic.Halt("Kernel.Start returned");
        }
    }
}
