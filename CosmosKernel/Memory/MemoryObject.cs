namespace CosmosKernel.Memory
{
    // Pages of memory that belong to no one address space (Linux's shmem): the memory
    // behind one MAP_SHARED|MAP_ANONYMOUS mapping, and the bytes of one file of the
    // in-memory file tree (FileSystem/FileNode). One frame per page index, made on the
    // first touch (zero-filled), then mapped by every region that maps the object: the
    // original, its copies in forked children, and the pieces munmap and mprotect split
    // it into. Without it each process would fault its own zero page for pages first
    // touched after fork, and a MAP_SHARED file mapping would not see write(2).
    //
    // Sparse: page index -> frame is a radix tree of 512-entry tables kept in frames,
    // as a page table is (one level per 9 bits of index, as many levels as the size
    // needs; tables are made on first touch). A barely touched 64 GiB object costs its
    // touched frames and a few tables, and nothing at mmap time.
    //
    // Ownership: each owner holds one count (Retain, Release): each Region mapping the
    // object (from its constructor until the address space drops it), and a file's
    // node while the file has a name or an open file. A region's count also names its
    // address space: the reverse map (Linux's i_mmap), through which a file that
    // shrinks unmaps its pages past the new end from every mapping (SetLimit).
    // The object holds one reference
    // on each of its frames; each PTE mapping one holds another (MapPage takes it;
    // unmapping the PTE frees it), and so does a file's read or write while it copies
    // (FindPage). The last Release gives back the object's references and its tables,
    // so a frame lives as long as the object or the last user of it, whichever is
    // later. A Retain after that finds an empty object (holes only): no frame is ever
    // used after it was freed.
    //
    // Lock: _lock, a spin lock, guards the tree, _owners, the reverse map and
    // ResidentPages. Taken with the MmLock of some address space mapping the object
    // held, or a file's lock (never released across a sleep); the frame allocator's
    // lock is taken inside it. Order: MmLock or the file's lock -> this ->
    // FrameAllocator. Nothing is allocated from the heap under it (the arrays of the
    // reverse map are made before it is taken).
    public sealed unsafe class MemoryObject
    {
        private const int BitsPerLevel = 9;

        private readonly PhysicalMemory _memory;
        private readonly FrameAllocator _frames;
        private readonly Threading.SpinLock _lock; // Threading's, not System.Threading's
        private readonly int _levels; // 1: up to 512 pages, 2: 256 Ki pages, ...
        private ulong _root;          // the top table's frame; 0 until the first touch
        private int _owners;
        // The reverse map: the address spaces with regions mapping the object (a slot
        // may be empty) and how many regions each has.
        private AddressSpace[] _mappers;
        private int[] _mapperRegions;
        private readonly PageBudget _budget; // what its pages count against (a file's: the file tree's); null: none

        // The most pages the object can ever hold (its index's size).
        public readonly ulong Pages;

        // Pages from this index on lie past the end of the file: a mapping's touch there
        // is SIGBUS (MapPage and CopyPage say BeyondEnd), as Linux's for a file page past
        // EOF. Pages for shared anonymous memory. The file moves it under its own lock,
        // and under _lock, so a fault sees it and the pages together.
        private ulong _limit;

        // Frames holding pages of the object (not counting its tables). Guarded by _lock.
        public long ResidentPages;

        // What MapPage answers for a page at or past Limit.
        public const ulong BeyondEnd = ulong.MaxValue;

        // `limit`: where the file's end is (ulong.MaxValue: `pages`, shared anonymous memory).
        // `budget`: what its pages count against (null: only free memory limits them).
        public MemoryObject(Vmm vmm, ulong pages, ulong limit = ulong.MaxValue, PageBudget budget = null)
        {
            _budget = budget;
            _memory = vmm.Physical;
            _frames = vmm.Frames;
            _lock = new Threading.SpinLock(vmm.Threads, "memory object");
            Pages = pages;
            _limit = limit < pages ? limit : pages;
            _levels = 1;
            while (_levels * BitsPerLevel < 64 && (pages - 1) >> (_levels * BitsPerLevel) != 0)
                _levels++;
        }

        public ulong Limit => System.Threading.Volatile.Read(ref _limit);

        // One more owner: a region of `mapper` (null: the file's node).
        public void Retain(AddressSpace mapper = null)
        {
            while (true)
            {
                _lock.Acquire();
                if (mapper == null || AddMapperLocked(mapper))
                {
                    _owners++;
                    _lock.Release();
                    return;
                }
                int slots = _mappers == null ? 4 : _mappers.Length * 2;
                _lock.Release();
                var mappers = new AddressSpace[slots];
                var regions = new int[slots];
                _lock.Acquire();
                if (_mappers == null || _mappers.Length < slots)
                {
                    for (int i = 0; _mappers != null && i < _mappers.Length; i++)
                    {
                        mappers[i] = _mappers[i];
                        regions[i] = _mapperRegions[i];
                    }
                    _mappers = mappers;
                    _mapperRegions = regions;
                }
                _lock.Release();
            }
        }

        // Count a region of `mapper`; false when the reverse map is full.
        private bool AddMapperLocked(AddressSpace mapper)
        {
            int free = -1;
            for (int i = 0; _mappers != null && i < _mappers.Length; i++)
            {
                if (_mappers[i] == mapper)
                {
                    _mapperRegions[i]++;
                    return true;
                }
                if (_mappers[i] == null && free < 0)
                    free = i;
            }
            if (free < 0)
                return false;
            _mappers[free] = mapper;
            _mapperRegions[free] = 1;
            return true;
        }

        // The address spaces mapping the object now: a copy, whose MmLocks the caller
        // takes after this lock is let go. A space may unmap or end meanwhile; then it
        // has no region of the object left, which the caller finds.
        public AddressSpace[] Mappers()
        {
            while (true)
            {
                _lock.Acquire();
                int slots = _mappers == null ? 0 : _mappers.Length;
                _lock.Release();
                var copy = new AddressSpace[slots];
                _lock.Acquire();
                bool same = (_mappers == null ? 0 : _mappers.Length) == slots;
                for (int i = 0; same && i < slots; i++)
                    copy[i] = _mappers[i];
                _lock.Release();
                if (same)
                    return copy;
            }
        }

        // An owner lets go (a region's PTEs are already gone; `mapper`: its address
        // space, null for the file's node). When no owner is left, nothing can reach the
        // object again, and its frames and tables go.
        public void Release(AddressSpace mapper = null)
        {
            _lock.Acquire();
            for (int i = 0; mapper != null && i < _mappers.Length; i++)
            {
                if (_mappers[i] == mapper)
                {
                    if (--_mapperRegions[i] == 0)
                        _mappers[i] = null;
                    break;
                }
            }
            bool last = --_owners == 0;
            ulong root = _root;
            if (last)
            {
                _root = 0;
                _budget?.GiveBack(ResidentPages);
                ResidentPages = 0;
            }
            _lock.Release();
            if (last && root != 0)
                FreeTable(root, _levels - 1);
        }

        // The frame of page `index` (below Pages), allocated and zeroed on the first
        // touch, with one more reference, which the caller owns (a PTE, or a copy that
        // frees it after). NoFrame when memory ran out (tables made on the way stay for
        // the next try); BeyondEnd at or past Limit, unless `growing` (a file's write,
        // which moves the limit after).
        public ulong MapPage(ulong index, bool growing = false)
        {
            _lock.Acquire();
            ulong frame = !growing && index >= _limit ? BeyondEnd : FindOrAllocate(index);
            if (frame != FrameAllocator.NoFrame && frame != BeyondEnd)
                _frames.AddReference(frame);
            _lock.Release();
            return frame;
        }

        // The frame of page `index` if it has one (with one more reference, which the
        // caller frees), or NoFrame for a hole (it reads as zeros). Never allocates.
        public ulong FindPage(ulong index)
        {
            _lock.Acquire();
            ulong frame = Find(index);
            if (frame != FrameAllocator.NoFrame)
                _frames.AddReference(frame);
            _lock.Release();
            return frame;
        }

        // A private mapping's first touch of page `index`: its bytes into the frame
        // `destination` (zeros for a hole). False at or past Limit (SIGBUS).
        public bool CopyPage(ulong index, ulong destination)
        {
            if (index >= Limit)
                return false;
            ulong frame = FindPage(index);
            if (frame == FrameAllocator.NoFrame)
            {
                _memory.Zero(destination, Paging.PageSize);
                return true;
            }
            _memory.Copy(destination, frame, Paging.PageSize);
            _frames.Free(frame);
            return true;
        }

        // A file's size changed: pages from `limit` on are past its end. When it shrank,
        // the object drops its pages from there, and every mapping of them unmaps them
        // (private copies too), so a touch there is SIGBUS, as on Linux. Called with the
        // file's lock held: no write moves the limit meanwhile.
        public void SetLimit(ulong limit)
        {
            ulong old = Limit;
            DropPagesFrom(limit);
            if (limit >= old)
                return;
            AddressSpace[] mappers = Mappers();
            for (int i = 0; i < mappers.Length; i++)
                mappers[i]?.UnmapObjectPagesFrom(this, limit);
        }

        private void DropPagesFrom(ulong limit)
        {
            _lock.Acquire();
            ulong old = _limit;
            System.Threading.Volatile.Write(ref _limit, limit);
            ulong index = limit;
            while (index < old && index < Pages)
            {
                ulong* slot = SlotOf(index);
                if (slot == null)
                {
                    index = (index | (ulong)(Paging.EntriesPerTable - 1)) + 1; // no table for these 512
                    continue;
                }
                if (*slot != 0)
                {
                    _frames.Free(*slot);
                    *slot = 0;
                    ResidentPages--;
                    _budget?.GiveBack(1);
                }
                index++;
            }
            _lock.Release();
        }

        // `count` bytes from `offset` into kernel memory (zeros for holes): what exec
        // reads of an ELF file's headers.
        public void Read(ulong offset, byte* destination, ulong count)
        {
            for (ulong done = 0; done < count; )
            {
                ulong at = offset + done;
                ulong inPage = at & Paging.PageMask;
                ulong chunk = Paging.PageSize - inPage < count - done ? Paging.PageSize - inPage : count - done;
                ulong frame = FindPage(at >> Paging.PageShift);
                byte* source = frame == FrameAllocator.NoFrame ? null : _memory.Map(frame) + inPage;
                for (ulong i = 0; i < chunk; i++)
                    destination[done + i] = source == null ? (byte)0 : source[i];
                if (frame != FrameAllocator.NoFrame)
                    _frames.Free(frame);
                done += chunk;
            }
        }

        private ulong Find(ulong index)
        {
            ulong* slot = SlotOf(index);
            return slot == null || *slot == 0 ? FrameAllocator.NoFrame : *slot;
        }

        // The last level's entry for `index`, or null where a table is missing.
        private ulong* SlotOf(ulong index)
        {
            if (_root == 0 || index >= Pages)
                return null;
            ulong* table = _memory.MapTable(_root);
            for (int level = _levels - 1; ; level--)
            {
                ulong* slot = &table[(index >> (level * BitsPerLevel)) & (Paging.EntriesPerTable - 1)];
                if (level == 0)
                    return slot;
                if (*slot == 0)
                    return null;
                table = _memory.MapTable(*slot);
            }
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
                    if (level == 0 && _budget != null && !_budget.TryTake())
                        return FrameAllocator.NoFrame; // the group's pages are all taken
                    ulong frame = _frames.Allocate(zero: true);
                    if (frame == FrameAllocator.NoFrame)
                    {
                        if (level == 0)
                            _budget?.GiveBack(1);
                        return FrameAllocator.NoFrame;
                    }
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
