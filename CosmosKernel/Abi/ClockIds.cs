namespace CosmosKernel.Abi
{
    // clock_gettime clock ids (Linux's include/uapi/linux/time.h): the ones the kernel
    // answers.
    public static class ClockIds
    {
        public const ulong Realtime = 0;
        public const ulong Monotonic = 1;
        public const ulong MonotonicRaw = 4;
        public const ulong Boottime = 7;
    }
}
