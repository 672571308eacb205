namespace CosmosKernel.Abi
{
    // getrusage's `who` and struct rusage (include/uapi/linux/resource.h), struct tms
    // (times.h), and USER_HZ: the unit of times()'s clock_t, which AT_CLKTCK gives.
    public static class Rusage
    {
        public const int Self = 0, Children = -1, Thread = 1;
        // struct rusage: ru_utime and ru_stime (struct timeval: seconds, microseconds),
        // then 14 longs (ru_maxrss ... ru_nivcsw).
        public const ulong Bytes = 144;
        // struct tms: tms_utime, tms_stime, tms_cutime, tms_cstime, each a clock_t.
        public const ulong TmsBytes = 32;
        public const long UserHz = 100;
    }
}
