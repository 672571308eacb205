namespace CosmosKernel.Abi
{
    // madvise's advice (Linux's asm-generic/mman-common.h): the ones the kernel takes.
    public static class Madvise
    {
        // Hints with nothing to do here: no readahead, no huge pages, no core dumps.
        public const int Normal = 0, Random = 1, Sequential = 2, Willneed = 3;
        public const int Hugepage = 14, Nohugepage = 15, Dontdump = 16, Dodump = 17;
        // Drop the pages: anonymous private memory reads as zeros afterwards, a private
        // file mapping as the file again, shared memory as it was (FREE drops at once).
        public const int Dontneed = 4, Free = 8;
    }
}
