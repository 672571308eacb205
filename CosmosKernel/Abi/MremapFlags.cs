namespace CosmosKernel.Abi
{
    // mremap's flags (Linux's uapi/linux/mman.h).
    public static class MremapFlags
    {
        // May move the mapping to another address when it cannot grow where it is.
        public const ulong MayMove = 1;
        // Move it to the fifth argument's address, replacing what is mapped there
        // (only with MayMove).
        public const ulong Fixed = 2;
        // Move the pages but keep the old mapping, empty (only with MayMove and the
        // same length).
        public const ulong DontUnmap = 4;
        public const ulong Known = MayMove | Fixed | DontUnmap;
    }
}
