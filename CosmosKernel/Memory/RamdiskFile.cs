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

        // Counts page loads, so tests can see that loading is on demand.
        public long PagesLoaded;

        public RamdiskFile(string name, byte* data, ulong length)
        {
            Name = name;
            Data = data;
            Length = length;
        }

        // Copy the page at `offset` (page aligned) into `destination`, zero-filling
        // whatever lies past the end of the file.
        public void LoadPage(ulong offset, byte* destination)
        {
            PagesLoaded++;
            for (ulong i = 0; i < Paging.PageSize; i++)
                destination[i] = offset + i < Length ? Data[offset + i] : (byte)0;
        }
    }
}
