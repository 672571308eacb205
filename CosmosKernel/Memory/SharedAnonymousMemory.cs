namespace CosmosKernel.Memory
{
    // The memory behind one MAP_SHARED|MAP_ANONYMOUS mapping (Linux's shmem object):
    // one frame per page index, zero-filled on the first touch by any process, then
    // mapped by every region that maps the object: the original, its copies in forked
    // children, and the pieces munmap and mprotect split it into. Without it each
    // process would fault its own zero page for pages first touched after fork, and
    // the mapping would not be shared at all.
    //
    // Sparse: page index -> frame is a radix tree of 512-entry tables kept in frames,
    // as a page table is (one level per 9 bits of index, as many levels as the size
    // needs; tables are made on first touch). A barely touched 64 GiB object costs its
    // touched frames and a few tables, and nothing at mmap time.
    //
    // Ownership: each Region mapping the object holds one count on it (Retain in the
    // Region's constructor, Release when the address space drops the region). The
    // object holds one reference on each of its frames; each PTE mapping one holds
    // another (MapPage takes it; unmapping the PTE frees it). The last Release gives
    // back the object's references and its tables, so a frame lives as long as the
    // object or the last PTE mapping it, whichever is later.
    //
    // Lock: _lock, a spin lock, guards the tree and _regions. Taken with the MmLock of
    // some address space mapping the object held (never released across a sleep); the
    // frame allocator's lock is taken inside it. Order: MmLock -> this -> FrameAllocator.
    public sealed unsafe class SharedAnonymousMemory
    {
        private const int BitsPerLevel = 9;

        private readonly PhysicalMemory _memory;
        private readonly FrameAllocator _frames;
        private readonly Threading.SpinLock _lock; // Threading's, not System.Threading's
        private readonly int _levels; // 1: up to 512 pages, 2: 256 Ki pages, ...
        private ulong _root;          // the top table's frame; 0 until the first touch
        private int _regions;

        public readonly ulong Pages;

        // Frames holding pages of the object (not counting its tables). Guarded by _lock.
        public long ResidentPages;

        public SharedAnonymousMemory(Vmm vmm, ulong pages)
        {
            _memory = vmm.Physical;
            _frames = vmm.Frames;
            _lock = new Threading.SpinLock(vmm.Threads, "shared anonymous memory");
            Pages = pages;
            _levels = 1;
            while (_levels * BitsPerLevel < 64 && (pages - 1) >> (_levels * BitsPerLevel) != 0)
                _levels++;
        }

        public void Retain()
        {
            _lock.Acquire();
            _regions++;
            _lock.Release();
        }

        // A region stops mapping the object. Its PTEs are already gone; when no region
        // is left, nothing can map the object again, and its frames and tables go.
        public void Release()
        {
            _lock.Acquire();
            bool last = --_regions == 0;
            ulong root = _root;
            if (last)
            {
                _root = 0;
                ResidentPages = 0;
            }
            _lock.Release();
            if (last && root != 0)
                FreeTable(root, _levels - 1);
        }

        // The frame of page `index` (below Pages), allocated and zeroed on the first
        // touch, with one more reference, which the caller's PTE owns. NoFrame when
        // memory ran out (tables made on the way stay for the next try).
        public ulong MapPage(ulong index)
        {
            _lock.Acquire();
            ulong frame = FindOrAllocate(index);
            if (frame != FrameAllocator.NoFrame)
                _frames.AddReference(frame);
            _lock.Release();
            return frame;
        }

        private ulong FindOrAllocate(ulong index)
        {
            if (_root == 0 && (_root = _frames.Allocate(zero: true)) == FrameAllocator.NoFrame)
                return FrameAllocator.NoFrame;
            ulong* table = _memory.MapTable(_root);
            for (int level = _levels - 1; ; level--)
            {
                ulong* slot = &table[(index >> (level * BitsPerLevel)) & (Paging.EntriesPerTable - 1)];
                if (*slot == 0)
                {
                    // A new table below, or on the last level the page itself: zeroed
                    // either way (an empty table; the page's first contents).
                    ulong frame = _frames.Allocate(zero: true);
                    if (frame == FrameAllocator.NoFrame)
                        return FrameAllocator.NoFrame;
                    *slot = frame;
                    if (level == 0)
                        ResidentPages++;
                }
                if (level == 0)
                    return *slot;
                table = _memory.MapTable(*slot);
            }
        }

        // Drop the object's reference on every frame under `table`, then the table.
        private void FreeTable(ulong table, int level)
        {
            ulong* entries = _memory.MapTable(table);
            for (int i = 0; i < Paging.EntriesPerTable; i++)
            {
                if (entries[i] == 0)
                    continue;
                if (level == 0)
                    _frames.Free(entries[i]);
                else
                    FreeTable(entries[i], level - 1);
            }
            _frames.Free(table);
        }
    }
}
