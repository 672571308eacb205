using System.Runtime.InteropServices;

namespace Cosmos.HAL
{
    // What cpu_syscall_entry (CosmosKernel/Boot/usermode.asm) pushes, lowest address first.
    // Linux x86-64 ABI: number in Rax (the result goes back there), arguments in
    // Rdi, Rsi, Rdx, R10, R8, R9; Rcx and R11 hold the user's RIP and RFLAGS.
    [StructLayout(LayoutKind.Sequential)]
    public struct SyscallFrame
    {
        public ulong R15, R14, R13, R12, Rbp, Rbx;
        public ulong R9, R8, R10, Rdx, Rsi, Rdi;
        public ulong Rax;
        public ulong R11; // user RFLAGS
        public ulong Rcx; // user RIP
        public ulong Rsp; // user RSP
    }
}
