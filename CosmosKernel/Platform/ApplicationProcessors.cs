using System;
using System.Runtime.InteropServices;
using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Platform
{
    // Starting the other CPUs. The ACPI MADT lists them by local APIC id; each gets
    // INIT, then a start-up IPI that points it at the real-mode trampoline
    // (CosmosKernel/Boot/smp.asm), which brings it to long mode on the kernel page table and
    // calls ApMain here. One CPU at a time: the trampoline's data block is shared.
    public static unsafe class ApplicationProcessors
    {
        public const ulong TrampolinePhysical = 0x8000; // in the first MiB, never handed out
        public const int StackSize = 64 * 1024;

        // The trampoline's data block (offsets in smp.asm).
        private const int DataCr3 = 8, DataCr4 = 16, DataCr0 = 24, DataEfer = 32, DataStack = 40, DataEntry = 48, DataCpu = 56;
        private const uint MsrEfer = 0xC0000080;
        private const ulong EferLongModeActive = 1UL << 10;
        private const ulong Cr4Smep = 1UL << 20, Cr4Smap = 1UL << 21, Cr4Pcide = 1UL << 17;

        // Set by the starting AP once it runs C# (read by the boot CPU while it waits).
        private static int s_reported;
        private static delegate*<int, ulong, ulong, void> s_run;
        // Per CPU: the bottom of the stack it starts on (StackSize bytes).
        private static readonly ulong[] s_stacks = new ulong[Gdt.MaxCpus];

        // Start every usable CPU the MADT lists; each then calls run(cpu, stack bottom,
        // stack top) on that stack and never returns.
        // Returns the number of CPUs online, the boot CPU included (CPU n's APIC id is
        // in its per-CPU block, Cpu.Block(n)).
        public static int StartAll(ulong acpiRsdp, delegate*<int, ulong, ulong, void> run)
        {
            int online = 1;
            if (!Acpi.ReadMadt(acpiRsdp))
            {
                Console.WriteLine("smp: no ACPI MADT; running on one CPU");
                return online;
            }
            LocalApic.Initialize(KernelMemory.MapDevice(Acpi.LocalApicPhysical));
            LocalApic.EnableOnThisCpu();
            uint bootApicId = LocalApic.Id;
            Cpu.Block(0)->ApicId = bootApicId;
            s_run = run;

            byte* trampoline = (byte*)Multiboot2.PhysicalToVirtual(TrampolinePhysical);
            byte* code = Native.SmpTrampolineStart();
            int size = Native.SmpTrampolineSize();
            for (int i = 0; i < size; i++)
                trampoline[i] = code[i];
            // The AP runs the trampoline at its physical address with paging on: map that page.
            if (!KernelMemory.KernelTable.Map(TrampolinePhysical, TrampolinePhysical, Pte.Writable))
                Diagnostics.Panic.Report("smp: out of memory mapping the trampoline");
            *(ulong*)(trampoline + DataCr3) = KernelMemory.KernelTable.Root;
            *(ulong*)(trampoline + DataCr4) = Native.ReadCr4() & ~(Cr4Smep | Cr4Smap | Cr4Pcide); // SMEP/SMAP come back in C#
            *(ulong*)(trampoline + DataCr0) = Native.ReadCr0();
            *(ulong*)(trampoline + DataEfer) = Native.ReadMsr(MsrEfer) & ~EferLongModeActive;
            *(ulong*)(trampoline + DataEntry) = Native.SmpApEntryAddress();

            Acpi.Processor[] processors = Acpi.Processors;
            for (int i = 0; i < processors.Length; i++)
            {
                if (!processors[i].Usable || processors[i].ApicId == bootApicId)
                    continue;
                if (online == Gdt.MaxCpus)
                {
                    Console.WriteLine("smp: more than " + Gdt.MaxCpus.ToString() + " CPUs; the rest stay off");
                    break;
                }
                if (!Start(trampoline, processors[i].ApicId, online))
                {
                    Console.WriteLine("smp: the CPU with APIC id " + processors[i].ApicId.ToString() + " did not start");
                    continue;
                }
                online++;
            }
            KernelMemory.KernelTable.Unmap(TrampolinePhysical);
            Native.InvalidatePage(TrampolinePhysical);
            return online;
        }

        // INIT, wait 10 ms, start-up IPI, and a second one if the CPU is not up after
        // 1 ms (Intel's MP start-up sequence); give it 500 ms in all.
        private static bool Start(byte* trampoline, uint apicId, int cpu)
        {
            Cpu.Prepare(cpu, apicId);
            byte* stack = Internal.Runtime.RuntimeHeap.AllocateRaw(StackSize);
            s_stacks[cpu] = (ulong)stack;
            // 16-aligned, as the ABI wants rsp before a call: the heap's blocks are only
            // 8-aligned, and compiled code spills SSE registers with movaps (an AP once
            // crashed in its idle loop on a #GP there).
            *(ulong*)(trampoline + DataStack) = (ulong)(stack + StackSize) & ~15UL;
            *(ulong*)(trampoline + DataCpu) = (ulong)cpu;
            Volatile.Write(ref s_reported, 0);
            uint page = (uint)(TrampolinePhysical >> 12);
            LocalApic.SendInit(apicId);
            Delay(10_000);
            LocalApic.SendStartup(apicId, page);
            if (WaitForReport(1_000))
                return true;
            LocalApic.SendStartup(apicId, page);
            return WaitForReport(500_000);
        }

        private static bool WaitForReport(ulong microseconds)
        {
            ulong end = Native.ReadTimestampCounter() + Pit.TscPerSecond / 1_000_000 * microseconds;
            while (Native.ReadTimestampCounter() < end)
            {
                if (Volatile.Read(ref s_reported) != 0)
                    return true;
                Native.Pause();
            }
            return Volatile.Read(ref s_reported) != 0;
        }

        private static void Delay(ulong microseconds)
        {
            ulong end = Native.ReadTimestampCounter() + Pit.TscPerSecond / 1_000_000 * microseconds;
            while (Native.ReadTimestampCounter() < end)
                Native.Pause();
        }

        // An AP's first C#: the boot CPU's descriptor tables and protections, its own
        // GS block, TSS, syscall MSRs and local APIC; then report and hand over to the
        // scheduler. It must not allocate or print before its GS block is active.
        [UnmanagedCallersOnly(EntryPoint = "ap_main")]
        private static void ApMain(int cpu)
        {
            Gdt.LoadOnThisCpu();
            Cpu.Activate(cpu); // after the GDT load, which clears GS
            Idt.LoadOnThisCpu();
            UserMode.InitializeOnThisCpu();
            CpuProtections.EnableOnThisCpu();
            LocalApic.EnableOnThisCpu();
            Volatile.Write(ref s_reported, 1);
            s_run(cpu, s_stacks[cpu], s_stacks[cpu] + StackSize);
            Diagnostics.Panic.Halt("an application processor left the scheduler");
        }
    }
}
