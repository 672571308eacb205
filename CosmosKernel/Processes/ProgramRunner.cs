using System;
using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // Starts user programs shipped as GRUB modules and manages their threads: load the
    // ELF into a fresh address space, build the Linux initial stack, and start the
    // main thread (a kernel thread that enters ring 3); clone adds threads. The caller
    // of Run waits until every thread of the program has ended (one program at a time
    // until there is a process table with wait4).
    public static unsafe class ProgramRunner
    {
        public const int SignalSegv = 11, SignalIll = 4, SignalFpe = 8, SignalBus = 7;
        private const ulong UserRflags = 0x202; // interrupts on in ring 3: the timer preempts
        private const int ThreadIdBase = 1000;  // tids of threads other than the main one

        private static int s_nextPid = 1;
        private static Scheduler s_scheduler;

        // The process and thread running now (null process in a kernel thread).
        public static Process Current => s_scheduler?.Current.Process;
        public static KernelThread CurrentThread => s_scheduler.Current;

        public static void Initialize(Scheduler scheduler)
        {
            s_scheduler = scheduler;
            scheduler.ReturningToUser = &EndThreadIfProcessExiting;
        }

        // Returns the exit status (0-255), 128 + signal when killed, or -1 if it did not
        // start (the reason is printed).
        public static int Run(Multiboot2.Module module, Memory.UserCopy.UserCopier copier, Vmm vmm)
        {
            var file = new RamdiskFile(module.Name, (byte*)Multiboot2.PhysicalToVirtual(module.Start), module.End - module.Start);
            AddressSpace space = AddressSpace.Create(vmm);
            if (space == null)
            {
                Console.WriteLine("exec " + module.Name + ": out of memory");
                return -1;
            }
            ulong previousCr3 = Native.ReadCr3();
            Native.WriteCr3(space.Table.Root);
            ElfImage image = ElfImage.Load(file, space, copier);
            ulong rsp = image.Error == null
                ? UserStack.Build(space, copier, image, new[] { module.Name }, new[] { "HOME=/", "TERM=cosmos" }, Native.ReadTimestampCounter())
                : 0;
            Native.WriteCr3(previousCr3);
            var process = new Process(s_nextPid++, module.Name, space);
            process.BrkStart = process.Brk = image.End;
            if (image.Error != null || rsp == 0 || StartThread(process, image.Entry, rsp, 0) == null)
            {
                Console.WriteLine("exec " + module.Name + ": " + (image.Error ?? (rsp == 0 ? "could not build the initial stack" : "no free thread")));
                space.Destroy();
                return -1;
            }

            process.Waiter = s_scheduler.Current.Id;
            while (process.LiveThreads > 0)
                s_scheduler.Park();

            Native.WriteCr3(vmm.KernelTable.Root);
            space.Destroy();
            if (process.KilledBySignal != 0)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") killed by signal " + process.KilledBySignal.ToString());
            else
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") exited with status " + process.ExitStatus.ToString());
            return process.KilledBySignal != 0 ? 128 + process.KilledBySignal : process.ExitStatus;
        }

        // A new thread of `process` entering ring 3 at entry with stack rsp and TLS
        // base fs (its Tid is the pid for the first thread), or null.
        public static KernelThread StartThread(Process process, ulong entry, ulong rsp, ulong fs)
        {
            int slot = -1;
            for (int i = 0; i < process.ThreadIds.Length && slot < 0; i++)
                if (process.ThreadIds[i] < 0)
                    slot = i;
            if (slot < 0)
                return null;
            int id = s_scheduler.Spawn(&EnterUserMode, 0, process.Name);
            if (id < 0)
                return null;
            KernelThread thread = s_scheduler.Thread(id);
            thread.Process = process;
            thread.AddressSpaceRoot = process.Space.Table.Root;
            thread.UserEntry = entry;
            thread.UserStack = rsp;
            thread.FsBase = fs;
            thread.Tid = process.LiveThreads == 0 ? process.Pid : ThreadIdBase + id;
            process.ThreadIds[slot] = id;
            process.LiveThreads++;
            return thread;
        }

        // A user thread's kernel side: drop to ring 3 at its entry point, for good.
        private static void EnterUserMode(ulong unused)
        {
            KernelThread me = s_scheduler.Current;
            Native.EnterUser(me.UserEntry, me.UserStack, UserRflags);
        }

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
        // report; the kernel and the next programs go on.
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
            for (int i = 0; i < process.ThreadIds.Length; i++)
            {
                int id = process.ThreadIds[i];
                if (id >= 0 && id != s_scheduler.Current.Id)
                {
                    Futexes.Cancel(id);
                    s_scheduler.Wake(id);
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
                Kernel.UserCopy.CopyToUser(process.Space, me.ClearChildTid, (byte*)&zero, 4);
                Futexes.Wake(process.Space, me.ClearChildTid, 1);
            }
            for (int i = 0; i < process.ThreadIds.Length; i++)
                if (process.ThreadIds[i] == me.Id)
                    process.ThreadIds[i] = -1;
            if (--process.LiveThreads == 0 && process.Waiter >= 0)
                s_scheduler.Unpark(process.Waiter);
            s_scheduler.ExitCurrent();
        }
    }
}
