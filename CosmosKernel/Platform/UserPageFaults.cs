using Cosmos.HAL;
using CosmosKernel.Diagnostics;
using CosmosKernel.Memory;

namespace CosmosKernel.Platform
{
    // The page-fault handler (vector 14) for faults on user addresses while the kernel
    // copies to or from user memory. A fault elsewhere is a kernel bug and gets a crash
    // report. Until ring 3 exists, only the user-copy instruction touches user memory.
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

        private static void Handle(InterruptFrame* frame)
        {
            ulong address = Native.ReadCr2();
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
