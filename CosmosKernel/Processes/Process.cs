using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // A user program: its address space and what the syscalls need to know about it.
    // Its threads are kernel threads (Scheduling/KernelThread) that entered ring 3; one
    // per process for now (clone comes with the user-mode issue).
    public sealed class Process
    {
        public const ulong BrkLimit = 64UL << 20; // the heap may grow to 64 MiB

        public readonly int Pid;
        public readonly string Name;
        public readonly AddressSpace Space;
        public ulong BrkStart;
        public ulong Brk;

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
