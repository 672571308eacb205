using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // A user program: its address space, its threads (kernel threads that entered
    // ring 3, see Scheduling/KernelThread), its place in the process tree, and how it
    // ended. Guarded by the kernel lock (Scheduling/KernelLock.cs), like the scheduler.
    public sealed class Process
    {
        public const ulong BrkLimit = 64UL << 20; // the heap may grow to 64 MiB

        public enum ProcessState { Alive, Zombie }

        public readonly int Pid;
        public int ParentPid;            // 0: started by the kernel, or orphaned
        public readonly string Name;
        public readonly AddressSpace Space;
        public bool Forked;              // a fork's copy, not a program started from its image
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

        // The kernel thread waiting for this process to end (the kernel's init loop).
        public int ExitWaiter = -1;
        // Its threads in wait4, waiting for one of its children to end (kernel thread
        // ids, -1 when free; at most one entry per thread). When a child ends, every one
        // is woken and looks again: one reaps it, the others find another child or get
        // ECHILD (issue 16, item 11: with one waiter slot, a second waiter slept forever).
        public readonly int[] ChildWaiters;

        // Open files by descriptor (null: free).
        public const int MaxFiles = 32;
        public readonly OpenFile[] Files = new OpenFile[MaxFiles];

        public Process(int pid, int parentPid, string name, AddressSpace space)
        {
            Pid = pid;
            ParentPid = parentPid;
            Name = name;
            Space = space;
            for (int i = 0; i < ThreadIds.Length; i++)
                ThreadIds[i] = -1;
            ChildWaiters = new int[ThreadIds.Length];
            for (int i = 0; i < ChildWaiters.Length; i++)
                ChildWaiters[i] = -1;
        }

        public void AddChildWaiter(int thread)
        {
            for (int i = 0; i < ChildWaiters.Length; i++)
            {
                if (ChildWaiters[i] < 0)
                {
                    ChildWaiters[i] = thread;
                    return;
                }
            }
            Diagnostics.Panic.Report("more wait4 waiters than threads in pid " + Pid.ToString());
        }

        public void RemoveChildWaiter(int thread)
        {
            for (int i = 0; i < ChildWaiters.Length; i++)
                if (ChildWaiters[i] == thread)
                    ChildWaiters[i] = -1;
        }

        // stdin, stdout and stderr on the console (a new program).
        public void OpenConsole()
        {
            var console = new ConsoleFile { References = 3 };
            Files[0] = Files[1] = Files[2] = console;
        }

        // The same open files as `parent` (fork).
        public void InheritFiles(Process parent)
        {
            for (int fd = 0; fd < MaxFiles; fd++)
            {
                Files[fd] = parent.Files[fd];
                if (Files[fd] != null)
                    Files[fd].References++;
            }
        }

        public OpenFile File(ulong fd) => fd < MaxFiles ? Files[fd] : null;

        // The lowest free descriptor for `file`, or -1.
        public int AddFile(OpenFile file)
        {
            for (int fd = 0; fd < MaxFiles; fd++)
            {
                if (Files[fd] == null)
                {
                    Files[fd] = file;
                    return fd;
                }
            }
            return -1;
        }

        public bool Close(ulong fd)
        {
            OpenFile file = File(fd);
            if (file == null)
                return false;
            Files[fd] = null;
            file.Release();
            return true;
        }

        public void CloseAll()
        {
            for (ulong fd = 0; fd < MaxFiles; fd++)
                Close(fd);
        }

        // The status word wait4 reports (Linux's encoding).
        public int WaitStatus => KilledBySignal != 0 ? KilledBySignal : (ExitStatus & 0xFF) << 8;
    }
}
