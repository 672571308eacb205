namespace Cosmos.HAL
{
    // The local APIC (xAPIC, memory-mapped): every CPU has one at the same address,
    // and each reaches its own. It sends inter-processor interrupts (INIT and SIPI to
    // start a CPU, fixed vectors for TLB shootdown and rescheduling), acknowledges
    // interrupts, and has a per-CPU timer.
    public static unsafe class LocalApic
    {
        public const int SpuriousVector = 0xFF;

        private const uint RegisterId = 0x20, RegisterTaskPriority = 0x80, RegisterEoi = 0xB0,
            RegisterSpurious = 0xF0, RegisterIcrLow = 0x300, RegisterIcrHigh = 0x310,
            RegisterLvtTimer = 0x320, RegisterTimerInitial = 0x380, RegisterTimerCurrent = 0x390,
            RegisterTimerDivide = 0x3E0;
        private const uint IcrDelivered = 1u << 12, IcrAssert = 1u << 14;
        private const uint DeliveryInit = 5u << 8, DeliveryStartup = 6u << 8;
        private const uint TimerPeriodic = 1u << 17, Masked = 1u << 16;

        private static ulong s_base; // virtual address of the register page (mapped uncached)

        public static bool Present => s_base != 0;

        public static void Initialize(ulong registersVirtual) => s_base = registersVirtual;

        private static uint Read(uint register) => Native.MmioRead32(s_base + register);
        private static void Write(uint register, uint value) => Native.MmioWrite32(s_base + register, value);

        public static uint Id => Read(RegisterId) >> 24;

        // Software-enable this CPU's APIC and accept every priority.
        public static void EnableOnThisCpu()
        {
            Write(RegisterTaskPriority, 0);
            Write(RegisterSpurious, 0x100 | SpuriousVector);
        }

        public static void EndOfInterrupt() => Write(RegisterEoi, 0);

        public static void SendInit(uint apicId) => SendCommand(apicId, IcrAssert | DeliveryInit);

        // Start-up IPI: the CPU begins in real mode at physical page `page` (address / 4096).
        public static void SendStartup(uint apicId, uint page) => SendCommand(apicId, IcrAssert | DeliveryStartup | (page & 0xFF));

        public static void SendInterrupt(uint apicId, int vector) => SendCommand(apicId, IcrAssert | (uint)vector);

        private static void SendCommand(uint apicId, uint command)
        {
            Write(RegisterIcrHigh, apicId << 24);
            Write(RegisterIcrLow, command);
            while ((Read(RegisterIcrLow) & IcrDelivered) != 0)
                Native.Pause();
        }

        // The timer counts down from `initialCount` at the bus clock / 16.
        public static void StartTimer(int vector, uint initialCount, bool periodic)
        {
            Write(RegisterTimerDivide, 3); // divide by 16
            Write(RegisterLvtTimer, (uint)vector | (periodic ? TimerPeriodic : 0));
            Write(RegisterTimerInitial, initialCount);
        }

        public static void StopTimer() => Write(RegisterLvtTimer, Masked);

        public static uint TimerCurrentCount => Read(RegisterTimerCurrent);
    }
}
