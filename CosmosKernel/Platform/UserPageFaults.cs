using Cosmos.HAL;
using CosmosKernel.Diagnostics;
using CosmosKernel.Memory;

namespace CosmosKernel.Platform
{
    // The page-fault handler (vector 14): faults of user programs (resolved by the VMM or
    // SIGSEGV), and faults on user addresses while the kernel copies to or from user
    // memory. Any other kernel-mode fault is a kernel bug and gets a crash report.
    //
    // One CPU: the copy in progress is a static. The SMP issue makes it per CPU.
    public static unsafe class UserPageFaults
    {
        private static AddressSpace s_space;
        private static bool s_recover;
        private static bool s_copying;
        private static ulong s_copyInstruction;
        private static ulong s_fixup;

        public static long ResolvedFaults;
        public static long RecoveredFaults;

        public static void Install()
        {
            s_copyInstruction = Native.UserCopyInstructionAddress();
            s_fixup = Native.UserCopyFixupAddress();
            Idt.SetHandler(14, &Handle);
        }

        internal static void BeginCopy(AddressSpace space, bool recover)
        {
            s_space = space;
            s_recover = recover;
            s_copying = true;
        }

        internal static void EndCopy()
        {
            s_copying = false;
            s_space = null;
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

        private static void Handle(InterruptFrame* frame)
        {
            ulong address = Native.ReadCr2();
            if (frame->FromUserMode)
            {
                HandleUserFault(frame, address);
                return;
            }
            bool inUserCopy = !frame->FromUserMode && s_copying && frame->Rip == s_copyInstruction;
            if (!inUserCopy || address >= Paging.UserSpaceEnd)
            {
                CrashReport.Report(frame, "page fault in kernel mode");
                CrashReport.Stop();
                return;
            }
            Access access = (frame->ErrorCode & 2) != 0 ? Access.Write : Access.Read;
            FaultResult result = s_space.HandleFault(address, access, userMode: false);
            if (result == FaultResult.Resolved || result == FaultResult.WaitedForPageLock)
            {
                ResolvedFaults++;
                return; // rep movsb resumes where it stopped
            }
            if (s_recover)
            {
                RecoveredFaults++;
                frame->Rip = s_fixup; // returns rcx, the bytes not copied
                return;
            }
            CrashReport.Report(frame, "kernel-mode fault on user address 0x" + address.ToString("X") + " with no recovery (" + (result == FaultResult.BadAddress ? "not mapped" : "out of memory") + ")");
            CrashReport.Stop();
        }
    }
}
