using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Threading;

namespace CosmosKernel.Processes
{
    // A user program: its address space, its threads (kernel threads that entered
    // ring 3, see Scheduling/KernelThread), its place in the process tree, and how it
    // ended. Its place in the tree, its threads and how it ended are guarded by the
    // process table's lock (ProcessTable.Lock); Pid never changes; Space changes only
    // in execve, which only a process's one thread makes (so no other thread of it
    // reads it meanwhile); Name in execve and prctl (a reference, read whole);
    // Exiting is written under that lock and read without it (atomically);
    // StacksPending is atomic; Brk is under BrkLock; Files has its own lock.
    public sealed class Process : IFileUser
    {
        public const ulong BrkLimit = 64UL << 20; // the heap may grow to 64 MiB

        public enum ProcessState { Alive, Zombie }

        public readonly int Pid;
        public string Name { get; private set; }
        public AddressSpace Space { get; private set; }
        public bool Forked;              // a fork's copy, not a program started from its image (set before it runs)
        public ulong BrkStart;
        public ulong Brk;                // under BrkLock once the process runs
        public readonly Threading.FifoMutex BrkLock; // brk calls of its threads take turns

        // ---- under ProcessTable.Lock ----
        public int ParentPid;            // 0: started by the kernel, or orphaned
        // Its process group and session: 0 and 0 for a program the kernel starts (as
        // Linux's /init), its parent's after fork; setpgid and setsid change them.
        public int Pgid, Sid;
        public ProcessState State;
        // How it ended: an exit status, or killed by a signal.
        public int ExitStatus;
        public int KilledBySignal;
        // Threads still running (its kernel threads: ThreadIds).
        public int LiveThreads;
        public readonly ThreadIdSet ThreadIds = new ThreadIdSet();
        // The kernel thread waiting for this process to end (the kernel's init loop).
        public int ExitWaiter = -1;
        // Its threads in wait4, waiting for one of its children to end. When a child
        // ends, every one is woken and looks again: one reaps it, the others find
        // another child or get ECHILD (issue 16, item 11: with one waiter slot, a second
        // waiter slept forever).
        public readonly ThreadIdSet ChildWaiters = new ThreadIdSet();
        // Whether the process is ending (exit_group, a fatal signal: its threads end at
        // their next return to user mode). Written under the lock, read without it.
        public bool Exiting;
        // Job control: stopped by SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU (StopSignal) until
        // SIGCONT; its threads wait in StoppedThreads on their way back to ring 3. What
        // the parent's wait4 has yet to hear: a stop (WUNTRACED), a continue (WCONTINUED).
        public bool Stopped;             // written under the lock, read without it too
        public int StopSignal;
        public bool StopUnreported, ContinueUnreported;
        public readonly ThreadIdSet StoppedThreads = new ThreadIdSet();
        // CPU time of its threads that ended (its live threads keep their own), and of
        // the children it reaped with wait4, theirs included (Linux's cutime, cstime).
        public CpuTimes EndedThreadTimes, ReapedChildTimes;

        // ---- atomic ----
        // Threads that ended whose kernel stacks are not back yet (a stack goes back
        // after the switch away from it, on that CPU, while a parent may already run
        // on another): a process is reaped only once this is 0, so what a parent sees
        // of free memory after wait4 includes all of the child's; and its last thread
        // frees the address space only once the others' CPUs have left it.
        public int StacksPending;

        // Open files by descriptor.
        public readonly FileTable Files;

        // Its working directory and file mode creation mask: any thread of the process
        // may change them (chdir, umask); each is one aligned word, read and written
        // whole (x86-64 makes that atomic); fork copies them.
        public FileSystem.DirectoryNode Cwd;
        public uint Umask = Abi.FileModes.DefaultUmask;

        // Signal dispositions, shared by its threads; signals sent to the process as a
        // whole (kill), taken by whichever thread does not block them (atomic bits).
        public readonly SignalActions Actions;
        public readonly PendingSignals Pending = new PendingSignals();

        public Process(int pid, int parentPid, string name, AddressSpace space)
        {
            Pid = pid;
            ParentPid = parentPid;
            Name = name;
            Space = space;
            Files = new FileTable(space.Vmm.Threads);
            BrkLock = new Threading.FifoMutex(space.Vmm.Threads, 4, "brk");
            Actions = new SignalActions(space.Vmm.Threads);
        }

        AddressSpace IFileUser.Space => Space;
        int IFileUser.Pid => Pid;
        int IFileUser.Pgid => System.Threading.Volatile.Read(ref Pgid);
        int IFileUser.Sid => System.Threading.Volatile.Read(ref Sid);

        // A long file copy of the calling thread stops: the process is ending, or the
        // thread is (another thread's execve).
        bool IFileUser.Ending
        {
            get
            {
                UserThread me = UserThread.Of(Scheduling.Scheduler.CurrentOrNull);
                return me != null && me.Process == this ? me.Ending : System.Threading.Volatile.Read(ref Exiting);
            }
        }

        // The calling thread's wait should end: the process is ending, or a signal
        // for a handler is pending (UserThread.Interrupted).
        bool Threading.IInterruptible.Interrupted
        {
            get
            {
                UserThread me = UserThread.Of(Scheduling.Scheduler.CurrentOrNull);
                return me != null && me.Process == this ? me.Interrupted : System.Threading.Volatile.Read(ref Exiting);
            }
        }

        // execve's point of no return: the new program's name and address space (the
        // caller destroys the old one).
        public void BecomeProgram(string name, AddressSpace space)
        {
            Name = name;
            Space = space;
        }

        // prctl(PR_SET_NAME): a new name for reports (a reference, written whole).
        public void Rename(string name) => Name = name;

        // stdin, stdout and stderr on the console (a new program).
        public void OpenConsole(OpenFile console)
        {
            Files.Set(0, console);
            Files.Set(1, console);
            Files.Set(2, console);
            console.Release(); // the creator's reference: the three descriptors hold it now
        }

        // The file at fd with a reference for the caller (OpenFile.Release when done), or null.
        // The open file behind `fd` for reading, writing, mapping, polling or any other
        // use of the file itself (a reference the caller releases), or null (EBADF):
        // also for an O_PATH descriptor, which opens nothing.
        public OpenFile TakeFile(ulong fd)
        {
            OpenFile file = Files.Take(fd);
            if (file != null && file.PathOnly)
            {
                file.Release();
                return null;
            }
            return file;
        }

        // The open file behind `fd`, an O_PATH one too: for the calls that use a
        // descriptor as a name (fstat, fchdir, a *at call's directory, fcntl's
        // descriptor commands).
        public OpenFile TakeDescriptor(ulong fd) => Files.Take(fd);

        // The lowest free descriptor for `file`, or -EMFILE.
        public int AddFile(OpenFile file, bool closeOnExec = false) => Files.Add(file, closeOnExec);

        public bool Close(ulong fd) => Files.Close(fd);

        public void CloseAll() => Files.CloseAll();

        // ---- unimplemented syscalls, named once ----
        // The syscall numbers without a handler this process called (the kernel names
        // each once, so a user sees what a program missed), up to MissingNamed of them;
        // claimed lock-free (any thread of the process may be first). Empty marks a free
        // slot (so number 2^63 is never named: no such syscall).
        public const int MissingNamed = 16;
        private const long Empty = long.MinValue;
        private readonly long[] _missing = NewMissing();
        private int _missingOverflow;

        private static long[] NewMissing()
        {
            var slots = new long[MissingNamed];
            for (int i = 0; i < slots.Length; i++)
                slots[i] = Empty;
            return slots;
        }

        // Whether this is the process's first call of `number` (and there is a slot to
        // remember it): the caller names it then.
        public bool FirstMissingCall(ulong number)
        {
            long value = (long)number;
            if (value == Empty)
                return false; // 2^63 would claim a slot and leave it free: named at every call
            for (int i = 0; i < _missing.Length; i++)
            {
                long seen = System.Threading.Volatile.Read(ref _missing[i]);
                if (seen == Empty)
                    seen = System.Threading.Interlocked.CompareExchange(ref _missing[i], value, Empty);
                if (seen == Empty)
                    return true;  // this call claimed the slot
                if (seen == value)
                    return false;
            }
            return false;
        }

        // Whether the slots are all taken and this is the first call to find it so (the
        // caller says that further ones are not named).
        public bool FirstMissingOverflow(ulong number)
        {
            if ((long)number == Empty)
                return false;
            for (int i = 0; i < _missing.Length; i++)
                if (System.Threading.Volatile.Read(ref _missing[i]) == (long)number)
                    return false;
            return System.Threading.Interlocked.CompareExchange(ref _missingOverflow, 1, 0) == 0;
        }

        // The status word wait4 reports (Linux's encoding).
        public int WaitStatus => KilledBySignal != 0 ? KilledBySignal : Abi.WaitStatus.FromExit(ExitStatus);
    }
}
