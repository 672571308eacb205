namespace CosmosKernel.Abi
{
    // lseek(2)'s whence: SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE; anything
    // above is EINVAL.
    public static class SeekWhence
    {
        public const int Set = 0, Current = 1, End = 2, Data = 3, Hole = 4;
    }
}
