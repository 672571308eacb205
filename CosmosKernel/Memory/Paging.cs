namespace CosmosKernel.Memory
{
    // x86-64 4-level paging constants and the address-space layout.
    //
    //   0x0000000000000000 .. 0x00007FFFFFFFF000   user space (per process); page 0 never mapped
    //   0xFFFF800000000000 ..                      direct map of all physical memory (shared)
    //   0xFFFFFFFF80000000 ..                      the kernel image (shared)
    public static class Paging
    {
        public const int PageShift = 12;
        public const ulong PageSize = 1UL << PageShift;
        public const ulong PageMask = PageSize - 1;
        public const int EntriesPerTable = 512;

        // Linux's TASK_SIZE: the first address user space may not use.
        public const ulong UserSpaceEnd = 0x00007FFFFFFFF000;
        // The lowest address mmap hands out without a hint, and the lowest it accepts.
        public const ulong UserSpaceStart = 0x0000000000010000;

        public const ulong DirectMapBase = 0xFFFF800000000000;
        public const ulong KernelImageBase = 0xFFFFFFFF80000000;

        // PML4 slots of the kernel half that every address space shares.
        public const int FirstKernelPml4Slot = 256;

        public static ulong PageDown(ulong address) => address & ~PageMask;
        public static ulong PageUp(ulong address) => (address + PageMask) & ~PageMask;
        public static bool IsPageAligned(ulong address) => (address & PageMask) == 0;

        public static int Pml4Index(ulong va) => (int)((va >> 39) & 511);
        public static int PdptIndex(ulong va) => (int)((va >> 30) & 511);
        public static int PdIndex(ulong va) => (int)((va >> 21) & 511);
        public static int PtIndex(ulong va) => (int)((va >> 12) & 511);
    }
}
