namespace CosmosKernel.Memory
{
    // A contiguous, page-aligned range of an address space with one protection and
    // one backing: anonymous (zero-filled on first touch) or a ramdisk file (loaded
    // on first touch). Private regions are copy-on-write after fork; shared regions
    // keep the same frames in parent and child.
    //
    // Owned by its AddressSpace and guarded by that address space's MmLock.
    public sealed class Region
    {
        public ulong Start;
        public ulong End;          // exclusive
        public int Protection;     // Prot bits
        public bool Shared;
        public RamdiskFile File;   // null for anonymous memory
        public ulong FileOffset;   // file offset of Start

        public Region(ulong start, ulong end, int protection, bool shared, RamdiskFile file, ulong fileOffset)
        {
            Start = start;
            End = end;
            Protection = protection;
            Shared = shared;
            File = file;
            FileOffset = fileOffset;
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

        // The part of this region from `at` on, as a new region; this one ends at `at`.
        public Region SplitAt(ulong at)
        {
            var tail = new Region(at, End, Protection, Shared, File, File == null ? 0 : FileOffset + (at - Start));
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

        public Region Clone() => new Region(Start, End, Protection, Shared, File, FileOffset);
    }
}
