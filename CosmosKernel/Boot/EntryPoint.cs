using System;
using System.Runtime.InteropServices;
using Cosmos.HAL;
using Cosmos.System;
using CosmosKernel.Diagnostics;

namespace CosmosKernel.Boot
{
    // Where the boot stub (Boot/boot.asm) enters C#: long mode, higher half,
    // boot page map, SSE on, interrupts off. Bring up the runtime, then the HAL,
    // then hand over to the Kernel.
    public static unsafe class EntryPoint
    {
        // The GRUB module with the console font (grub.cfg), and the framebuffer console
        // drawn with it (null under BIOS, which has VGA text).
        public const string FontModule = "font";
        public static FramebufferConsole FramebufferConsole { get; private set; }

        // The smallest machine the kernel runs on: 64 MiB (the launcher refuses less). Its
        // image holds a 16 MiB heap, and the frames, kernel stacks and user programs need
        // the rest; firmware keeps a little, so a 64 MiB machine reports about 63 usable.
        public const int MinimumMemoryMiB = 64;
        private const ulong MinimumUsableMemoryBytes = (MinimumMemoryMiB - 4) * 1024UL * 1024;

        // Say so in words, rather than fail a self-test or run out of frames later.
        private static void TooLittleMemory(Multiboot2 boot, KernelOptions options)
        {
            Console.WriteLine(); // GRUB may leave the serial cursor mid-line
            Console.WriteLine("boot: " + (boot.UsableMemoryBytes / (1024 * 1024)).ToString() + " MiB of usable RAM is too little: CosmosKernel needs a machine with at least "
                + MinimumMemoryMiB.ToString() + " MiB");
            if (options.Has("exit"))
                QemuDebugExit.Exit(Kernel.ExitSelfTestFailed);
            Native.HaltForever();
        }

        [UnmanagedCallersOnly(EntryPoint = "kmain")]
        private static void KernelMain(uint multibootMagic, uint multibootInfo)
        {
            Internal.Runtime.CompilerHelpers.StartupCodeHelpers.InitializeRuntime();

            var boot = Multiboot2.Parse(multibootMagic, multibootInfo);
            var serial = new SerialPort(SerialPort.Com1);
            // BIOS boot leaves VGA text mode; under UEFI there is none, and the
            // framebuffer console comes once the kernel's page tables map it (below).
            TextScreen screen = boot.FramebufferType == Multiboot2.FramebufferRgb ? null
                : new VgaTextScreen(Multiboot2.PhysicalToVirtual(boot.FramebufferType == Multiboot2.FramebufferEgaText ? boot.FramebufferAddress : 0xB8000));
            Console.SetOut(new MirroredConsole(serial, screen));
            Internal.Runtime.RuntimePanic.SetReporter(&Panic.ReportNumber);
            Threading.KernelAssert.SetHandler(&Panic.Report);

            Gdt.Install();
            Idt.Install();
            Cpu.Prepare(0, apicId: 0);      // the boot CPU's GS block and TSS (APIC id known with SMP)
            Cpu.Activate(0);
            // From here on every CPU may write: one line at a time (its lock needs the
            // per-CPU block just activated).
            var console = new Platform.KernelConsole(Console.Out);
            Console.SetOut(console);
            Pic.RemapAndMaskAll();
            CpuProtections.Enable();
            // Exceptions go to the kernel's crash report and user-fault handling, and
            // paging is the kernel's: plugs of the Cosmos layer's defaults (Plugs/).

            // Under QEMU the launcher and the tests pass options through fw_cfg (port I/O);
            // they replace the GRUB entry's, so a test never inherits the menu's default.
            string given = QemuFwCfg.ReadFile("opt/cosmos/cmdline");
            var options = new KernelOptions(given ?? boot.CommandLine);
            if (boot.UsableMemoryBytes < MinimumUsableMemoryBytes)
                TooLittleMemory(boot, options);

            ulong bootInfoSize = multibootInfo == 0 ? 0 : *(uint*)Multiboot2.PhysicalToVirtual(multibootInfo);
            bool ownPaging = VirtualMemory.TakeOver(boot, multibootInfo, bootInfoSize);
            if (screen == null)
            {
                FramebufferConsole framebuffer = FramebufferConsole.Create(boot, FontModule, out string problem);
                if (framebuffer != null)
                    console.Inner = new MirroredConsole(serial, framebuffer);
                else
                    Console.WriteLine("console: no framebuffer console (" + problem + "): COM1 only");
                FramebufferConsole = framebuffer;
            }
            if (!ownPaging)
                WithoutPlugs.Stop(options);

            new Kernel(boot, options, console).Start();
            Panic.Halt("Kernel.Start returned");
        }
    }
}
