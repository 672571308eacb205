using CosmosKernel.Abi;

namespace CosmosKernel.Memory
{
    // A contiguous, page-aligned range of an address space with one protection and
    // one backing: private anonymous (zero-filled on first touch), shared anonymous
    // (the pages of a SharedAnonymousMemory object) or a ramdisk file (loaded on first
    // touch). Private regions are copy-on-write after fork; shared regions keep the
    // same frames in parent and child.
    //
    // Owned by its AddressSpace and guarded by that address space's MmLock. A region
    // holds one count on its shared object from its constructor until Drop.
    public sealed class Region
    {
        public ulong Start;
        public ulong End;          // exclusive
        public int Protection;     // Prot bits
        public bool Shared;
        public RamdiskFile File;   // null for anonymous memory
        public SharedAnonymousMemory SharedMemory; // MAP_SHARED|MAP_ANONYMOUS only; null after Drop
        public ulong Offset;       // where Start lies in the file or the shared object

        public Region(ulong start, ulong end, int protection, bool shared, RamdiskFile file,
            SharedAnonymousMemory sharedMemory, ulong offset)
        {
            Start = start;
            End = end;
            Protection = protection;
            Shared = shared;
            File = file;
            SharedMemory = sharedMemory;
            Offset = offset;
            if (sharedMemory != null)
                sharedMemory.Retain();
        }

        public ulong Length => End - Start;

        public bool Contains(ulong address) => address >= Start && address < End;

        public bool Allows(Access access)
        {
            if (access == Access.Write)
                return (Protection & Prot.Write) != 0;
            if (access == Access.Execute)
                return (Protection & Prot.Exec) != 0;
            return (Protection & (Prot.Read | Prot.Write | Prot.Exec)) != 0; // x86: any mapping is readable
        }

        // Where `page` (inside the region) lies in its file or shared object.
        public ulong OffsetOf(ulong page) => Offset + (page - Start);

        // The part of this region from `at` on, as a new region; this one ends at `at`.
        public Region SplitAt(ulong at)
        {
            bool backed = File != null || SharedMemory != null;
            var tail = new Region(at, End, Protection, Shared, File, SharedMemory, backed ? OffsetOf(at) : 0);
            End = at;
            return tail;
        }

        // Leaf PTE flags for a page of this region, given whether it may be written now.
        public ulong PteFlags(bool writable)
        {
            ulong flags = Pte.User;
            if (writable)
                flags |= Pte.Writable;
            if ((Protection & Prot.Exec) == 0)
                flags |= Pte.NoExecute;
            return flags;
        }

        public Region Clone() => new Region(Start, End, Protection, Shared, File, SharedMemory, Offset);

        // The address space no longer holds this region (its pages are already
        // unmapped): give back the count on the shared object, once.
        public void Drop()
        {
            if (SharedMemory != null)
                SharedMemory.Release();
            SharedMemory = null;
        }
    }

    // A copy of what a region is, for reports (AddressSpace.DescribeRegions).
    public struct RegionView
    {
        public ulong Start, End, Offset;
        public int Protection;
        public bool Shared;
        public string FileName; // null for anonymous memory
    }
}
