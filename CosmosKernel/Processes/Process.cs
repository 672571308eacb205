using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // A user program: its address space and what the syscalls need to know about it.
    // One thread per process for now (the user-mode issue's scheduler adds threads).
    public sealed class Process
    {
        public const ulong BrkLimit = 64UL << 20; // the heap may grow to 64 MiB

        public readonly int Pid;
        public readonly string Name;
        public readonly AddressSpace Space;
        public ulong BrkStart;
        public ulong Brk;
        public ulong FsBase;

        // How it ended: an exit status, or killed by a signal.
        public int ExitStatus;
        public int KilledBySignal;

        public Process(int pid, string name, AddressSpace space)
        {
            Pid = pid;
            Name = name;
            Space = space;
        }
    }
}
