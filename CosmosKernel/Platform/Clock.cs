using Cosmos.HAL;

namespace CosmosKernel.Platform
{
    // Time since boot in nanoseconds, from the TSC (calibrated against the PIT at boot).
    // Every clock the kernel reports is this one: clock_gettime's (there is no
    // battery-backed clock yet, so CLOCK_REALTIME starts at 0 at boot) and the
    // file tree's times.
    public static class Clock
    {
        public static ulong NowNanoseconds()
        {
            ulong perSecond = Pit.TscPerSecond == 0 ? 1000000000 : Pit.TscPerSecond;
            ulong tsc = Native.ReadTimestampCounter();
            return tsc / perSecond * 1000000000 + (tsc % perSecond) * 1000000000 / perSecond;
        }
    }
}
