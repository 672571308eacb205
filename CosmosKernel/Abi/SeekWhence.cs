namespace CosmosKernel.Abi
{
    // lseek(2)'s whence (SEEK_SET, SEEK_CUR, SEEK_END); SEEK_DATA and SEEK_HOLE are EINVAL.
    public static class SeekWhence
    {
        public const int Set = 0, Current = 1, End = 2;
    }
}
