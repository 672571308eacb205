using System.Runtime.InteropServices;

namespace CosmosKernel.Abi
{
    // struct cosmos_vmm_info, what cosmos_vmm_info(out, flags) (syscall 1024) fills in:
    // the user-copy strategy's name, then the kernel's frame and fault counters. The
    // counters are the kernel's own, so a program can tell what the kernel did (waited,
    // copied, poisoned) without guessing from timing. The kernel fills this struct and
    // the user runtime reads it: one definition. The C and assembly programs get its size
    // and offsets (and, in C, struct abi_vmm_info) from the generated cosmos_abi.h / .inc.
    [StructLayout(LayoutKind.Sequential)]
    public struct VmmInfo
    {
        public const int StrategyNameBytes = 16;
        public const int Size = StrategyNameBytes + 20 * 8; // 176 bytes

        // Flags: collect the kernel heap first, so HeapLiveBytes is what is live now
        // (`lab` and `bench` boots only: a collection stops every CPU).
        public const ulong CollectFlag = 1;

        public ulong StrategyName0, StrategyName1; // 16 bytes, zero-terminated
        public ulong FramesFree;
        public ulong FramesUsed;
        public ulong DemandZeroFaults;
        public ulong FileLoadFaults;
        public ulong CopyOnWriteCopies;
        public ulong PageLockWaits;     // munmap, mprotect, fork or a user fault waited for a copy-locked page
        public ulong PoisonViolations;  // writes into freed frames, found when they were handed out again
        public ulong DoubleFrees;
        public ulong MmLockWaits;       // waits for the address-space lock
        public ulong CpusOnline;
        // The calling thread's own waits, in TSC cycles (its profile):
        public ulong LockWaits;            // times it found one of the kernel's locks held (any class)
        public ulong LockWaitCycles;
        public ulong ShootdownRounds;      // TLB shootdowns it sent to other CPUs
        public ulong ShootdownWaitCycles;  // waiting for their answers
        // The kernel heap and its objects:
        public ulong HeapLiveBytes;        // what the last collection kept (CollectFlag: now)
        public ulong HeapCollections;
        public ulong HeapCapacity;
        public ulong HeapPoisonViolations; // writes into freed heap blocks
        public ulong Processes;            // in the process table, zombies included
        public ulong Threads;              // kernel threads alive, the idle ones included
    }
}
