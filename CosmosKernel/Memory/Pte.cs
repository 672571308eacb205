namespace CosmosKernel.Memory
{
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
