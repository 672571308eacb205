using System.Runtime.InteropServices;

namespace CosmosKernel.Userland.Runtime
{
    // What cosmos_vmm_info (syscall 1024) fills in: the strategy's name, then the
    // kernel's frame and fault counters (layout in the kernel's Syscalls/SyscallTable.cs).
    // The counters are the kernel's own, so a program can tell what the kernel did
    // (waited, copied, poisoned) without guessing from timing.
    [StructLayout(LayoutKind.Sequential)]
    public struct VmmInfo
    {
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
        public ulong KernelLockWaits;      // times it found the kernel lock taken
        public ulong KernelLockWaitCycles;
        public ulong ShootdownRounds;      // TLB shootdowns it sent to other CPUs
        public ulong ShootdownWaitCycles;  // waiting for their answers
        // The kernel heap and its objects:
        public ulong HeapLiveBytes;        // what the last collection kept (Sys.GetVmmInfoAfterCollection: now)
        public ulong HeapCollections;
        public ulong HeapCapacity;
        public ulong HeapPoisonViolations; // writes into freed heap blocks
        public ulong Processes;            // in the process table, zombies included
        public ulong Threads;              // kernel threads alive, the idle ones included
    }
}
