using System.Runtime.InteropServices;

namespace Cosmos.HAL
{
    // Per-CPU data. In the kernel, GS points at the running CPU's block (gs:[0] is
    // the block's own address); in ring 3, GS is the user's, and swapgs exchanges the
    // two on every ring change (syscall entry and exit, interrupts from ring 3). The
    // offsets of the first fields are used by CosmosKernel/Boot/usermode.asm.
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct CpuLocal
    {
        public CpuLocal* Self;          // +0
        public ulong SyscallStackTop;   // +8   the running thread's kernel stack
        public ulong UserRspScratch;    // +16  the user rsp while the syscall entry switches stacks
        public int Index;               // +24  0 = the boot CPU
        public uint ApicId;             // +28
        public byte* Tss;               // +32  this CPU's task-state segment
    }

    public static unsafe class Cpu
    {
        private const uint MsrGsBase = 0xC0000101, MsrKernelGsBase = 0xC0000102;
        private const int TssSize = 104, DoubleFaultStackSize = 16 * 1024;

        private static CpuLocal** s_blocks;

        // The running CPU's block, and its index.
        public static CpuLocal* Current => (CpuLocal*)Native.ReadGsSelf();
        public static int CurrentIndex => Current->Index;

        public static CpuLocal* Block(int index) => s_blocks[index];

        // Allocate CPU `index`'s block and TSS (on the boot CPU, before that CPU starts).
        public static void Prepare(int index, uint apicId)
        {
            if (s_blocks == null)
                s_blocks = (CpuLocal**)Internal.Runtime.RuntimeHeap.AllocateRaw(Gdt.MaxCpus * 8);
            var block = (CpuLocal*)Internal.Runtime.RuntimeHeap.AllocateRaw((ulong)sizeof(CpuLocal));
            block->Self = block;
            block->SyscallStackTop = 0;
            block->UserRspScratch = 0;
            block->Index = index;
            block->ApicId = apicId;
            byte* tss = Internal.Runtime.RuntimeHeap.AllocateRaw(TssSize);
            for (int i = 0; i < TssSize; i++)
                tss[i] = 0;
            byte* doubleFaultStack = Internal.Runtime.RuntimeHeap.AllocateRaw(DoubleFaultStackSize);
            *(ulong*)(tss + 36) = (ulong)(doubleFaultStack + DoubleFaultStackSize); // IST1: a double fault gets a fresh stack
            *(ushort*)(tss + 102) = TssSize;                                   // no I/O permission bitmap
            block->Tss = tss;
            s_blocks[index] = block;
        }

        // On CPU `index` itself: point GS at its block and load its TSS.
        public static void Activate(int index)
        {
            CpuLocal* block = s_blocks[index];
            Native.WriteMsr(MsrGsBase, (ulong)block);
            Native.WriteMsr(MsrKernelGsBase, 0); // the user's GS base until a program changes it
            Gdt.InstallTss(index, (ulong)block->Tss, TssSize - 1);
        }

        // The stack the CPU switches to when the running thread leaves ring 3: RSP0 in
        // the TSS for interrupts, and the one the syscall entry loads.
        public static void SetKernelStack(ulong top)
        {
            CpuLocal* block = Current;
            *(ulong*)(block->Tss + 4) = top;
            block->SyscallStackTop = top;
        }
    }
}
