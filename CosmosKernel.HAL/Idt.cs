using System.Runtime.InteropServices;

namespace Cosmos.HAL
{
    // The IDT: all 256 vectors enter through the assembly stubs, which call Dispatch
    // with a uniform frame. Devices and IPIs are registered at run time per vector
    // (SetHandler: the scheduler's timers, TLB shootdown, the collector's stop), as
    // Cosmos registers IRQ handlers. Exceptions are not registered: they go to two
    // methods the kernel plugs at build time (docs/plugs.md): page faults to
    // VirtualMemory.HandlePageFault, everything else to HandleException, whose default
    // is the Cosmos layer's crash report.
    public static unsafe class Idt
    {
        public const int VectorCount = 256;
        public const int ExceptionCount = 32;

        private static ulong* s_table;               // 256 gates of 16 bytes
        private static delegate*<InterruptFrame*, void>* s_handlers;

        public static void Install()
        {
            s_table = (ulong*)Internal.Runtime.RuntimeHeap.AllocateRaw(VectorCount * 16);
            s_handlers = (delegate*<InterruptFrame*, void>*)Internal.Runtime.RuntimeHeap.AllocateRaw(VectorCount * 8);
            for (int vector = 0; vector < VectorCount; vector++)
                s_handlers[vector] = null;
            ulong* stubs = Native.InterruptStubTable();
            for (int vector = 0; vector < VectorCount; vector++)
                SetGate(vector, stubs[vector], dpl: 0);
            LoadOnThisCpu();
        }

        // Every CPU uses the same table and handlers.
        public static void LoadOnThisCpu()
        {
            byte* pointer = stackalloc byte[10];
            *(ushort*)pointer = VectorCount * 16 - 1;
            *(ulong*)(pointer + 2) = (ulong)s_table;
            Native.LoadIdt(pointer);
        }

        // 64-bit interrupt gate: offset split over three fields, selector, type 0xE.
        private static void SetGate(int vector, ulong handler, int dpl)
        {
            ulong low = (handler & 0xFFFF)
                | ((ulong)Gdt.KernelCode << 16)
                | ((ulong)(0x8E | (dpl << 5)) << 40)
                | ((handler >> 16) & 0xFFFF) << 48;
            s_table[vector * 2] = low;
            s_table[vector * 2 + 1] = handler >> 32;
        }

        // Run this vector on interrupt stack `ist` (1-7) of the TSS.
        public static void SetInterruptStack(int vector, int ist)
        {
            s_table[vector * 2] = (s_table[vector * 2] & ~(7UL << 32)) | ((ulong)ist << 32);
        }

        public static void SetHandler(int vector, delegate*<InterruptFrame*, void> handler) => s_handlers[vector] = handler;

        // A CPU exception, or a vector no device registered. The Cosmos layer's default:
        // a crash report and stop. Plug target: the kernel's exception handling
        // (CosmosKernel/Plugs/InterruptsPlug.cs) turns user faults into signals.
        public static void HandleException(InterruptFrame* frame) => DefaultCrashReport.ReportAndStop(frame);

        public const int PageFaultVector = 14;

        [UnmanagedCallersOnly(EntryPoint = "interrupt_dispatch")]
        private static void Dispatch(InterruptFrame* frame)
        {
            // Each handler takes the locks it needs itself. Interrupted kernel code runs
            // with interrupts off except where it waits for a lock, so the handlers that
            // can arrive then take no lock, or only count ticks.
            delegate*<InterruptFrame*, void> handler = s_handlers[frame->Vector & 0xFF];
            if (handler != null)
                handler(frame);
            else if (frame->Vector == PageFaultVector)
                VirtualMemory.HandlePageFault(frame);
            else
                HandleException(frame);
        }

        public static string ExceptionName(ulong vector) => vector switch
        {
            0 => "#DE Divide Error",
            1 => "#DB Debug",
            2 => "NMI",
            3 => "#BP Breakpoint",
            4 => "#OF Overflow",
            5 => "#BR Bound Range Exceeded",
            6 => "#UD Invalid Opcode",
            7 => "#NM Device Not Available",
            8 => "#DF Double Fault",
            9 => "Coprocessor Segment Overrun",
            10 => "#TS Invalid TSS",
            11 => "#NP Segment Not Present",
            12 => "#SS Stack-Segment Fault",
            13 => "#GP General Protection",
            14 => "#PF Page Fault",
            16 => "#MF x87 Floating-Point",
            17 => "#AC Alignment Check",
            18 => "#MC Machine Check",
            19 => "#XM SIMD Floating-Point",
            20 => "#VE Virtualization",
            21 => "#CP Control Protection",
            28 => "#HV Hypervisor Injection",
            29 => "#VC VMM Communication",
            30 => "#SX Security",
            < 32 => "Reserved",
            _ => "IRQ",
        };
    }
}
