namespace CosmosKernel.Abi
{
    // mmap / mprotect protection bits (Linux values).
    public static class Prot
    {
        public const int None = 0;
        public const int Read = 1;
        public const int Write = 2;
        public const int Exec = 4;
        public const int All = Read | Write | Exec;
        // Accepted by mprotect and ignored on x86 (Linux's arch_validate_prot).
        public const int Sem = 0x8;
        // mprotect only: extend the change to the start (end) of a region that grows down (up).
        public const int GrowsDown = 0x01000000;
        public const int GrowsUp = 0x02000000;
    }
}
