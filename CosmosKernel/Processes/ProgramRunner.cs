using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // Processes and their threads: exec of a GRUB module (ELF into a fresh address
    // space, the Linux initial stack, a main thread that enters ring 3), fork, clone
    // threads, exit, and the end of a process (its address space goes, it becomes a
    // zombie until its parent reaps it with wait4).
    //
    // Every CPU runs these at once. The bookkeeping that ties processes and threads
    // together is under the process table's lock (ProcessTable.Lock, `_processes.Lock`
    // below); the slow parts run outside it: building or copying an address space,
    // user copies, closing files, tearing an address space down, waiting.
    //
    // Built once by the composition root (Kernel), which hands it what it needs. The
    // thread entries and the scheduler's return-to-user hook are function pointers
    // without a `this` (the scheduler starts threads with a bare entry point), so they
    // find the one instance through s_instance, set by the constructor and read by them
    // alone, as the Scheduler's own interrupt handlers do.
    public sealed unsafe partial class ProgramRunner : Terminal.ISessions
    {

        private static ProgramRunner s_instance;

        private readonly Scheduler _scheduler;
        private readonly Vmm _vmm;
        private readonly Memory.UserCopy.UserCopier _copier;
        private readonly Futexes _futexes;
        private readonly Ramdisk _ramdisk;
        private readonly ProcessTable _processes;
        private readonly Platform.KernelConsole _console; // a new program's stdin, stdout, stderr: output
        private readonly Terminal _terminal;              // and input
        private readonly FileSystem.FileTree _tree;       // a new program's working directory is its root

        // The process and thread running now (null process in a kernel thread).
        public Process Current => UserThread.Of(_scheduler.Current)?.Process;
        public UserThread CurrentThread => UserThread.Of(_scheduler.Current);

        // Every process from creation until it is reaped.
        public ProcessTable Processes => _processes;

        public ProgramRunner(Scheduler scheduler, Vmm vmm, Memory.UserCopy.UserCopier copier, Futexes futexes, Ramdisk ramdisk,
            ProcessTable processes, Platform.KernelConsole console, Terminal terminal, FileSystem.FileTree tree)
        {
            _tree = tree;
            _terminal = terminal;
            _processes = processes;
            _console = console;
            _scheduler = scheduler;
            _vmm = vmm;
            _copier = copier;
            _futexes = futexes;
            _ramdisk = ramdisk;
            s_instance = this;
            scheduler.DeadlockBreaker = &BreakDeadlock;
        }

        // ---- starting programs ---------------------------------------------------------

        // Start a GRUB module as a new process with the given parent (0: the kernel)
        // and arguments (argv[0] first; null: just the module's name).
        // Null when it could not start (the reason is printed).
        public Process Spawn(Multiboot2.Module module, int parentPid, string[] argv = null)
            => Spawn(FileBacking.Of(_ramdisk.Find(module.Name)), module.Name, parentPid, argv);

        // Start the program in `file` (a module's, or a file of the tree's) as `name`.
        public Process Spawn(FileBacking file, string name, int parentPid, string[] argv = null)
        {
            AddressSpace space = AddressSpace.Create(_vmm);
            if (space == null)
            {
                Console.WriteLine("exec " + name + ": out of memory");
                return null;
            }
            // Copies into the new space need it loaded, across any switch on the way.
            ulong previousCr3 = Native.ReadCr3();
            ulong previousRoot = _scheduler.SwitchAddressSpace(space.Table.Root);
            ElfImage image = ElfImage.Load(file, space, _copier);
            ulong rsp = image.Error == null
                ? UserStack.Build(space, _copier, image, argv ?? new[] { name }, new[] { "HOME=/", "TERM=cosmos" }, Native.ReadTimestampCounter())
                : 0;
            _scheduler.SwitchAddressSpace(previousRoot);
            Native.WriteCr3(previousRoot != 0 ? previousRoot : previousCr3);
            var process = new Process(_processes.NextPid(), parentPid, name, space);
            process.BrkStart = process.Brk = image.End;
            process.Cwd = _tree.Root;
            process.OpenConsole(new ConsoleFile(_copier, _console, _terminal));
            string error = image.Error ?? (rsp == 0 ? "could not build the initial stack" : null);
            if (error == null)
            {
                _processes.Lock.Lock();
                if (!_processes.Add(process))
                    error = "process table full";
                else if (StartThreadLocked(process, &EnterUserMode, image.Entry, rsp, 0, start: true) == null)
                {
                    _processes.Remove(process);
                    error = "no free thread";
                }
                _processes.Lock.Unlock();
            }
            if (error != null)
            {
                Console.WriteLine("exec " + name + ": " + error);
                process.CloseAll();
                space.Destroy();
                return null;
            }
            return process;
        }

        // Wait (in a kernel thread) until a process started by the kernel has ended,
        // reap it, and return its wait status.
        public int WaitAndReap(Process process)
        {
            _processes.Lock.Lock();
            while (process.State != Process.ProcessState.Zombie)
            {
                process.ExitWaiter = _scheduler.Current.Id;
                _processes.Lock.Unlock();
                _scheduler.Park(forUser: true); // an Unpark that came first leaves a permit: no lost wake-up
                _processes.Lock.Lock();
            }
            int status = process.WaitStatus;
            _processes.Lock.Unlock();
            WaitForThreadStacks(process);
            _processes.Lock.Lock();
            _processes.Remove(process);
            _processes.Lock.Unlock();
            return status;
        }

        // A zombie's last threads may still be switching away on other CPUs: wait (a
        // few microseconds) until their stacks are back, so reaping returns all of its
        // memory.
        private void WaitForThreadStacks(Process zombie)
        {
            while (System.Threading.Volatile.Read(ref zombie.StacksPending) != 0)
                _scheduler.Yield();
        }

        // ---- threads ---------------------------------------------------------------------

        // A new thread of `process` (clone) that returns to ring 3 from the syscall in
        // `frame` with its registers, rax = 0, the stack `stack`, RFLAGS `rflags` and TLS
        // base fs. Not started: Start(thread) once its creator wrote the tid words. Null
        // when no thread is free, or when the process is ending.
        public UserThread CloneThread(Process process, SyscallFrame* frame, ulong stack, ulong rflags, ulong fs)
        {
            _processes.Lock.Lock();
            UserThread thread = process.Exiting ? null : StartThreadLocked(process, &ResumeChild, 0, 0, fs, start: false);
            _processes.Lock.Unlock();
            if (thread == null)
                return null;
            var registers = new ChildRegisters { Frame = *frame };
            registers.Frame.Rax = 0;
            registers.Frame.Rsp = stack;
            registers.Frame.R11 = rflags;
            thread.ChildRegisters = registers;
            thread.SignalMask = CurrentThread.SignalMask; // a new thread blocks what its creator blocks
            return thread;
        }

        // A new thread of `process` that runs `kernelEntry`. Its Tid is the pid for the
        // first thread. Null when no thread is free. With the process table's lock held.
        private UserThread StartThreadLocked(Process process, delegate*<ulong, void> kernelEntry, ulong entry, ulong rsp, ulong fs, bool start)
        {
            // Made stopped, started only once it is set up: another CPU may run it the
            // moment it is queued (switching to it loads its address space and owner).
            int id = _scheduler.Spawn(kernelEntry, 0, process.Name, start: false);
            if (id < 0)
                return null;
            KernelThread thread = _scheduler.Thread(id);
            thread.AddressSpaceRoot = process.Space.Table.Root;
            thread.FsBase = fs;
            var user = new UserThread(thread, process)
            {
                Entry = entry,
                Stack = rsp,
                Rflags = UserMode.InitialUserRflags, // interrupts on in ring 3: the timer preempts
                // As on Linux, tids and pids are one sequence, never reused soon: a
                // program may tell threads apart by tid even after some ended.
                Tid = process.LiveThreads == 0 ? process.Pid : _processes.NextPid(),
            };
            thread.Owner = user;
            process.ThreadIds.Add(id);
            process.LiveThreads++;
            if (start)
                _scheduler.Start(id);
            return user;
        }

        // Start a thread made by StartThread(start: false).
        public void Start(UserThread thread) => _scheduler.Start(thread.Kernel.Id);

        // Kernel entry of a new user thread: drop to ring 3 at its entry point, for good
        // (interrupts stay off until iretq).
        private static void EnterUserMode(ulong unused)
        {
            UserThread me = UserThread.Of(s_instance._scheduler.Current);
            Native.EnterUser(me.Entry, me.Stack, me.Rflags);
        }

        // ---- fork ----------------------------------------------------------------------------

        // fork: a copy-on-write copy of the calling process whose one thread returns from
        // the same syscall with 0. Returns the child's pid or -errno.
        // clone without CLONE_VM is a fork with extras: the child's stack (0: the
        // parent's rsp), its TLS base, and its CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID
        // words (0: none), which live in the child's memory: the child writes its tid
        // there itself, on its first return to ring 3 (as Linux's schedule_tail).
        public long Fork(SyscallFrame* frame, ulong stack = 0, ulong fs = ulong.MaxValue, ulong setChildTid = 0, ulong clearChildTid = 0)
        {
            Process parent = Current;
            if (_processes.Count >= _processes.Limit) // checked again under the lock (Add)
                return -Errno.EAGAIN;
            if (!Platform.KernelHeap.HasRoom(Limits.ProcessBytes + (ulong)parent.Space.RegionCount * Limits.RegionBytes))
                return -Errno.ENOMEM;
            // The break and the memory it maps are copied together: a brk on another
            // thread of the parent waits.
            parent.BrkLock.Lock();
            AddressSpace space = parent.Space.CloneForFork();
            ulong brk = parent.Brk;
            parent.BrkLock.Unlock();
            if (space == null)
                return -Errno.ENOMEM;
            var child = new Process(_processes.NextPid(), parent.Pid, parent.Name, space) { Forked = true };
            child.BrkStart = parent.BrkStart;
            child.Brk = brk;
            child.Files.CopyFrom(parent.Files);
            child.Cwd = parent.Cwd;
            child.Umask = parent.Umask;
            child.Actions.CopyFrom(parent.Actions); // handlers and mask as the parent's; nothing pending
            _processes.Lock.Lock();
            child.Pgid = parent.Pgid; // read under the lock: another thread may be in setpgid
            child.Sid = parent.Sid;
            UserThread thread = null;
            if (_processes.Add(child))
            {
                thread = StartThreadLocked(child, &ResumeChild, 0, 0, fs != ulong.MaxValue ? fs : Native.ReadMsr(UserMode.MsrFsBase), start: false);
                if (thread == null)
                    _processes.Remove(child);
            }
            _processes.Lock.Unlock();
            if (thread == null)
            {
                child.CloseAll();
                space.Destroy();
                return -Errno.EAGAIN;
            }
            var registers = new ChildRegisters { Frame = *frame };
            registers.Frame.Rax = 0;
            if (stack != 0)
                registers.Frame.Rsp = stack;
            thread.ChildRegisters = registers;
            thread.SetChildTid = setChildTid;
            thread.ClearChildTid = clearChildTid;
            thread.SignalMask = CurrentThread.SignalMask;
            thread.AltStackBase = CurrentThread.AltStackBase;
            thread.AltStackSize = CurrentThread.AltStackSize;
            Start(thread); // only now: it may run on another CPU at once
            return child.Pid;
        }

        private static void ResumeChild(ulong unused)
        {
            UserThread me = UserThread.Of(s_instance._scheduler.Current);
            if (me.SetChildTid != 0)
            {
                int tid = me.Tid; // a bad address is the child's own loss, as on Linux
                s_instance._copier.CopyToUser(me.Process.Space, me.SetChildTid, (byte*)&tid, 4);
            }
            ChildRegisters registers = me.ChildRegisters;
            SyscallFrame frame = registers.Frame; // onto this stack; the collector takes the heap copy
            me.ChildRegisters = null;
            Native.ResumeUser(&frame);
        }

        // ---- CPU times ----------------------------------------------------------------------

        // A process's CPU time so far: its ended threads' and its live threads'.
        public CpuTimes TimesOf(Process process)
        {
            _processes.Lock.Lock();
            CpuTimes times = process.EndedThreadTimes;
            for (int i = 0; i < process.ThreadIds.Count; i++)
                times = times + CpuTimes.Of(_scheduler.Thread(process.ThreadIds[i]));
            _processes.Lock.Unlock();
            return times;
        }

        // The CPU time of the children the process reaped (theirs included).
        public CpuTimes ChildTimesOf(Process process)
        {
            _processes.Lock.Lock();
            CpuTimes times = process.ReapedChildTimes;
            _processes.Lock.Unlock();
            return times;
        }

        // struct rusage with these times in ru_utime and ru_stime. The other fields are
        // 0: the kernel counts no faults, context switches or resident-set peaks per
        // process. False: the address is not writable (EFAULT).
        public bool CopyRusageToUser(AddressSpace space, ulong address, CpuTimes times)
        {
            const int Words = (int)(Rusage.Bytes / 8);
            long* usage = stackalloc long[Words];
            for (int i = 0; i < Words; i++)
                usage[i] = 0;
            usage[0] = times.UserNanoseconds / 1000000000;
            usage[1] = times.UserNanoseconds % 1000000000 / 1000;
            usage[2] = times.SystemNanoseconds / 1000000000;
            usage[3] = times.SystemNanoseconds % 1000000000 / 1000;
            return _copier.CopyToUser(space, address, (byte*)usage, Rusage.Bytes) == 0;
        }

        // ---- wait4 ---------------------------------------------------------------------------

        // wait4(pid, status, options, rusage): pid > 0 that child, -1 any, 0 any in the
        // caller's process group, below -1 any in group -pid. WUNTRACED reports a child's
        // stop, WCONTINUED its continuing, each once (the child stays); __WCLONE
        // without __WALL finds no child (fork's children signal SIGCHLD). The rusage is
        // the child's CPU times with those of the children it reaped, as Linux's; the
        // reaper adds them to its own children's times (getrusage RUSAGE_CHILDREN, times).
        public long Wait(int pid, ulong statusAddress, int options, ulong rusageAddress)
        {
            Process me = Current;
            if ((options & ~WaitStatus.Known) != 0)
                return -Errno.EINVAL;
            if (pid == int.MinValue)
                return -Errno.ESRCH; // Linux: -INT_MIN is no process group
            int pgid = pid == 0 ? me.Pgid : pid < -1 ? -pid : ProcessTable.AnyGroup;
            if (pid < -1 || pid == 0)
                pid = -1;
            bool cloneOnly = (options & WaitStatus.Clone) != 0 && (options & WaitStatus.All) == 0;
            int thread = _scheduler.Current.Id;
            while (true)
            {
                _processes.Lock.Lock();
                Process zombie = cloneOnly ? null : _processes.FindChild(me.Pid, pid, zombieOnly: true, pgid: pgid);
                if (zombie != null)
                {
                    int status = zombie.WaitStatus;
                    CpuTimes times = zombie.EndedThreadTimes + zombie.ReapedChildTimes; // final: it is a zombie
                    _processes.Lock.Unlock();
                    // The status is copied before the zombie is reaped (a bad address
                    // leaves it to a later wait4), outside the lock: a user copy may sleep.
                    if (statusAddress != 0 && _copier.CopyToUser(me.Space, statusAddress, (byte*)&status, 4) != 0)
                        return -Errno.EFAULT;
                    if (rusageAddress != 0 && !CopyRusageToUser(me.Space, rusageAddress, times))
                        return -Errno.EFAULT;
                    WaitForThreadStacks(zombie);
                    _processes.Lock.Lock();
                    bool reaped = _processes.Find(zombie.Pid) == zombie; // or another thread of ours reaped it meanwhile
                    if (reaped)
                    {
                        _processes.Remove(zombie);
                        me.ReapedChildTimes = me.ReapedChildTimes + times;
                    }
                    _processes.Lock.Unlock();
                    if (reaped)
                        return zombie.Pid;
                    continue;
                }
                Process changed = cloneOnly ? null : _processes.FindChildToReport(me.Pid, pid, pgid,
                    stops: (options & WaitStatus.Untraced) != 0, continues: (options & WaitStatus.Continued) != 0);
                if (changed != null)
                {
                    bool stop = changed.StopUnreported && (options & WaitStatus.Untraced) != 0;
                    int status = stop ? WaitStatus.FromStop(changed.StopSignal) : WaitStatus.ContinuedStatus;
                    if (stop)
                        changed.StopUnreported = false;
                    else
                        changed.ContinueUnreported = false;
                    _processes.Lock.Unlock();
                    if (statusAddress != 0 && _copier.CopyToUser(me.Space, statusAddress, (byte*)&status, 4) != 0)
                        return -Errno.EFAULT;
                    if (rusageAddress != 0 && !CopyRusageToUser(me.Space, rusageAddress, TimesOf(changed)))
                        return -Errno.EFAULT;
                    return changed.Pid;
                }
                long answer = cloneOnly || _processes.FindChild(me.Pid, pid, zombieOnly: false, pgid: pgid) == null ? -Errno.ECHILD
                    : (options & WaitStatus.NoHang) != 0 ? 0 : 1;
                if (answer <= 0)
                {
                    _processes.Lock.Unlock();
                    return answer;
                }
                // Registered under the lock, parked after it: a child that ends in between
                // unparks us first, and the permit makes Park return at once.
                // A signal for a handler (or the process's end) ends the wait: its
                // sender wakes us after making it pending, so one of the two looks sees it.
                me.ChildWaiters.Add(thread);
                _processes.Lock.Unlock();
                if (!CurrentThread.Interrupted)
                    _scheduler.Park(forUser: true);
                _processes.Lock.Lock();
                me.ChildWaiters.Remove(thread);
                _processes.Lock.Unlock();
                if (CurrentThread.Interrupted)
                    return -Errno.ERESTARTSYS;
            }
        }

        // ---- exit -------------------------------------------------------------------------------

        // exit: end the calling thread; the last one ends the process, with its status.
        public void ExitThread(int status) => EndCurrentThread(status & 0xFF);

        // exit_group: end every thread of the process.
        public void ExitGroup(int status)
        {
            Process process = Current;
            _processes.Lock.Lock();
            if (!process.Exiting)
                process.ExitStatus = status & 0xFF;
            BeginProcessExit(process);
            _processes.Lock.Unlock();
            EndCurrentThread(NoStatus);
        }

        private const int NoStatus = -1; // EndCurrentThread: the status is set already

        // Kill the current program after a fault it caused (SIGSEGV and friends), with a
        // report; the kernel and the other programs go on.
        public void Kill(int signal, InterruptFrame* frame, string reason)
        {
            Process process = Current;
            Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + "): " + reason
                + " at rip 0x" + frame->Rip.ToString("X") + ", rsp 0x" + frame->Rsp.ToString("X"));
            Console.WriteLine("KILLED pid=" + process.Pid.ToString() + " name=" + process.Name + " signal=" + signal.ToString()
                + " rip=0x" + frame->Rip.ToString("X16") + " cr2=0x" + Native.ReadCr2().ToString("X16"));
            TerminateCurrent(signal, null);
        }

        // End the current program with `signal` (a signal's default action, a signal
        // frame that could not be written), after the line `reason` if there is one.
        // Does not return.
        public void TerminateCurrent(int signal, string reason)
        {
            Process process = Current;
            if (reason != null)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + "): " + reason);
            _processes.Lock.Lock();
            if (!process.Exiting)
                process.KilledBySignal = signal;
            BeginProcessExit(process);
            _processes.Lock.Unlock();
            EndCurrentThread(NoStatus);
        }

        // ---- sending signals ---------------------------------------------------------------

        // kill, tgkill, tkill: send `signal` (1..64; 0 only checks) to `target`, or to its
        // thread `thread`. Under the process table's lock, so the target cannot end
        // meanwhile. SIGKILL, and a signal left to its default action when that ends the
        // process and the thread that would take it does not block it, end the process
        // at once (its threads wake and end, as exit_group's do). An ignored signal that
        // nobody blocks is dropped. Any other is left pending, and the thread that will
        // take it is woken from a wait for a program (which returns EINTR): its handler
        // runs on its way back to ring 3 (SignalDelivery). A zombie takes any signal and
        // nothing happens, as on Linux.
        public void SendSignal(Process target, UserThread thread, int signal)
        {
            int sender = Current == null ? 0 : Current.Pid;
            _processes.Lock.Lock();
            if (signal == 0 || target.State == Process.ProcessState.Zombie || target.Exiting)
            {
                _processes.Lock.Unlock();
                return;
            }
            SignalActions.Action action = target.Actions.Get(signal);
            ulong bit = PendingSignals.Bit(signal);
            Process notify = null; // the parent, when the target stopped or went on
            if (signal == Signals.Cont)
            {
                DropPendingLocked(target, StopSignalBits);
                if (ContinueLocked(target)) // whatever SIGCONT's action
                    notify = ParentToNotifyLocked(target, stopOrContinue: true);
            }
            else if (SignalDelivery.DefaultStops(signal))
            {
                DropPendingLocked(target, PendingSignals.Bit(Signals.Cont));
            }
            UserThread taker = thread ?? ThreadNotBlocking(target, bit);
            bool blocked = taker == null || (taker.SignalMask & bit) != 0;
            bool byDefault = action.Handler == Signals.Default;
            bool fatal = byDefault && SignalDelivery.DefaultIsFatal(signal);
            if (signal == Signals.Kill || (fatal && !blocked && !target.Stopped))
            {
                target.KilledBySignal = signal;
                BeginProcessExit(target);
            }
            else if (byDefault && SignalDelivery.DefaultStops(signal) && !blocked)
            {
                if (StopLocked(target, signal))
                    notify = ParentToNotifyLocked(target, stopOrContinue: true);
            }
            else if (blocked || fatal || (action.Handler != Signals.Ignore && !byDefault))
            {
                // (Fatal here: the process is stopped; it ends once SIGCONT wakes it.)
                (thread != null ? thread.Pending : target.Pending).Add(signal, sender);
                if (!blocked && taker.Kernel.Id != _scheduler.Current.Id)
                    Alert(taker.Kernel.Id); // its handler runs now
            }
            _processes.Lock.Unlock();
            if (notify != null)
                SendSignal(notify, null, Signals.Chld);
        }

        // The first thread of `process` that does not block the signal `bit`, or null.
        // With the process table's lock held.
        private UserThread ThreadNotBlocking(Process process, ulong bit)
        {
            for (int i = 0; i < process.ThreadIds.Count; i++)
            {
                UserThread thread = UserThread.Of(_scheduler.Thread(process.ThreadIds[i]));
                if (thread != null && (thread.SignalMask & bit) == 0)
                    return thread;
            }
            return null;
        }

        // A live thread of `process` with user-visible id `tid`, or null (tgkill,
        // tkill). With the process table's lock held.
        private UserThread ThreadWithTid(Process process, int tid)
        {
            for (int i = 0; i < process.ThreadIds.Count; i++)
            {
                UserThread thread = UserThread.Of(_scheduler.Thread(process.ThreadIds[i]));
                if (thread != null && thread.Tid == tid)
                    return thread;
            }
            return null;
        }

        // The process `pid` that is not a zombie, or null; with tid > 0, its thread with
        // that tid, or null (kill, tgkill, tkill: ESRCH).
        public Process FindLive(int pid, int tid, out UserThread thread)
        {
            thread = null;
            _processes.Lock.Lock();
            Process process = pid > 0 ? _processes.Find(pid) : null;
            if (process != null && tid > 0)
            {
                thread = process.State == Process.ProcessState.Zombie ? null : ThreadWithTid(process, tid);
                if (thread == null)
                    process = null;
            }
            _processes.Lock.Unlock();
            return process;
        }

        // ---- the terminal's sessions (Files/Terminal.ISessions) ----------------------------

        // ^C and ^\ on the console: `signal` to its foreground group.
        public void SignalGroup(int pgid, int signal)
        {
            Process[] targets = FindGroup(pgid, everyone: false);
            for (int i = 0; i < targets.Length; i++)
                SendSignal(targets[i], null, signal);
        }

        public bool GroupInSession(int pgid, int sid)
        {
            _processes.Lock.Lock();
            bool found = false;
            for (int i = 0; i < _processes.Capacity && !found; i++)
            {
                Process process = _processes.At(i);
                found = process != null && process.State != Process.ProcessState.Zombie && (pgid < 0 || process.Pgid == pgid)
                    && (sid == Terminal.AnySession || process.Sid == sid);
            }
            _processes.Lock.Unlock();
            return found;
        }

        // kill's targets: the processes of group `pgid`, or with `everyone` every
        // process but the caller and pid 1 (kill(-1, ...)); zombies included.
        public Process[] FindGroup(int pgid, bool everyone)
        {
            Process me = Current;
            _processes.Lock.Lock();
            int count = 0;
            for (int i = 0; i < _processes.Capacity; i++)
                if (InGroup(_processes.At(i), pgid, everyone, me))
                    count++;
            var found = new Process[count];
            int n = 0;
            for (int i = 0; i < _processes.Capacity; i++)
                if (InGroup(_processes.At(i), pgid, everyone, me))
                    found[n++] = _processes.At(i);
            _processes.Lock.Unlock();
            return found;
        }

        private static bool InGroup(Process process, int pgid, bool everyone, Process me)
            => process != null && (everyone ? process != me && process.Pid != 1 : process.Pgid == pgid);

        // ---- process groups and sessions -------------------------------------------------
        // Linux's rules (kernel/sys.c), under the process table's lock. There is no
        // execve yet, so setpgid's EACCES (a child that ran a new program) never applies.

        // getpgid(pid) and getsid(pid): 0 is the caller; ESRCH for nobody.
        public long GetPgid(int pid, bool session)
        {
            _processes.Lock.Lock();
            Process process = pid == 0 ? Current : pid > 0 ? _processes.Find(pid) : null;
            long answer = process == null ? -Errno.ESRCH : session ? process.Sid : process.Pgid;
            _processes.Lock.Unlock();
            return answer;
        }

        // setpgid(pid, pgid): the caller or one of its children (ESRCH), in the caller's
        // session and not a session leader (EPERM), into group `pgid` (0: its own pid)
        // of the caller's session, which must exist unless it is the process's own (EPERM).
        public long SetPgid(int pid, int pgid)
        {
            Process me = Current;
            if (pid == 0)
                pid = me.Pid;
            if (pgid == 0)
                pgid = pid;
            if (pgid < 0)
                return -Errno.EINVAL;
            _processes.Lock.Lock();
            long answer = SetPgidLocked(me, pid, pgid);
            _processes.Lock.Unlock();
            return answer;
        }

        private long SetPgidLocked(Process me, int pid, int pgid)
        {
            Process process = _processes.Find(pid);
            if (process == null || (process != me && process.ParentPid != me.Pid))
                return -Errno.ESRCH;
            if (process.Sid != me.Sid || process.Sid == process.Pid)
                return -Errno.EPERM;
            if (pgid != pid)
            {
                bool exists = false;
                for (int i = 0; i < _processes.Capacity && !exists; i++)
                {
                    Process other = _processes.At(i);
                    exists = other != null && other.Pgid == pgid && other.Sid == me.Sid;
                }
                if (!exists)
                    return -Errno.EPERM;
            }
            process.Pgid = pgid;
            return 0;
        }

        // setsid(): a new session and group led by the caller; EPERM if a process group
        // with the caller's pid exists (it leads one already).
        public long SetSid()
        {
            Process me = Current;
            _processes.Lock.Lock();
            long answer = me.Pid;
            for (int i = 0; i < _processes.Capacity; i++)
            {
                Process other = _processes.At(i);
                if (other != null && other.Pgid == me.Pid)
                    answer = -Errno.EPERM;
            }
            if (answer > 0)
            {
                me.Sid = me.Pid;
                me.Pgid = me.Pid;
            }
            _processes.Lock.Unlock();
            return answer;
        }

        // tkill: the live thread with user-visible id `tid` in any process, or null.
        public UserThread FindThread(int tid)
        {
            UserThread found = null;
            _processes.Lock.Lock();
            for (int i = 0; i < _processes.Capacity && found == null; i++)
            {
                Process process = _processes.At(i);
                if (process != null && process.State != Process.ProcessState.Zombie)
                    found = ThreadWithTid(process, tid);
            }
            _processes.Lock.Unlock();
            return found;
        }

        // The scheduler's deadlock breaker hook (a bare function pointer).
        private static bool BreakDeadlock() => s_instance.EndDeadlockedPrograms();

        // The scheduler's deadlock breaker (Scheduler.BreakDeadlock): every thread waits
        // for a program and nothing can wake one. End each live program without live
        // children (a parent may only be waiting for its children; if it is stuck too,
        // it is next once they are gone) with SIGKILL; true if one was ended. It runs
        // on CPU 0's idle thread, which must not sleep: it only tries the process
        // table's lock (every thread is parked for a program, so nobody holds it; if
        // somebody does, something still runs, and it is no deadlock: false).
        private bool EndDeadlockedPrograms()
        {
            if (!_processes.Lock.TryLock())
                return false;
            bool ended = false;
            for (int i = 0; i < _processes.Capacity; i++)
            {
                Process process = _processes.At(i);
                if (process == null || process.State == Process.ProcessState.Zombie || process.Exiting
                    || _processes.FindChild(process.Pid, -1, zombieOnly: false, liveOnly: true) != null)
                    continue;
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name
                    + "): deadlocked: every thread waits for a futex, a pipe or a child that nothing will wake; killed");
                Console.WriteLine("KILLED pid=" + process.Pid.ToString() + " name=" + process.Name + " signal=" + Signals.Kill.ToString() + " deadlock");
                process.KilledBySignal = Signals.Kill;
                BeginProcessExit(process);
                ended = true;
            }
            _processes.Lock.Unlock();
            return ended;
        }

        // Called on the way back to ring 3 (syscall return, preemption, a fault),
        // holding no lock: the thread ends if its process is ending or another thread's
        // execve ended it; it waits here while its process is stopped.
        public void BeforeReturnToUser()
        {
            UserThread me = CurrentThread;
            if (me == null)
                return;
            if (!me.Ending && System.Threading.Volatile.Read(ref me.Process.Stopped))
                WaitWhileStopped(me);
            if (me.Ending)
                EndCurrentThread(NoStatus);
        }

        // Parked until SIGCONT continues the process (Continue unparks the stopped
        // threads) or the thread is to end (Alert unparks every thread).
        private void WaitWhileStopped(UserThread me)
        {
            Process process = me.Process;
            int id = me.Kernel.Id;
            while (true)
            {
                _processes.Lock.Lock();
                bool stay = process.Stopped && !me.Ending;
                if (stay)
                    process.StoppedThreads.Add(id);
                _processes.Lock.Unlock();
                if (!stay)
                    return;
                _scheduler.Park(forUser: true);
                _processes.Lock.Lock();
                process.StoppedThreads.Remove(id);
                _processes.Lock.Unlock();
            }
        }

        // ---- job control: stop and continue ----------------------------------------------

        // A stop signal's default action (SIGSTOP always; SIGTSTP, SIGTTIN, SIGTTOU left
        // to it): the process stops. Its threads running in ring 3 are interrupted and
        // wait on their way back (BeforeReturnToUser); one in a wait stops when the wait
        // ends. The parent's wait4(WUNTRACED) hears of it once. In an orphaned process
        // group only SIGSTOP stops. Not done: the SIGCHLD Linux sends the parent
        // (CLD_STOPPED).
        public void Stop(Process process, int signal)
        {
            _processes.Lock.Lock();
            Process parent = StopLocked(process, signal) ? ParentToNotifyLocked(process, stopOrContinue: true) : null;
            _processes.Lock.Unlock();
            if (parent != null)
                SendSignal(parent, null, Signals.Chld);
        }

        // True if the process stopped now.
        private bool StopLocked(Process process, int signal)
        {
            if (process.Stopped || process.Exiting)
                return false;
            if (signal != Signals.Stop && IsOrphanedGroupLocked(process.Pgid))
                return false; // dropped, as Linux's do_signal_stop does
            process.Stopped = true;
            process.StopSignal = signal;
            process.StopUnreported = true;
            process.ContinueUnreported = false;
            for (int i = 0; i < process.ThreadIds.Count; i++)
                if (process.ThreadIds[i] != _scheduler.Current.Id)
                    _scheduler.Nudge(process.ThreadIds[i]); // running in ring 3 elsewhere: it stops now
            WakeParentWaiters(process);
            return true;
        }

        // SIGCONT, whatever its action: a stopped process goes on, and its parent's
        // wait4(WCONTINUED) hears of it once. True if it was stopped.
        private bool ContinueLocked(Process process)
        {
            if (!process.Stopped)
                return false;
            process.Stopped = false;
            process.StopUnreported = false;
            process.ContinueUnreported = true;
            for (int i = 0; i < process.StoppedThreads.Count; i++)
                _scheduler.Unpark(process.StoppedThreads[i]);
            WakeParentWaiters(process);
            return true;
        }

        // The parent to send SIGCHLD when `child` ended, or stopped or went on
        // (`stopOrContinue`: not if the parent's SIGCHLD action has SA_NOCLDSTOP), as
        // Linux's do_notify_parent and do_notify_parent_cldstop; null for none (a
        // process the kernel started). Sent after the table's lock is let go. Its
        // si_code is SI_USER from the child's pid, not Linux's CLD_* (not done).
        private Process ParentToNotifyLocked(Process child, bool stopOrContinue)
        {
            Process parent = ParentOfLocked(child);
            if (parent == null || parent.State == Process.ProcessState.Zombie)
                return null;
            if (stopOrContinue && (parent.Actions.Get(Signals.Chld).Flags & Signals.SaNocldstop) != 0)
                return null;
            return parent;
        }

        // The process's parent, or null (started by the kernel, or orphaned).
        private Process ParentOfLocked(Process child) => child.ParentPid == 0 ? null : _processes.Find(child.ParentPid);

        // The parent's threads in wait4 look again (a child ended, stopped or went on).
        private void WakeParentWaiters(Process child)
        {
            Process parent = ParentOfLocked(child);
            if (parent != null)
                for (int i = 0; i < parent.ChildWaiters.Count; i++)
                    _scheduler.Unpark(parent.ChildWaiters[i]);
        }

        // Whether process group `pgid` is orphaned: no member has its parent in another
        // group of the same session (Linux's will_become_orphaned_pgrp, without its
        // exception for a parent that is init). A stop signal left to its default is
        // dropped there: no shell would continue what it stopped. SIGSTOP is not.
        private bool IsOrphanedGroupLocked(int pgid)
        {
            for (int slot = 0; slot < _processes.Capacity; slot++)
            {
                Process member = _processes.At(slot);
                if (member == null || member.Pgid != pgid || member.State == Process.ProcessState.Zombie)
                    continue;
                Process parent = member.ParentPid == 0 ? null : _processes.Find(member.ParentPid);
                if (parent != null && parent.Pgid != pgid && parent.Sid == member.Sid)
                    return false;
            }
            return true;
        }

        // A pending signal of `bits` leaves the process and its threads (SIGCONT drops
        // pending stops; a stop drops a pending SIGCONT, as Linux's prepare_signal).
        private void DropPendingLocked(Process process, ulong bits)
        {
            for (int signal = 1; signal <= 64; signal++)
            {
                if ((bits & PendingSignals.Bit(signal)) == 0)
                    continue;
                process.Pending.Take(signal, out _);
                for (int i = 0; i < process.ThreadIds.Count; i++)
                    UserThread.Of(_scheduler.Thread(process.ThreadIds[i]))?.Pending.Take(signal, out _);
            }
        }

        private static readonly ulong StopSignalBits = PendingSignals.Bit(Signals.Stop) | PendingSignals.Bit(Signals.Tstp)
            | PendingSignals.Bit(Signals.Ttin) | PendingSignals.Bit(Signals.Ttou);

        // execve's de_thread (Linux's name): every other thread of the caller's process
        // ends (at its next way back to ring 3; its waits are cut short, as at the
        // process's end), and the caller waits until they have; then it takes the pid
        // as its tid, as Linux's execve gives the caller the group leader's. False when
        // the process began to end meanwhile (exit_group, a fatal signal), or another
        // thread's execve ends the caller: its execve fails, and it ends on its way out.
        private bool EndOtherThreads(UserThread me)
        {
            Process process = me.Process;
            _processes.Lock.Lock();
            bool going = !me.Ending;
            for (int i = 0; going && i < process.ThreadIds.Count; i++)
            {
                int id = process.ThreadIds[i];
                UserThread other = UserThread.Of(_scheduler.Thread(id));
                if (other == me || other == null)
                    continue;
                System.Threading.Volatile.Write(ref other.EndedByExec, true);
                Alert(id);
            }
            _processes.Lock.Unlock();
            while (going)
            {
                _processes.Lock.Lock();
                bool alone = process.LiveThreads == 1;
                going = !me.Ending;
                _processes.Lock.Unlock();
                if (alone)
                    break;
                if (going)
                    _scheduler.Sleep(1); // a tick: the others end as they next run
            }
            if (!going)
                return false;
            me.Tid = process.Pid;
            return true;
        }

        // Mark the process as ending and wake its sleeping threads so they notice. With
        // the process table's lock held (ThreadIds are the live threads then: a thread
        // leaves the set under it, before it ends).
        private void BeginProcessExit(Process process)
        {
            System.Threading.Volatile.Write(ref process.Exiting, true);
            for (int i = 0; i < process.ThreadIds.Count; i++)
            {
                int id = process.ThreadIds[i];
                if (id != _scheduler.Current.Id)
                    Alert(id);
            }
        }

        // Thread `id` has news (a signal for its handler, or it is to end): cut its wait
        // short (futex, sleep, park), or interrupt it where it runs in ring 3 on another
        // CPU, so that it looks now.
        private void Alert(int id)
        {
            _futexes.Cancel(id);
            _scheduler.Wake(id);
            _scheduler.Unpark(id);
            _scheduler.Nudge(id);
        }

        // End the calling thread, with no lock held. `status`: the process's exit
        // status if this is its last thread and it is not ending otherwise (NoStatus:
        // exit_group or a signal set it).
        private void EndCurrentThread(int status)
        {
            UserThread me = CurrentThread;
            Process process = me.Process;
            if (me.ClearChildTid != 0 && !System.Threading.Volatile.Read(ref process.Exiting))
            {
                // CLONE_CHILD_CLEARTID: tell a joining thread we are gone.
                int zero = 0;
                _copier.CopyToUser(process.Space, me.ClearChildTid, (byte*)&zero, 4);
                _futexes.Wake(process.Space, me.ClearChildTid, 1);
            }
            _processes.Lock.Lock();
            process.ThreadIds.Remove(me.Kernel.Id);
            System.Threading.Interlocked.Increment(ref process.StacksPending);
            bool last = --process.LiveThreads == 0;
            if (last && status != NoStatus && !process.Exiting)
                process.ExitStatus = status;
            if (!last) // the last thread's time runs on through EndProcess, which adds it
                process.EndedThreadTimes = process.EndedThreadTimes + CpuTimes.Of(me.Kernel);
            _processes.Lock.Unlock();
            if (last)
                EndProcess(process);
            _scheduler.ExitCurrent();
        }

        // The last thread is ending: free the address space (from the kernel's page
        // table; this thread runs on its kernel stack), report, become a zombie, and
        // wake whoever waits, then send the parent SIGCHLD. Children are orphaned;
        // zombie children are dropped.
        private void EndProcess(Process process)
        {
            process.CloseAll(); // before the address space: a pipe end may wake a reader
            _scheduler.SwitchAddressSpace(_vmm.KernelTable.Root);
            // The process's other threads have ended, but their CPUs may still be on the
            // way out, on its page tables: each one's stack comes back only once its CPU
            // has switched away (Scheduler.FinishSwitch). Wait for all but ours.
            while (System.Threading.Volatile.Read(ref process.StacksPending) > 1)
                _scheduler.Yield();
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
                if (_scheduler.MayCache(cpu, process.Space.Table.Root))
                    Diagnostics.Panic.Report("exit of pid " + process.Pid.ToString() + ": CPU " + cpu.ToString()
                        + " still runs on its page tables");
            process.Space.Destroy();
            // A program's end is news; a forked copy's ordinary exit is not (a program
            // may fork thousands: the console would be all exits).
            if (process.KilledBySignal != 0)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") killed by signal " + process.KilledBySignal.ToString());
            else if (!process.Forked)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") exited with status " + process.ExitStatus.ToString());
            _processes.Lock.Lock();
            while (true)
            {
                Process child = _processes.FindChild(process.Pid, -1, zombieOnly: false);
                if (child == null)
                    break;
                child.ParentPid = 0;
                if (child.State == Process.ProcessState.Zombie && child.ExitWaiter < 0)
                    _processes.Remove(child);
            }
            process.EndedThreadTimes = process.EndedThreadTimes + CpuTimes.Of(_scheduler.Current);
            process.State = Process.ProcessState.Zombie;
            Process notify = ParentToNotifyLocked(process, stopOrContinue: false);
            if (process.ExitWaiter >= 0)
                _scheduler.Unpark(process.ExitWaiter);
            WakeParentWaiters(process);
            if (ParentOfLocked(process) == null && process.ExitWaiter < 0)
                _processes.Remove(process); // nobody will reap it
            _processes.Lock.Unlock();
            if (notify != null)
                SendSignal(notify, null, Signals.Chld); // its SIGCHLD (fork's exit signal)
        }
    }
}
