using System;
using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // Runs user programs shipped as GRUB modules, one at a time, to completion: load the
    // ELF into a fresh address space, build the Linux initial stack, enter ring 3, and
    // come back when the program exits or is killed. The scheduler of the user-mode
    // issue turns this into real processes and threads.
    public static unsafe class ProgramRunner
    {
        public const int SignalSegv = 11, SignalIll = 4, SignalFpe = 8, SignalBus = 7;
        private const ulong UserRflags = 0x202; // IF set: nothing interrupts yet (all IRQs masked)

        private static int s_nextPid = 1;

        public static Process Current { get; private set; }

        // Returns the exit status (0-255), or 128 + signal when killed, or -1 if it did
        // not start (the reason is printed).
        public static int Run(Multiboot2.Module module, Memory.UserCopy.UserCopier copier, Vmm vmm)
        {
            var file = new RamdiskFile(module.Name, (byte*)Multiboot2.PhysicalToVirtual(module.Start), module.End - module.Start);
            AddressSpace space = AddressSpace.Create(vmm);
            if (space == null)
            {
                Console.WriteLine("exec " + module.Name + ": out of memory");
                return -1;
            }
            Native.WriteCr3(space.Table.Root);
            ElfImage image = ElfImage.Load(file, space, copier);
            ulong rsp = image.Error == null
                ? UserStack.Build(space, copier, image, new[] { module.Name }, new[] { "HOME=/", "TERM=cosmos" }, Native.ReadTimestampCounter())
                : 0;
            if (image.Error != null || rsp == 0)
            {
                Console.WriteLine("exec " + module.Name + ": " + (image.Error ?? "could not build the initial stack"));
                Native.WriteCr3(vmm.KernelTable.Root);
                space.Destroy();
                return -1;
            }

            var process = new Process(s_nextPid++, module.Name, space);
            process.BrkStart = process.Brk = image.End;
            Current = process;
            long status = Native.EnterUser(image.Entry, rsp, UserRflags);
            Current = null;
            Native.WriteMsr(UserMode.MsrFsBase, 0);
            Native.WriteCr3(vmm.KernelTable.Root);
            space.Destroy();
            if (process.KilledBySignal != 0)
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") killed by signal " + process.KilledBySignal.ToString());
            else
                Console.WriteLine("process " + process.Pid.ToString() + " (" + process.Name + ") exited with status " + process.ExitStatus.ToString());
            return (int)status;
        }

        // End the current program with an exit status (exit, exit_group).
        public static void Exit(int status)
        {
            Current.ExitStatus = status & 0xFF;
            Native.ReturnToKernel(Current.ExitStatus);
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
            Native.ReturnToKernel(128 + signal);
        }
    }
}
