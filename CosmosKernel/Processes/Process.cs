using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // A user program: its address space, its threads (kernel threads that entered
    // ring 3, see Scheduling/KernelThread), its place in the process tree, and how it
    // ended. Guarded like the scheduler: the kernel runs with interrupts off on one CPU.
    public sealed class Process
    {
        public const ulong BrkLimit = 64UL << 20; // the heap may grow to 64 MiB

        public enum ProcessState { Alive, Zombie }

        public readonly int Pid;
        public int ParentPid;            // 0: started by the kernel, or orphaned
        public readonly string Name;
        public readonly AddressSpace Space;
        public ulong BrkStart;
        public ulong Brk;
        public ProcessState State;

        // How it ended: an exit status, or killed by a signal.
        public int ExitStatus;
        public int KilledBySignal;

        // Threads still running; whether the process is ending (exit_group, a fatal
        // signal: its threads end at their next return to user mode).
        public int LiveThreads;
        public bool Exiting;
        public int[] ThreadIds = new int[16]; // kernel thread ids, -1 when free

        // Kernel threads waiting: for this process to end (the kernel's init loop), and
        // for one of its children to end (wait4 in this process).
        public int ExitWaiter = -1;
        public int ChildWaiter = -1;

        public Process(int pid, int parentPid, string name, AddressSpace space)
        {
            Pid = pid;
            ParentPid = parentPid;
            Name = name;
            Space = space;
            for (int i = 0; i < ThreadIds.Length; i++)
                ThreadIds[i] = -1;
        }

        // The status word wait4 reports (Linux's encoding).
        public int WaitStatus => KilledBySignal != 0 ? KilledBySignal : (ExitStatus & 0xFF) << 8;
    }
}
