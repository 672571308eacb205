using System.Runtime.InteropServices;

namespace CosmosKernel.Abi
{
    // struct abi_lock_stat, one lock class's contention as cosmos_lock_stats(out, count)
    // (syscall 1029) reports it: the class's name (the name its locks are made with,
    // zero-terminated, cut at 31 bytes), how many times one of its locks was found held
    // since boot, and the TSC cycles spent waiting (Scheduling/LockStatistics). Counted
    // on every CPU at once, for every thread: a program takes two snapshots and
    // subtracts them.
    [StructLayout(LayoutKind.Sequential)]
    public struct LockStat
    {
        public const int NameBytes = 32;
        public const int Size = NameBytes + 2 * 8; // 48 bytes

        public ulong Name0, Name1, Name2, Name3; // 32 bytes, zero-terminated
        public ulong Waits;
        public ulong WaitCycles;
    }
}
