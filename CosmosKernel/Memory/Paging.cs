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

        public static bool IsCanonical(ulong address)
        {
            ulong top = address >> 47;
            return top == 0 || top == 0x1FFFF;
        }

        public static int Pml4Index(ulong va) => (int)((va >> 39) & 511);
        public static int PdptIndex(ulong va) => (int)((va >> 30) & 511);
        public static int PdIndex(ulong va) => (int)((va >> 21) & 511);
        public static int PtIndex(ulong va) => (int)((va >> 12) & 511);
    }

    // Page-table entry bits (Intel SDM Vol. 3A, 4.5). Bits 9-11 and 52-58 are ours.
    public static class Pte
    {
        public const ulong Present = 1UL << 0;
        public const ulong Writable = 1UL << 1;
        public const ulong User = 1UL << 2;
        public const ulong WriteThrough = 1UL << 3;
        public const ulong CacheDisable = 1UL << 4;
        public const ulong Accessed = 1UL << 5;
        public const ulong Dirty = 1UL << 6;
        public const ulong Huge = 1UL << 7;      // 2 MiB / 1 GiB page in a PD / PDPT entry
        public const ulong Global = 1UL << 8;
        // Software: the page is locked by a user copy (pagelock); the user bit is clear
        // only while this is set. A user fault on such a page waits for the unlock.
        public const ulong CopyLocked = 1UL << 9;
        // Software: writable in its region but shared copy-on-write; a write fault copies.
        public const ulong CopyOnWrite = 1UL << 10;
        // Software: a PROT_NONE page. Present is clear, the frame address is kept.
        public const ulong ProtNone = 1UL << 11;
        public const ulong NoExecute = 1UL << 63;

        public const ulong AddressMask = 0x000FFFFFFFFFF000;

        public static ulong Frame(ulong entry) => entry & AddressMask;
        public static bool IsPresent(ulong entry) => (entry & Present) != 0;
    }
}
