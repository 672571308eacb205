namespace CosmosKernel.Scheduling
{
    // A kernel thread: a stack and the stack pointer it was switched out with.
    // Owned by the Scheduler, which alone changes State, SavedRsp and Permit.
    public sealed unsafe class KernelThread
    {
        public enum ThreadState { Ready, Running, Blocked, Dead }

        public readonly int Id;
        public readonly string Name;
        public ThreadState State;
        public ulong SavedRsp;
        public byte* Stack;        // from IKernelStacks; null for the boot and AP idle threads, and once given back
        public delegate*<ulong, void> Entry; // what the thread runs, and its argument
        public ulong Argument;
        public ulong WakeAt;       // Scheduler.Sleep: the TSC value the sleep ends at (0: not sleeping)
        // The stack the thread runs on, whatever its origin (the boot stack, an AP's
        // start-up stack, Stack): the garbage collector scans it from the thread's
        // stack pointer up.
        public ulong StackBottom, StackTop;
        public bool Permit;        // Unpark came before Park (IThreadBackend semantics)
        public bool WaitsForUser;  // parked by Park(forUser: true): see Scheduler.BreakDeadlock
        public int Joiner = -1;    // thread waiting in Join, or -1
        public bool IsIdle;        // a CPU's idle thread: never queued, runs when nothing else can

        // The user copy this thread is inside (Platform/UserPageFaults): per thread, since
        // a fault in the copy may sleep (on a page lock) while other copies run.
        // Where this thread's time went while it waited (cosmos_vmm_info reports the
        // caller's own: the benchmarks' profile). Written only by the thread itself.
        public long KernelLockWaits, KernelLockWaitCycles;
        public long ShootdownRounds, ShootdownWaitCycles;
        public Memory.AddressSpace CopySpace; // null: not copying
        public bool CopyRecover;

        // For user threads (null Process for kernel threads):
        public Processes.Process Process;
        public ulong AddressSpaceRoot; // CR3 to load when switching in; 0: the kernel page table
        public ulong FsBase;           // user TLS base (arch_prctl), saved and restored on switches
        public ulong UserEntry, UserStack;
        public ulong UserRflags;       // RFLAGS it enters ring 3 with (a clone child: its creator's)
        public int Tid;                // the thread id user space sees (gettid)
        public ulong ClearChildTid;    // CLONE_CHILD_CLEARTID: zeroed and futex-woken at exit
        public object ForkedRegisters; // a forked child's first return to ring 3 (Processes/ProgramRunner)
        public ulong KernelStackTop => Stack == null ? 0 : (ulong)(Stack + Scheduler.StackSize);

        public KernelThread(int id, string name)
        {
            Id = id;
            Name = name;
        }
    }
}
