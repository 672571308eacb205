namespace CosmosKernel.Abi
{
    // getrlimit/setrlimit/prlimit64's resources (asm-generic/resource.h) and
    // RLIM_INFINITY; struct rlimit is two u64: the soft limit, then the hard one.
    public static class Rlimits
    {
        public const int Cpu = 0, FileSize = 1, Data = 2, Stack = 3, Core = 4, Rss = 5, Processes = 6, OpenFiles = 7,
            LockedMemory = 8, AddressSpace = 9, Locks = 10, PendingSignals = 11, MessageQueue = 12, Nice = 13,
            RealtimePriority = 14, RealtimeTime = 15, Count = 16;
        public const ulong Infinity = ulong.MaxValue;
        public const int Bytes = 16;
    }
}
