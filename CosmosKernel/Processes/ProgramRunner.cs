using System;
using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // Starts user programs shipped as GRUB modules: load the ELF into a fresh address
    // space, build the Linux initial stack, and run the program's main thread, a kernel
    // thread that enters ring 3. The caller waits for it (one program at a time until
    // there is a process table with wait4).
    public static unsafe class ProgramRunner
    {
        public const int SignalSegv = 11, SignalIll = 4, SignalFpe = 8, SignalBus = 7;
        private const ulong UserRflags = 0x202; // IF set; all IRQs are masked for now

        private static int s_nextPid = 1;
        private static Scheduler s_scheduler;

        // The process of the running thread, or null in a kernel thread.
        public static Process Current => s_scheduler?.Current.Process;

        // Returns the exit status (0-255), 128 + signal when killed, or -1 if it did not
        // start (the reason is printed).
        public static int Run(Multiboot2.Module module, Memory.UserCopy.UserCopier copier, Vmm vmm, Scheduler scheduler)
        {
            s_scheduler = scheduler;
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
            if (image.Error != null || rsp == 0)
            {
                Console.WriteLine("exec " + module.Name + ": " + (image.Error ?? "could not build the initial stack"));
                space.Destroy();
                return -1;
            }

            var process = new Process(s_nextPid++, module.Name, space);
            process.BrkStart = process.Brk = image.End;
            int tid = scheduler.Spawn(&EnterUserMode, 0, module.Name);
            if (tid < 0)
            {
                Console.WriteLine("exec " + module.Name + ": no free thread");
                space.Destroy();
                return -1;
            }
            KernelThread thread = scheduler.Thread(tid);
            thread.Process = process;
            thread.AddressSpaceRoot = space.Table.Root;
            thread.UserEntry = image.Entry;
            thread.UserStack = rsp;
            scheduler.Join(tid);

            Native.WriteCr3(vmm.KernelTable.Root);
            space.Destroy();
            if (process.KilledBySignal != 0)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") killed by signal " + process.KilledBySignal.ToString());
            else
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") exited with status " + process.ExitStatus.ToString());
            return process.KilledBySignal != 0 ? 128 + process.KilledBySignal : process.ExitStatus;
        }

        // A user thread's kernel side: drop to ring 3 at its entry point, for good.
        private static void EnterUserMode(ulong unused)
        {
            KernelThread me = s_scheduler.Current;
            Native.EnterUser(me.UserEntry, me.UserStack, UserRflags);
        }

        // End the current program with an exit status (exit, exit_group).
        public static void Exit(int status)
        {
            Current.ExitStatus = status & 0xFF;
            s_scheduler.ExitCurrent();
        }

        // Kill the current program after a fault it caused (SIGSEGV and friends), with a
        // report; the kernel and the next programs go on.
        public static void Kill(int signal, InterruptFrame* frame, string reason)
        {
            Process process = Current;
            process.KilledBySignal = signal;
            Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + "): " + reason
                + " at rip 0x" + frame->Rip.ToString("X") + ", rsp 0x" + frame->Rsp.ToString("X"));
            Console.WriteLine("KILLED pid=" + process.Pid.ToString() + " name=" + process.Name + " signal=" + signal.ToString()
                + " rip=0x" + frame->Rip.ToString("X16") + " cr2=0x" + Native.ReadCr2().ToString("X16"));
            s_scheduler.ExitCurrent();
        }
    }
}
