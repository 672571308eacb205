using System;
using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // Processes and their threads: exec of a GRUB module (ELF into a fresh address
    // space, the Linux initial stack, a main thread that enters ring 3), fork, clone
    // threads, exit, and the end of a process (its address space goes, it becomes a
    // zombie until its parent reaps it with wait4).
    public static unsafe class ProgramRunner
    {
        public const int SignalSegv = 11, SignalIll = 4, SignalFpe = 8, SignalBus = 7, SignalKill = 9;
        private const int ThreadIdBase = 1000;  // tids of threads other than the main one

        private static Scheduler s_scheduler;
        private static Vmm s_vmm;
        private static Memory.UserCopy.UserCopier s_copier;

        // The process and thread running now (null process in a kernel thread).
        public static Process Current => s_scheduler?.Current.Process;
        public static KernelThread CurrentThread => s_scheduler.Current;

        public static void Initialize(Scheduler scheduler, Vmm vmm, Memory.UserCopy.UserCopier copier)
        {
            s_scheduler = scheduler;
            s_vmm = vmm;
            s_copier = copier;
            scheduler.ReturningToUser = &EndThreadIfProcessExiting;
            scheduler.DeadlockBreaker = &EndDeadlockedPrograms;
        }

        // ---- starting programs ---------------------------------------------------------

        // Start a GRUB module as a new process with the given parent (0: the kernel)
        // and arguments (argv[0] first; null: just the module's name).
        // Null when it could not start (the reason is printed).
        public static Process Spawn(Multiboot2.Module module, int parentPid, string[] argv = null)
        {
            RamdiskFile file = Ramdisk.Find(module.Name);
            AddressSpace space = AddressSpace.Create(s_vmm);
            if (space == null)
            {
                Console.WriteLine("exec " + module.Name + ": out of memory");
                return null;
            }
            // Copies into the new space need it loaded, across any switch on the way.
            ulong previousCr3 = Native.ReadCr3();
            ulong previousRoot = s_scheduler.SwitchAddressSpace(space.Table.Root);
            ElfImage image = ElfImage.Load(file, space, s_copier);
            ulong rsp = image.Error == null
                ? UserStack.Build(space, s_copier, image, argv ?? new[] { module.Name }, new[] { "HOME=/", "TERM=cosmos" }, Native.ReadTimestampCounter())
                : 0;
            s_scheduler.SwitchAddressSpace(previousRoot);
            Native.WriteCr3(previousRoot != 0 ? previousRoot : previousCr3);
            var process = new Process(ProcessTable.NextPid(), parentPid, module.Name, space);
            process.BrkStart = process.Brk = image.End;
            process.OpenConsole();
            string error = image.Error ?? (rsp == 0 ? "could not build the initial stack" : null);
            if (error == null && !ProcessTable.Add(process))
                error = "process table full";
            if (error == null && StartThread(process, &EnterUserMode, image.Entry, rsp, 0) == null)
            {
                ProcessTable.Remove(process);
                error = "no free thread";
            }
            if (error != null)
            {
                Console.WriteLine("exec " + module.Name + ": " + error);
                process.CloseAll();
                space.Destroy();
                return null;
            }
            return process;
        }

        // Wait (in a kernel thread) until a process started by the kernel has ended,
        // reap it, and return its wait status.
        public static int WaitAndReap(Process process)
        {
            while (process.State != Process.ProcessState.Zombie)
            {
                process.ExitWaiter = s_scheduler.Current.Id;
                s_scheduler.Park(forUser: true);
            }
            ProcessTable.Remove(process);
            return process.WaitStatus;
        }

        // ---- threads ---------------------------------------------------------------------

        // A new thread of `process` that runs `kernelEntry` (which enters ring 3 at
        // entry with stack rsp) with TLS base fs. Its Tid is the pid for the first
        // thread. Null when no thread is free.
        public static KernelThread StartThread(Process process, delegate*<ulong, void> kernelEntry, ulong entry, ulong rsp, ulong fs, bool start = true)
        {
            int id = s_scheduler.Spawn(kernelEntry, 0, process.Name, start);
            if (id < 0)
                return null;
            KernelThread thread = s_scheduler.Thread(id);
            thread.Process = process;
            thread.AddressSpaceRoot = process.Space.Table.Root;
            thread.UserEntry = entry;
            thread.UserStack = rsp;
            thread.FsBase = fs;
            thread.UserRflags = UserMode.InitialUserRflags; // interrupts on in ring 3: the timer preempts
            thread.Tid = process.LiveThreads == 0 ? process.Pid : ThreadIdBase + id;
            process.ThreadIds.Add(id);
            process.LiveThreads++;
            return thread;
        }

        // Kernel entry of a new user thread: drop to ring 3 at its entry point, for good.
        public static void EnterUserMode(ulong unused)
        {
            KernelThread me = s_scheduler.Current;
            KernelLock.Release(); // leaving the kernel (interrupts stay off until iretq)
            Native.EnterUser(me.UserEntry, me.UserStack, me.UserRflags);
        }

        // ---- fork ----------------------------------------------------------------------------

        // The registers a forked child returns to ring 3 with (the parent's, rax = 0).
        private sealed class ForkedRegisters
        {
            public SyscallFrame Frame;
        }

        // fork: a copy-on-write copy of the calling process whose one thread returns from
        // the same syscall with 0. Returns the child's pid or -errno.
        public static long Fork(SyscallFrame* frame)
        {
            Process parent = Current;
            if (ProcessTable.Count >= ProcessTable.Limit)
                return -Errno.EAGAIN;
            if (!Limits.HeapHasRoom(Limits.ProcessBytes + (ulong)parent.Space.RegionCount * Limits.RegionBytes))
                return -Errno.ENOMEM;
            AddressSpace space = parent.Space.CloneForFork();
            if (space == null)
                return -Errno.ENOMEM;
            var child = new Process(ProcessTable.NextPid(), parent.Pid, parent.Name, space) { Forked = true };
            child.BrkStart = parent.BrkStart;
            child.Brk = parent.Brk;
            child.Files.CopyFrom(parent.Files);
            if (!ProcessTable.Add(child))
            {
                child.CloseAll();
                space.Destroy();
                return -Errno.EAGAIN;
            }
            KernelThread thread = StartThread(child, &ResumeForkedChild, 0, 0, Native.ReadMsr(UserMode.MsrFsBase));
            if (thread == null)
            {
                ProcessTable.Remove(child);
                child.CloseAll();
                space.Destroy();
                return -Errno.EAGAIN;
            }
            var registers = new ForkedRegisters { Frame = *frame };
            registers.Frame.Rax = 0;
            thread.ForkedRegisters = registers;
            return child.Pid;
        }

        private static void ResumeForkedChild(ulong unused)
        {
            KernelThread me = s_scheduler.Current;
            var registers = (ForkedRegisters)me.ForkedRegisters;
            SyscallFrame frame = registers.Frame; // onto this stack; the collector takes the heap copy
            me.ForkedRegisters = null;
            KernelLock.Release();
            Native.ResumeUser(&frame);
        }

        // ---- wait4 ---------------------------------------------------------------------------

        private const int WaitNoHang = 1;

        public static long Wait(int pid, ulong statusAddress, int options)
        {
            Process me = Current;
            if ((options & ~WaitNoHang) != 0)
                return -Errno.EINVAL;
            while (true)
            {
                Process zombie = ProcessTable.FindChild(me.Pid, pid, zombieOnly: true);
                if (zombie != null)
                {
                    int status = zombie.WaitStatus;
                    if (statusAddress != 0 && s_copier.CopyToUser(me.Space, statusAddress, (byte*)&status, 4) != 0)
                        return -Errno.EFAULT;
                    // The copy is a scheduling point: another thread may have reaped it.
                    if (ProcessTable.Find(zombie.Pid) != zombie)
                        continue;
                    ProcessTable.Remove(zombie);
                    return zombie.Pid;
                }
                if (ProcessTable.FindChild(me.Pid, pid, zombieOnly: false) == null)
                    return -Errno.ECHILD;
                if ((options & WaitNoHang) != 0)
                    return 0;
                int thread = s_scheduler.Current.Id;
                me.ChildWaiters.Add(thread);
                s_scheduler.Park(forUser: true);
                me.ChildWaiters.Remove(thread);
                if (me.Exiting)
                    return -Errno.EINTR;
            }
        }

        // ---- exit -------------------------------------------------------------------------------

        // exit: end the calling thread; the last one ends the process.
        public static void ExitThread(int status)
        {
            Process process = Current;
            if (process.LiveThreads == 1 && !process.Exiting)
                process.ExitStatus = status & 0xFF;
            EndCurrentThread();
        }

        // exit_group: end every thread of the process.
        public static void ExitGroup(int status)
        {
            Process process = Current;
            if (!process.Exiting)
                process.ExitStatus = status & 0xFF;
            BeginProcessExit(process);
            EndCurrentThread();
        }

        // Kill the current program after a fault it caused (SIGSEGV and friends), with a
        // report; the kernel and the other programs go on.
        public static void Kill(int signal, InterruptFrame* frame, string reason)
        {
            Process process = Current;
            Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + "): " + reason
                + " at rip 0x" + frame->Rip.ToString("X") + ", rsp 0x" + frame->Rsp.ToString("X"));
            Console.WriteLine("KILLED pid=" + process.Pid.ToString() + " name=" + process.Name + " signal=" + signal.ToString()
                + " rip=0x" + frame->Rip.ToString("X16") + " cr2=0x" + Native.ReadCr2().ToString("X16"));
            if (!process.Exiting)
                process.KilledBySignal = signal;
            BeginProcessExit(process);
            EndCurrentThread();
        }

        // The scheduler's deadlock breaker (Scheduler.BreakDeadlock): every thread waits
        // for a program and nothing can wake one. End each live program without live
        // children (a parent may only be waiting for its children; if it is stuck too,
        // it is next once they are gone) with SIGKILL; true if one was ended.
        private static bool EndDeadlockedPrograms()
        {
            bool ended = false;
            for (int i = 0; i < ProcessTable.Capacity; i++)
            {
                Process process = ProcessTable.At(i);
                if (process == null || process.State == Process.ProcessState.Zombie || process.Exiting
                    || ProcessTable.FindChild(process.Pid, -1, zombieOnly: false, liveOnly: true) != null)
                    continue;
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name
                    + "): deadlocked: every thread waits for a futex, a pipe or a child that nothing will wake; killed");
                Console.WriteLine("KILLED pid=" + process.Pid.ToString() + " name=" + process.Name + " signal=" + SignalKill.ToString() + " deadlock");
                process.KilledBySignal = SignalKill;
                BeginProcessExit(process);
                ended = true;
            }
            return ended;
        }

        // Called on the way back to ring 3 (syscall return, preemption).
        public static void EndThreadIfProcessExiting()
        {
            Process process = Current;
            if (process != null && process.Exiting)
                EndCurrentThread();
        }

        // Mark the process as ending and wake its sleeping threads so they notice.
        private static void BeginProcessExit(Process process)
        {
            process.Exiting = true;
            for (int i = 0; i < process.ThreadIds.Count; i++)
            {
                int id = process.ThreadIds[i];
                if (id != s_scheduler.Current.Id)
                {
                    Futexes.Cancel(id);
                    s_scheduler.Wake(id);
                    s_scheduler.Unpark(id);
                }
            }
        }

        private static void EndCurrentThread()
        {
            KernelThread me = s_scheduler.Current;
            Process process = me.Process;
            if (me.ClearChildTid != 0 && !process.Exiting)
            {
                // CLONE_CHILD_CLEARTID: tell a joining thread we are gone.
                int zero = 0;
                s_copier.CopyToUser(process.Space, me.ClearChildTid, (byte*)&zero, 4);
                Futexes.Wake(process.Space, me.ClearChildTid, 1);
            }
            process.ThreadIds.Remove(me.Id);
            if (--process.LiveThreads == 0)
                EndProcess(process);
            s_scheduler.ExitCurrent();
        }

        // The last thread is ending: free the address space (from the kernel's page
        // table; this thread runs on its kernel stack), report, become a zombie, and
        // wake whoever waits. Children are orphaned; zombie children are dropped.
        private static void EndProcess(Process process)
        {
            process.CloseAll(); // before the address space: a pipe end may wake a reader
            s_scheduler.SwitchAddressSpace(s_vmm.KernelTable.Root);
            for (int cpu = 0; cpu < s_scheduler.CpuCount; cpu++)
                if (s_scheduler.MayCache(cpu, process.Space.Table.Root))
                    Diagnostics.Panic.Report("exit of pid " + process.Pid.ToString() + ": CPU " + cpu.ToString()
                        + " still runs on its page tables");
            process.Space.Destroy();
            // A program's end is news; a forked copy's ordinary exit is not (a program
            // may fork thousands: the console would be all exits).
            if (process.KilledBySignal != 0)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") killed by signal " + process.KilledBySignal.ToString());
            else if (!process.Forked)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") exited with status " + process.ExitStatus.ToString());
            while (true)
            {
                Process child = ProcessTable.FindChild(process.Pid, -1, zombieOnly: false);
                if (child == null)
                    break;
                child.ParentPid = 0;
                if (child.State == Process.ProcessState.Zombie && child.ExitWaiter < 0)
                    ProcessTable.Remove(child);
            }
            process.State = Process.ProcessState.Zombie;
            if (process.ExitWaiter >= 0)
                s_scheduler.Unpark(process.ExitWaiter);
            Process parent = process.ParentPid == 0 ? null : ProcessTable.Find(process.ParentPid);
            if (parent != null)
                for (int i = 0; i < parent.ChildWaiters.Count; i++)
                    s_scheduler.Unpark(parent.ChildWaiters[i]);
            if (parent == null && process.ExitWaiter < 0)
                ProcessTable.Remove(process); // nobody will reap it
        }
    }
}
