using CosmosKernel.Abi;

namespace CosmosKernel.Arch
{
    // Every interrupt vector the kernel uses, in one table, with why each sits where
    // it does. Handlers are registered with Idt.SetHandler / SetLockFreeHandler by the
    // code that owns them (named beside each); a vector nobody registered reaches
    // Idt's unhandled handler (Processes/UserFaults: a signal for user code, a crash
    // report for the kernel).
    //
    // Local APIC priority: the APIC holds back vectors of the same or a lower priority
    // class (vector / 16) while one is in service. A CPU waits for the scheduler's
    // lock inside its timer handler, with the timer's vector in service, so the IPIs that
    // must get through meanwhile (wake-up, TLB shootdown, collector stop) have higher
    // classes than the timer's.
    public static class InterruptVectors
    {
        // CPU exceptions (0-31, fixed by the architecture).
        public const int DivideError = 0;          // #DE: SIGFPE for user code
        public const int InvalidOpcode = 6;        // #UD: SIGILL
        public const int PageFault = 14;           // #PF: Platform/UserPageFaults
        public const int X87FloatingPoint = 16;    // #MF: SIGFPE
        public const int AlignmentCheck = 17;      // #AC: SIGBUS
        public const int SimdFloatingPoint = 19;   // #XM: SIGFPE

        // The legacy PIT through the remapped PIC (HAL/Pit.cs programs it; CPU 0 keeps
        // time): Scheduling/Scheduler.
        public const int PitTimer = Cosmos.HAL.Pit.Vector;           // 32
        // Each other CPU's local APIC timer (preemption): Scheduling/Scheduler. Class 4.
        public const int ApicTimer = 0x40;
        // "There is work": wakes a halted CPU to run or take it (Scheduling/Scheduler). Class 14.
        public const int Reschedule = 0xE0;
        // TLB shootdown IPI (Platform/KernelTlbShootdown): class 15, above every other
        // vector's, lock-free handler.
        public const int TlbShootdown = 0xF0;
        // The collector stops the other CPUs (Platform/KernelGarbageCollector): class 15,
        // as the shootdown's, lock-free handler.
        public const int CollectorStop = 0xF1;
        // The local APIC's spurious vector (HAL/LocalApic.cs programs it).
        public const int ApicSpurious = Cosmos.HAL.LocalApic.SpuriousVector; // 0xFF

        // The signal that ends a program whose code raised exception `vector` (as
        // Linux's traps.c maps them); SIGSEGV for the rest (#GP, #SS, #NP, #BP...).
        public static int SignalFor(ulong vector) => vector switch
        {
            DivideError => Signals.Fpe,
            X87FloatingPoint => Signals.Fpe,
            SimdFloatingPoint => Signals.Fpe,
            InvalidOpcode => Signals.Ill,
            AlignmentCheck => Signals.Bus,
            _ => Signals.Segv,
        };

        // The si_code its handler gets: what Linux's traps.c reports for each (for x87
        // and SIMD errors Linux reads the status word; here always "invalid operation").
        public static int SignalCodeFor(ulong vector) => vector switch
        {
            DivideError => Signals.FpeIntdiv,
            X87FloatingPoint => Signals.FpeFltinv,
            SimdFloatingPoint => Signals.FpeFltinv,
            InvalidOpcode => Signals.IllIllopn,
            AlignmentCheck => Signals.BusAdraln,
            _ => Signals.SiKernel,
        };
    }
}
