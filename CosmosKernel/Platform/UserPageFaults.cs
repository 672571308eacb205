using Cosmos.HAL;
using CosmosKernel.Diagnostics;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Platform
{
    // The page-fault handler (vector 14): faults of user programs (resolved by the VMM or
    // SIGSEGV), and faults on user addresses while the kernel copies to or from user
    // memory. Any other kernel-mode fault is a kernel bug and gets a crash report.
    //
    // The copy in progress belongs to the running thread (KernelThread.CopySpace): a
    // fault inside a copy may sleep on a page lock while other threads copy.
    //
    // A naive copy's fault has no recovery. Inside a process's syscall it is an oops,
    // as in Linux: the crash report, the process killed, and the kernel goes on (its
    // exit status then says it crashed). Anywhere else the kernel stops.
    public static unsafe class UserPageFaults
    {
        public const int SignalKill = 9;

        private static ulong s_copyInstruction;
        private static ulong s_fixup;

        public static long ResolvedFaults;
        public static long RecoveredFaults;

        public static void Install()
        {
            s_copyInstruction = Native.UserCopyInstructionAddress();
            s_fixup = Native.UserCopyFixupAddress();
        }

        // Handle runs for vector 14 (the kernel's plug of Cosmos.HAL.VirtualMemory.HandlePageFault,
        // Plugs/PagingPlug.cs) once the VMM exists; a fault before is a crash.
        internal static bool Installed => s_copyInstruction != 0;

        internal static void BeginCopy(AddressSpace space, bool recover)
        {
            KernelThread me = Kernel.Scheduler.Current;
            me.CopySpace = space;
            me.CopyRecover = recover;
        }

        internal static void EndCopy()
        {
            Kernel.Scheduler.Current.CopySpace = null;
        }

        // A fault in user code: demand paging and copy-on-write are resolved; a copy-locked
        // page makes the program wait and retry; anything else is SIGSEGV.
        private static void HandleUserFault(InterruptFrame* frame, ulong address)
        {
            Processes.Process process = Processes.ProgramRunner.Current;
            Access access = (frame->ErrorCode & 16) != 0 ? Access.Execute : (frame->ErrorCode & 2) != 0 ? Access.Write : Access.Read;
            FaultResult result = process.Space.HandleFault(address, access, userMode: true);
            if (result == FaultResult.Resolved || result == FaultResult.WaitedForPageLock)
            {
                ResolvedFaults++;
                return;
            }
            string what = (frame->ErrorCode & 1) != 0 ? "protection violation" : "not mapped";
            string kind = access == Access.Execute ? "execute" : access == Access.Write ? "write" : "read";
            Processes.ProgramRunner.Kill(Processes.ProgramRunner.SignalSegv, frame,
                "SIGSEGV: " + kind + " of 0x" + address.ToString("X") + " (" + (result == FaultResult.OutOfMemory ? "out of memory" : what) + ")");
        }

        internal static void Handle(InterruptFrame* frame)
        {
            ulong address = Native.ReadCr2();
            if (frame->FromUserMode)
            {
                HandleUserFault(frame, address);
                return;
            }
            // A user copy moves its bytes without the kernel lock (KernelUserMemoryAccess):
            // resolving its fault needs the lock, and the copy goes on without it. If the
            // fault sleeps, the thread may wake on another CPU, which then holds the lock
            // for it: the lock belongs to the CPU, so it is released there.
            bool tookKernelLock = !KernelLock.HeldByThisCpu;
            if (tookKernelLock)
                KernelLock.Acquire();
            HandleKernelFault(frame, address);
            if (tookKernelLock)
                KernelLock.Release();
        }

        private static void HandleKernelFault(InterruptFrame* frame, ulong address)
        {
            KernelThread me = Kernel.Scheduler.Current;
            AddressSpace space = me.CopySpace;
            bool inUserCopy = space != null && frame->Rip == s_copyInstruction;
            if (!inUserCopy || address >= Paging.UserSpaceEnd)
            {
                CrashReport.Report(frame, "page fault in kernel mode");
                CrashReport.Stop();
                return;
            }
            Access access = (frame->ErrorCode & 2) != 0 ? Access.Write : Access.Read;
            FaultResult result = space.HandleFault(address, access, userMode: false);
            if (result == FaultResult.Resolved || result == FaultResult.WaitedForPageLock)
            {
                ResolvedFaults++;
                return; // rep movsb resumes where it stopped
            }
            if (me.CopyRecover)
            {
                RecoveredFaults++;
                frame->Rip = s_fixup; // returns rcx, the bytes not copied
                return;
            }
            CrashReport.Report(frame, "kernel-mode fault on user address 0x" + address.ToString("X") + " with no recovery (" + (result == FaultResult.BadAddress ? "not mapped" : "out of memory") + ")");
            if (Processes.ProgramRunner.Current == null)
                CrashReport.Stop();
            CrashReport.Oopses++;
            me.CopySpace = null;
            System.Console.WriteLine("kernel oops: the kernel goes on without the process whose syscall crashed");
            Processes.ProgramRunner.Kill(SignalKill, frame, "killed by a kernel oops in its syscall");
        }
    }
}
