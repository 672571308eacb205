namespace CosmosKernel.Abi
{
    // clone(2) flags (Linux's include/uapi/linux/sched.h). The low byte is the signal
    // sent to the parent when the child ends (ignored for threads).
    public static class CloneFlags
    {
        public const ulong Vm = 0x100;
        public const ulong Fs = 0x200;
        public const ulong Files = 0x400;
        public const ulong Sighand = 0x800;
        public const ulong Thread = 0x10000;
        public const ulong SysVSem = 0x40000;
        public const ulong SetTls = 0x80000;
        public const ulong ParentSetTid = 0x100000;
        public const ulong ChildClearTid = 0x200000;
        public const ulong Detached = 0x400000; // ignored by Linux since 2.6.2; musl still passes it
        public const ulong ChildSetTid = 0x1000000;
        public const ulong ExitSignalMask = 0xFF;

        // What pthread_create passes (without the tid and TLS flags): a thread sharing
        // memory, files and signal handlers.
        public const ulong PthreadThread = Vm | Fs | Files | Sighand | Thread | SysVSem;
        // The same, with the parent's tid word set and the child's cleared at its exit
        // (what the user runtime's threads join on).
        public const ulong PthreadThreadWithTids = PthreadThread | ParentSetTid | ChildClearTid;
    }
}
