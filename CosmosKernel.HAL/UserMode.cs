using System.Runtime.InteropServices;

namespace Cosmos.HAL
{
    // The CPU side of ring 3: the TSS (the stack the CPU switches to when user code is
    // interrupted) and the syscall MSRs. What a syscall does is the kernel's:
    // HandleSyscall is a plug target (CosmosKernel/Plugs/SyscallPlug.cs; docs/plugs.md).
    // The Cosmos layer's default knows no user programs: a syscall is a crash.
    public static unsafe class UserMode
    {
        private const uint MsrEfer = 0xC0000080;
        private const uint MsrStar = 0xC0000081;
        private const uint MsrLstar = 0xC0000082;
        private const uint MsrFmask = 0xC0000084;
        public const uint MsrFsBase = 0xC0000100;

        private const ulong EferSyscallEnable = 1;
        // Cleared on syscall entry, as Linux's syscall_init does: TF, DF, IF, IOPL, AC, NT.
        // Ring 3 may set DF, AC and NT with popfq; the kernel must not run with them: DF
        // would run its rep movsb/stosb backwards, AC would let it touch user memory
        // under SMAP, and NT makes the next iretq in the kernel a #GP (issue 16, item 1).
        // Interrupt gates clear TF and NT themselves; the interrupt stubs (cpu.asm) clear
        // DF and AC. The user's own flags come back with sysret (r11) or iretq.
        public const ulong SyscallFlagMask = RflagsTf | RflagsIf | RflagsDf | RflagsIopl | RflagsNt | RflagsAc;
        public const ulong RflagsCf = 0x1, RflagsFixed = 0x2, RflagsPf = 0x4, RflagsAf = 0x10, RflagsZf = 0x40, RflagsSf = 0x80;
        public const ulong RflagsTf = 0x100, RflagsIf = 0x200, RflagsDf = 0x400, RflagsOf = 0x800, RflagsIopl = 0x3000;
        public const ulong RflagsNt = 0x4000, RflagsAc = 0x40000, RflagsId = 0x200000;
        // What ring 3 may have in RFLAGS (what popfq at CPL 3 can change), besides IF,
        // which user code always runs with (the timer preempts it).
        public const ulong UserRflagsMask = RflagsCf | RflagsPf | RflagsAf | RflagsZf | RflagsSf | RflagsTf | RflagsDf | RflagsOf
            | RflagsNt | RflagsAc | RflagsId;
        // The RFLAGS a new user thread starts with unless it inherits its creator's.
        public const ulong InitialUserRflags = RflagsIf | RflagsFixed;

        // The RFLAGS a thread may enter ring 3 with, made from ones user code had (a
        // syscall's r11): the user's own flags, interrupts on, IOPL 0.
        public static ulong SanitizeUserRflags(ulong rflags) => (rflags & UserRflagsMask) | InitialUserRflags;

        // Set up syscall/sysret on the boot CPU. Which kernel stack syscalls and
        // interrupts from ring 3 use is the running thread's (Cpu.SetKernelStack, on
        // every switch).
        public static void Initialize()
        {
            Idt.SetInterruptStack(8, 1); // a double fault (say, a kernel stack overflow) gets a fresh stack
            InitializeOnThisCpu();
        }

        // The syscall MSRs are per CPU: every application processor sets them too.
        public static void InitializeOnThisCpu()
        {
            Native.WriteMsr(MsrEfer, Native.ReadMsr(MsrEfer) | EferSyscallEnable);
            // sysret loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8 (user code 0x20, data 0x18).
            Native.WriteMsr(MsrStar, ((ulong)(Gdt.UserData & ~3) - 8) << 48 | (ulong)Gdt.KernelCode << 32);
            Native.WriteMsr(MsrLstar, Native.SyscallEntryAddress());
            Native.WriteMsr(MsrFmask, SyscallFlagMask);
        }

        // One syscall, its registers in the frame (the result goes back in its RAX).
        // Plug target: the kernel's syscall table. Default: the Cosmos layer runs no user
        // programs, so a syscall means something entered ring 3 behind its back.
        public static void HandleSyscall(SyscallFrame* frame) =>
            Internal.Runtime.RuntimePanic.Fail("syscall, but the Cosmos layer's default has no user programs (plug Cosmos.HAL.UserMode.HandleSyscall)");

        [UnmanagedCallersOnly(EntryPoint = "syscall_dispatch")]
        private static void Dispatch(SyscallFrame* frame) => HandleSyscall(frame);
    }
}
