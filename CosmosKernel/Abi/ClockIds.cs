namespace CosmosKernel.Abi
{
    // clock_gettime clock ids (Linux's include/uapi/linux/time.h): the ones the kernel
    // answers.
    public static class ClockIds
    {
        public const ulong Realtime = 0;
        public const ulong ProcessCputime = 2, ThreadCputime = 3; // sampled at each timer tick
        public const ulong Monotonic = 1;
        public const ulong MonotonicRaw = 4;
        public const ulong Boottime = 7;
        // clock_nanosleep's flag: the time is a deadline on the clock, not a duration.
        public const ulong TimerAbstime = 1;
    }
}
