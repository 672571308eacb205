namespace CosmosKernel.Scheduling
{
    // A kernel thread: a stack and the stack pointer it was switched out with.
    // Owned by the Scheduler, which alone changes State, SavedRsp, Permit, Joiner,
    // WakeAt, EarlyWake and WaitsForUser, under the lock of the run queue of the CPU in
    // Cpu (Scheduling/RunQueue.cs). The rest is the thread's own.
    public sealed unsafe class KernelThread
    {
        public enum ThreadState { Ready, Running, Blocked, Dead }

        public readonly int Id;
        public readonly string Name;
        public ThreadState State;
        // The CPU it runs on, or last ran on, or is queued on: whose run queue lock
        // guards its state. Changes only under both CPUs' queue locks.
        public int Cpu;
        public ulong SavedRsp;
        public byte* Stack;        // from IKernelStacks; null for the boot and AP idle threads, and once given back
        public delegate*<ulong, void> Entry; // what the thread runs, and its argument
        public ulong Argument;
        public ulong WakeAt;       // Scheduler.Sleep: the TSC value the sleep ends at (0: not sleeping)
        public bool EarlyWake;     // Scheduler.Wake came while not sleeping (Sleep(honorEarlierWake))
        // The stack the thread runs on, whatever its origin (the boot stack, an AP's
        // start-up stack, Stack): the garbage collector scans it from the thread's
        // stack pointer up.
        public ulong StackBottom, StackTop;
        public bool Permit;        // Unpark came before Park (IThreadBackend semantics)
        public bool WaitsForUser;  // parked by Park(forUser: true): see Scheduler.BreakDeadlock
        public bool WaitsForDevice; // parked by ParkForDevice: input from outside may come
        public int Joiner = -1;    // thread waiting in Join, or -1
        public bool IsIdle;        // a CPU's idle thread: never queued, runs when nothing else can

        // Where this thread's time went while it waited (cosmos_vmm_info reports the
        // caller's own: the benchmarks' profile). Written only by the thread itself
        // (LockStatistics: any lock found held; Platform/KernelTlbShootdown).
        public long LockWaits, LockWaitCycles;
        public long ShootdownRounds, ShootdownWaitCycles;
        // CPU time: timer ticks (1 / Scheduler.TickHz s) that found it running in ring 3
        // or in the kernel (Scheduler.ChargeTick). Written only by the CPU running it;
        // others read them racily (whole 64-bit words: getrusage, times).
        public long UserTicks, SystemTicks;

        // The user copy this thread is inside (Platform/UserPageFaults): per thread, since
        // a fault in the copy may sleep (on a page lock) while other copies run.
        public Memory.AddressSpace CopySpace; // null: not copying
        public bool CopyRecover;
        // The lock classes it holds, oldest first (LockValidator, boot option lockdep).
        public int[] LockStack;
        public byte[] LockKinds;
        public int LockDepth;

        // What the scheduler loads when it switches to a thread that runs user code:
        public ulong AddressSpaceRoot; // CR3 to load when switching in; 0: the kernel page table
        public ulong FsBase;           // user TLS base (arch_prctl), saved and restored on switches

        // What a layer above attached to the thread (the process layer: its
        // Processes.UserThread); null for a kernel thread. The scheduler only asks
        // whether there is one (a user thread has an FS base to keep).
        public ThreadOwner Owner;
        public ulong KernelStackTop => Stack == null ? 0 : (ulong)(Stack + Scheduler.StackSize);

        // Its FPU state while switched out (fxsave area: Scheduler.SwitchLocked, threads.asm):
        // the lowest 512 bytes of its kernel stack (page-aligned), below anything the
        // stack holds unless it is about to overflow into its guard page. Null for the
        // boot and idle threads, which run no program.
        public const int FpuStateBytes = 512;
        public byte* FpuState => Stack;

        public KernelThread(int id, string name)
        {
            Id = id;
            Name = name;
        }
    }
}
