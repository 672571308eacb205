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
    //
    // Faults of user code, and killing the process an oops happened for, belong to the
    // process layer above: it attaches itself (IUserFaultHandler) once it exists, so no
    // arrow points up from here. Until then there is no user code, and an oops stops
    // the kernel.
    public static unsafe class UserPageFaults
    {
        private static ulong s_copyInstruction;
        private static ulong s_fixup;
        // Set once at boot (Install, AttachProcesses), read by the handler: the
        // interrupt entry has no object of its own.
        private static Scheduler s_scheduler;
        private static IUserFaultHandler s_processes;

        // Faults resolved by the VMM (user code's and copies'), and copies ended at the
        // fixup. Statistics for the self-tests; counted atomically (faults are resolved
        // on every CPU at once).
        public static long ResolvedFaults;
        public static long RecoveredFaults;

        public static void Install(Scheduler scheduler)
        {
            s_scheduler = scheduler;
            s_copyInstruction = Native.UserCopyInstructionAddress();
            s_fixup = Native.UserCopyFixupAddress();
        }

        // Handle runs for vector 14 (the kernel's plug of Cosmos.HAL.VirtualMemory.HandlePageFault,
        // Plugs/PagingPlug.cs) once the VMM exists; a fault before is a crash.
        internal static bool Installed => s_copyInstruction != 0;

        public static void AttachProcesses(IUserFaultHandler processes) => s_processes = processes;

        internal static void BeginCopy(KernelThread me, AddressSpace space, bool recover)
        {
            me.CopySpace = space;
            me.CopyRecover = recover;
        }

        internal static void EndCopy(KernelThread me)
        {
            me.CopySpace = null;
        }

        internal static void Handle(InterruptFrame* frame)
        {
            ulong address = Native.ReadCr2();
            if (frame->FromUserMode)
            {
                s_processes.OnUserPageFault(frame, address);
                return;
            }
            // Resolving a user copy's fault needs only the VMM's locks.
            HandleKernelFault(frame, address);
        }

        private static void HandleKernelFault(InterruptFrame* frame, ulong address)
        {
            KernelThread me = s_scheduler.Current;
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
                System.Threading.Interlocked.Increment(ref ResolvedFaults);
                return; // rep movsb resumes where it stopped
            }
            if (me.CopyRecover)
            {
                System.Threading.Interlocked.Increment(ref RecoveredFaults);
                frame->Rip = s_fixup; // returns rcx, the bytes not copied
                return;
            }
            CrashReport.Report(frame, "kernel-mode fault on user address 0x" + address.ToString("X") + " with no recovery (" + (result == FaultResult.BadAddress ? "not mapped" : result == FaultResult.BeyondEndOfFile ? "past the end of its file" : "out of memory") + ")");
            if (s_processes == null || !s_processes.RunsProcess)
                CrashReport.Stop();
            CrashReport.Oopses++;
            me.CopySpace = null;
            System.Console.WriteLine("kernel oops: the kernel goes on without the process whose syscall crashed");
            s_processes.KillForOops(frame);
        }
    }
}
