using System.Runtime.InteropServices;

namespace Cosmos.HAL
{
    // What the interrupt stubs in CosmosKernel/Boot/cpu.asm push, lowest address first.
    [StructLayout(LayoutKind.Sequential)]
    public struct InterruptFrame
    {
        public ulong R15, R14, R13, R12, R11, R10, R9, R8;
        public ulong Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
        public ulong Vector, ErrorCode;
        public ulong Rip, Cs, Rflags, Rsp, Ss;

        public bool FromUserMode => (Cs & 3) == 3;
    }
}
