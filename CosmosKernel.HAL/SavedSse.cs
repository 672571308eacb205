namespace Cosmos.HAL
{
    // The SSE state the syscall entry and the interrupt stubs save below their frame
    // (SAVE_SSE in CosmosKernel/Boot/callee_saved.inc): xmm0-xmm15, then MXCSR, at the
    // frame's address rounded down to 16 less Bytes. What is there goes back into the
    // registers on the way out, so a signal's delivery and rt_sigreturn read and write a
    // program's xmm registers here.
    public static unsafe class SavedSse
    {
        public const int Bytes = 16 * 16 + 16;
        public const int XmmBytes = 16 * 16;
        public const int MxcsrOffset = 16 * 16;

        public static byte* Below(void* frame) => (byte*)(((ulong)frame & ~15UL) - Bytes);
    }
}
