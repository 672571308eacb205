using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // A user program: its address space and what the syscalls need to know about it.
    // Its threads are kernel threads (Scheduling/KernelThread) that entered ring 3
    // (created by exec and clone).
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

        // Threads still running, the kernel thread waiting for them all to end, and
        // whether the process is ending (exit_group, a fatal signal): its threads end
        // at their next return to user mode.
        public int LiveThreads;
        public int Waiter = -1;
        public bool Exiting;
        public int[] ThreadIds = new int[16]; // kernel thread ids, -1 when free

        public Process(int pid, string name, AddressSpace space)
        {
            Pid = pid;
            Name = name;
            Space = space;
            for (int i = 0; i < ThreadIds.Length; i++)
                ThreadIds[i] = -1;
        }
    }
}
