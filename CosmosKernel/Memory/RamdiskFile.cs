namespace CosmosKernel.Memory
{
    // A read-only file whose bytes are already in memory (a GRUB module or initrd
    // entry in the kernel, a byte array on the host). File-backed regions load their
    // pages from it on demand; bytes past its end read as zero, as Linux maps a
    // file's last partial page.
    public sealed unsafe class RamdiskFile
    {
        public readonly string Name;
        public readonly byte* Data;
        public readonly ulong Length;

        // Counts page loads, so tests can see that loading is on demand (atomic: pages
        // load on several CPUs at once).
        public long PagesLoaded;

        // A backing store's latency: a page load of a mapping sleeps this long first
        // (AddressSpace.LoadFilePage). The bytes are in memory all along; the sleep
        // stands for a disk's seek and transfer, so a slow page-in can be seen holding
        // up its own thread only, or, under one address-space lock, every thread.
        // 0: in memory, no latency. read(2) does not wait (it models a page cache hit).
        public readonly int LoadLatencyMilliseconds;

        public RamdiskFile(string name, byte* data, ulong length, int loadLatencyMilliseconds = 0)
        {
            Name = name;
            Data = data;
            Length = length;
            LoadLatencyMilliseconds = loadLatencyMilliseconds;
        }

        // The largest file offset plus one, as Linux's MAX_LFS_FILESIZE (2^63 - 1) for a
        // regular file: file offsets are a signed 64-bit loff_t.
        public const ulong MaxOffset = long.MaxValue;

        // Whether `length` bytes from `offset` (page aligned) stay within the offsets a
        // file can have; mmap answers EOVERFLOW otherwise (Linux's file_mmap_ok).
        public static bool CanMap(ulong offset, ulong length)
            => length <= MaxOffset && offset >> Paging.PageShift <= (MaxOffset - length) >> Paging.PageShift;

        // Copy the page at `offset` (page aligned) into `destination`, zero-filling
        // whatever lies past the end of the file.
        public void LoadPage(ulong offset, byte* destination)
        {
            System.Threading.Interlocked.Increment(ref PagesLoaded);
            for (ulong i = 0; i < Paging.PageSize; i++)
                destination[i] = offset + i < Length ? Data[offset + i] : (byte)0;
        }
    }
}
