namespace Cosmos.HAL
{
    // The 8254 programmable interval timer: channel 0 drives the scheduler's tick
    // (IRQ 0, vector 32 after Pic remapping); channel 2 measures the TSC's frequency
    // once at boot, so clock_gettime can count nanoseconds with rdtsc.
    public static class Pit
    {
        public const uint InputHz = 1193182;
        public const int Vector = 32;

        public static ulong TscPerSecond { get; private set; }

        public static void StartPeriodic(uint hz)
        {
            uint divisor = InputHz / hz;
            Native.OutByte(0x43, 0x36); // channel 0, lobyte/hibyte, mode 3 (square wave)
            Native.OutByte(0x40, (byte)divisor);
            Native.OutByte(0x40, (byte)(divisor >> 8));
            Pic.Unmask(0);
        }

        public static void EndOfInterrupt() => Pic.EndOfInterrupt(0);

        // Count TSC ticks over 10 ms of PIT channel 2 (polled; interrupts stay off).
        public static void CalibrateTsc()
        {
            const uint Count = InputHz / 100;
            byte gate = (byte)((Native.InByte(0x61) & 0xFD) | 0x01); // gate on, speaker off
            Native.OutByte(0x61, (byte)(gate & 0xFE));
            Native.OutByte(0x43, 0xB0); // channel 2, lobyte/hibyte, mode 0 (count down once)
            Native.OutByte(0x42, (byte)(Count & 0xFF));
            Native.OutByte(0x42, (byte)(Count >> 8));
            Native.OutByte(0x61, gate);
            ulong start = Native.ReadTimestampCounter();
            ulong spins = 0;
            while ((Native.InByte(0x61) & 0x20) == 0 && spins < 100_000_000)
                spins++;
            TscPerSecond = (Native.ReadTimestampCounter() - start) * 100;
        }
    }
}
