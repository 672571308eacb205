using CosmosKernel.Abi;

namespace CosmosKernel.Memory
{
    // A contiguous, page-aligned range of an address space with one protection and
    // one backing: private anonymous (zero-filled on first touch), a MemoryObject
    // (shared anonymous memory or a tree file's pages: shared, its frames are mapped;
    // private, each page is copied on first touch), or a boot module's bytes
    // (RamdiskFile, copied on first touch). Private regions are copy-on-write after
    // fork; shared regions keep the same frames in parent and child.
    //
    // Owned by its AddressSpace and guarded by that address space's MmLock. A region
    // holds one count on its object from its constructor until Drop, which also puts
    // its address space in the object's reverse map (MemoryObject.Mappers).
    public sealed class Region
    {
        public ulong Start;
        public ulong End;          // exclusive
        public int Protection;     // Prot bits
        public bool Shared;
        public RamdiskFile File;   // a boot module's bytes; null otherwise
        public MemoryObject Object; // shared anonymous memory or a file's pages; null otherwise, and after Drop
        public ulong Offset;       // where Start lies in the file or the object
        // A shared file mapping whose file was not open for writing cannot become
        // writable (mprotect: EACCES), as Linux's VM_MAYWRITE.
        public bool MayWrite = true;
        public string Name;        // the file's name for /proc/self/maps; null for anonymous memory
        public readonly AddressSpace Owner; // the address space it is part of

        public Region(AddressSpace owner, ulong start, ulong end, int protection, bool shared, RamdiskFile file,
            MemoryObject memoryObject, ulong offset)
        {
            Owner = owner;
            Start = start;
            End = end;
            Protection = protection;
            Shared = shared;
            File = file;
            Object = memoryObject;
            Offset = offset;
            if (memoryObject != null)
                memoryObject.Retain(owner);
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
            bool backed = File != null || Object != null;
            var tail = new Region(Owner, at, End, Protection, Shared, File, Object, backed ? OffsetOf(at) : 0) { MayWrite = MayWrite, Name = Name };
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

        // The same range and backing in another address space (fork's child).
        public Region CloneInto(AddressSpace owner) => new Region(owner, Start, End, Protection, Shared, File, Object, Offset) { MayWrite = MayWrite, Name = Name };

        // The address space no longer holds this region (its pages are already
        // unmapped): give back the count on the object, once.
        public void Drop()
        {
            if (Object != null)
                Object.Release(Owner);
            Object = null;
        }
    }

    // What a file mapping maps: a boot module's bytes (Module) or a tree file's pages
    // (Pages), and whether the file is open for writing (a shared mapping of it may be
    // writable only then).
    public struct FileBacking
    {
        public RamdiskFile Module;
        public MemoryObject Pages;
        public bool Writable;
        public string Name;
        public ulong Length;   // the file's size when it was looked at

        public bool IsNone => Module == null && Pages == null;

        public static FileBacking Of(RamdiskFile module)
            => new FileBacking { Module = module, Name = module?.Name, Length = module == null ? 0 : module.Length };

        // `count` bytes from `offset` (below Length - count) into kernel memory.
        public unsafe void Read(ulong offset, byte* destination, ulong count)
        {
            if (Module != null)
            {
                for (ulong i = 0; i < count; i++)
                    destination[i] = Module.Data[offset + i];
            }
            else
            {
                Pages.Read(offset, destination, count);
            }
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
