using System.Runtime.InteropServices;

namespace Cosmos.HAL
{
    // The CPU side of ring 3: the TSS (the stack the CPU switches to when user code is
    // interrupted), the syscall MSRs, and the syscall hook the kernel installs.
    public static unsafe class UserMode
    {
        private const uint MsrEfer = 0xC0000080;
        private const uint MsrStar = 0xC0000081;
        private const uint MsrLstar = 0xC0000082;
        private const uint MsrFmask = 0xC0000084;
        public const uint MsrFsBase = 0xC0000100;

        private const ulong EferSyscallEnable = 1;
        // Cleared on syscall entry: TF, IF, DF, AC.
        private const ulong SyscallFlagMask = 0x100 | 0x200 | 0x400 | 0x40000;

        private static byte* s_tss;
        private static delegate*<SyscallFrame*, void> s_handler;

        // Set up the TSS and syscall/sysret. Which kernel stack syscalls and interrupts
        // from ring 3 use is the running thread's (SetKernelStack, on every switch).
        public static void Initialize(delegate*<SyscallFrame*, void> syscallHandler)
        {
            s_handler = syscallHandler;
            s_tss = Internal.Runtime.RuntimeHeap.AllocateRaw(104);
            byte* doubleFaultStack = Internal.Runtime.RuntimeHeap.AllocateRaw(16 * 1024);
            *(ulong*)(s_tss + 36) = (ulong)(doubleFaultStack + 16 * 1024); // IST1
            *(ushort*)(s_tss + 102) = 104;                  // no I/O permission bitmap
            Gdt.InstallTss(0, (ulong)s_tss, 103);
            Idt.SetInterruptStack(8, 1); // a double fault (say, a kernel stack overflow) gets a fresh stack

            Native.WriteMsr(MsrEfer, Native.ReadMsr(MsrEfer) | EferSyscallEnable);
            // sysret loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8 (user code 0x20, data 0x18).
            Native.WriteMsr(MsrStar, ((ulong)(Gdt.UserData & ~3) - 8) << 48 | (ulong)Gdt.KernelCode << 32);
            Native.WriteMsr(MsrLstar, Native.SyscallEntryAddress());
            Native.WriteMsr(MsrFmask, SyscallFlagMask);
        }

        // The stack the CPU switches to when the running thread leaves ring 3 (RSP0) and
        // the one the syscall entry loads.
        public static void SetKernelStack(ulong top)
        {
            *(ulong*)(s_tss + 4) = top;
            Native.SetSyscallStack(top);
        }

        [UnmanagedCallersOnly(EntryPoint = "syscall_dispatch")]
        private static void Dispatch(SyscallFrame* frame)
        {
            if (s_handler == null)
                Internal.Runtime.RuntimePanic.Fail("syscall with no handler");
            s_handler(frame);
        }
    }
}
