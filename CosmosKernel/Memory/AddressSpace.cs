using CosmosKernel.Threading;

using CosmosKernel.Abi;

namespace CosmosKernel.Memory
{
    // A process's address space: its regions, its page table (sharing the kernel half)
    // and its locks. Implements mmap, munmap, mprotect, fork's copy-on-write clone and
    // page-fault resolution with Linux semantics and errnos.
    //
    // Locks, in the order they are taken (outermost first):
    //   1. PageLocks: per page, FIFO; several only in ascending address order.
    //   2. MmLock: a FIFO reader-writer lock guarding _regions and the user half of
    //      Table. Writers (mmap, munmap, mprotect, fork, teardown) change regions and
    //      any PTE, alone. Readers (page faults, the copies' fault-ins and page
    //      locking) only read the regions and fill in or upgrade PTEs, under
    //      _pageTableLock: threads in different areas of the process fault in
    //      parallel, as with Linux's mmap_lock taken for reading. munmap, mprotect and
    //      fork drop it while they wait for a page lock, then retake it and look again.
    //   3. a MemoryObject's spin lock: its page index and owner count. Taken
    //      under the MmLock of any space mapping the object (faults, region copies,
    //      splits and drops), or under a file's lock (FileNode's reads and writes);
    //      several spaces' MmLocks may each take it, never two objects' locks at once.
    //   4. _pageTableLock: a spin lock (Linux's page_table_lock) that readers of MmLock
    //      take to make a page table, to install a PTE or to change one (each rechecks
    //      the entry it read first: another reader may have got there), and the pin
    //      strategy takes to read a PTE and take a reference on its frame at once.
    //      Writers of MmLock need not take it (no reader runs), except to make tables.
    //   5. leaf locks: FrameAllocator, PageLockTable's slot table.
    // A page loaded from a file is read with MmLock released (HandleFault,
    // HandleFaultLoadingUnlocked): a slow backing store holds up only the faulting
    // thread, as Linux's fault retry drops mmap_lock for I/O. Only a caller that must
    // keep MmLock (the mmlock strategy) loads under it.
    // TLB entries are shot down (Vmm.Tlb) after every PTE is weakened and before the
    // frame it pointed to is freed.
    public sealed unsafe class AddressSpace
    {
        public readonly int Id;
        public readonly PageTable Table;
        public readonly FifoRwLock MmLock;
        private readonly Threading.SpinLock _pageTableLock;
        public readonly PageLockTable PageLocks;
        private readonly Vmm _vmm;
        private readonly RegionSet _regions = new RegionSet();

        // Statistics, counted atomically (faults run in parallel under MmLock read).
        public long DemandZeroFaults;
        public long FileLoadFaults;
        public long CopyOnWriteCopies;
        public long CopyOnWriteReuses;
        public long PageLockWaits;

        private AddressSpace(Vmm vmm, PageTable table)
        {
            _vmm = vmm;
            Id = vmm.NextSpaceId();
            Table = table;
            MmLock = new FifoRwLock(vmm.Threads, vmm.WaitQueueCapacity, "mm lock");
            _pageTableLock = new Threading.SpinLock(vmm.Threads, "page table");
            PageLocks = new PageLockTable(vmm.Threads, vmm.PageLockSlots, vmm.WaitQueueCapacity);
        }

        public Vmm Vmm => _vmm;

        // Null when no frame is left for the page table.
        public static AddressSpace Create(Vmm vmm)
        {
            PageTable table = PageTable.Create(vmm.Physical, vmm.Frames, vmm.KernelTable);
            return table == null ? null : new AddressSpace(vmm, table);
        }

        public int RegionCount => _regions.Count;

        // The regions as they are now, copied under MmLock (read): /proc/self/maps (the
        // caller checks that the heap has room for RegionCount of them).
        public RegionView[] DescribeRegions()
        {
            MmLock.LockRead();
            int count = _regions.Count;
            var views = new RegionView[count];
            for (int i = 0; i < count; i++)
            {
                Region region = _regions[i];
                views[i] = new RegionView
                {
                    Start = region.Start, End = region.End, Protection = region.Protection, Shared = region.Shared,
                    Offset = region.Name != null ? region.Offset : 0, FileName = region.Name,
                };
            }
            MmLock.UnlockRead();
            return views;
        }

        // At most this many regions per address space (Linux's default vm.max_map_count).
        public const int MaxRegions = 65530;

        // ---- mmap ------------------------------------------------------------------

        // Returns the mapped address, or a negative errno. The checks follow Linux
        // x86-64 6.1's order (sys_mmap, ksys_mmap_pgoff, do_mmap) where programs can
        // tell: the offset first, the file, the length, the address, then what
        // depends on the backing. (Linux finds MAP_FIXED_NOREPLACE's EEXIST and a
        // missing gap before the last group; we do those under MmLock, after it.)
        public long Map(ulong address, ulong length, int protection, int flags, RamdiskFile file, ulong fileOffset)
            => Map(address, length, protection, flags, FileBacking.Of(file), fileOffset);

        public long Map(ulong address, ulong length, int protection, int flags, FileBacking file, ulong fileOffset)
        {
            if (!Paging.IsPageAligned(fileOffset))
                return -Errno.EINVAL; // x86's mmap checks this first, for anonymous mappings too
            bool anonymous = (flags & MapFlags.Anonymous) != 0;
            if (anonymous)
            {
                file = default;
                fileOffset = 0;
            }
            else if (file.IsNone)
            {
                return -Errno.EBADF;
            }
            if (length == 0 || (protection & ~Prot.All) != 0)
                return -Errno.EINVAL;
            ulong size = Paging.PageUp(length);
            if (size == 0 || size > Paging.UserSpaceEnd)
                return -Errno.ENOMEM;
            bool fixedAddress = (flags & (MapFlags.Fixed | MapFlags.FixedNoReplace)) != 0;
            if (fixedAddress)
            {
                if (!Paging.IsPageAligned(address))
                    return -Errno.EINVAL;
                if (address + size < address || address + size > Paging.UserSpaceEnd)
                    return -Errno.ENOMEM;
                if (address < Paging.UserSpaceStart)
                    return -Errno.EPERM;
            }
            if (!file.IsNone && !RamdiskFile.CanMap(fileOffset, size))
                return -Errno.EOVERFLOW;
            // As Linux: the type is MAP_SHARED, MAP_PRIVATE or MAP_SHARED_VALIDATE; other
            // unknown flags are ignored, except under MAP_SHARED_VALIDATE.
            int type = flags & MapFlags.TypeMask;
            if (type == MapFlags.SharedValidate && (flags & ~MapFlags.Known) != 0)
                return -Errno.EOPNOTSUPP;
            if (type == 0)
                return -Errno.EINVAL;
            bool shared = type != MapFlags.Private;
            if (!file.IsNone && shared && !file.Writable && (protection & Prot.Write) != 0)
                return -Errno.EACCES; // the file is not open for writing (a boot module's bytes never are)

            MmLock.LockWrite();
            // Linux's vm.max_map_count: a process cannot fill the kernel with regions.
            if (_regions.Count >= MaxRegions)
            {
                MmLock.UnlockWrite();
                return -Errno.ENOMEM;
            }
            ulong start;
            if (fixedAddress)
            {
                if ((flags & MapFlags.FixedNoReplace) != 0 && _regions.Overlaps(address, address + size))
                {
                    MmLock.UnlockWrite();
                    return -Errno.EEXIST;
                }
                UnmapLocked(address, address + size);
                start = address;
            }
            else
            {
                start = FindGapFor(address, size);
                if (start == 0)
                {
                    MmLock.UnlockWrite();
                    return -Errno.ENOMEM;
                }
            }
            // Shared anonymous memory gets its object now (no frame yet: pages come on
            // first touch); the region's count is its only owner so far.
            MemoryObject memoryObject = shared && anonymous ? new MemoryObject(_vmm, size >> Paging.PageShift) : file.Pages;
            _regions.Insert(new Region(this, start, start + size, protection, shared, file.Module, memoryObject, fileOffset)
            {
                MayWrite = !shared || anonymous || file.Writable,
                Name = file.Name,
            });
            MmLock.UnlockWrite();
            return (long)start;
        }

        // ---- munmap ----------------------------------------------------------------

        public int Unmap(ulong address, ulong length)
        {
            if (!Paging.IsPageAligned(address) || length == 0)
                return -Errno.EINVAL;
            ulong size = Paging.PageUp(length);
            if (size == 0 || address + size < address || address + size > Paging.UserSpaceEnd)
                return -Errno.EINVAL;
            ulong end = address + size;
            MmLock.LockWrite();
            WaitForCopyLockedPages(address, end);
            if (!_regions.Overlaps(address, end))
            {
                MmLock.UnlockWrite();
                return 0;
            }
            // The regions leave the set under the write lock; their pages go back under
            // the read lock (Linux downgrades mmap_lock the same way): no fault can map
            // a page there any more (it finds no region), while faults elsewhere in the
            // process go on during the frees and the shootdown. A new mapping there
            // waits for the writer's turn, after the pages are gone.
            _regions.SplitAround(address, end);
            int first = _regions.IndexOfFirstEndingAfter(address);
            int count = 0;
            while (first + count < _regions.Count && _regions[first + count].Start < end)
                count++;
            var detached = new Region[count];
            for (int i = 0; i < count; i++)
            {
                detached[i] = _regions[first];
                _regions.RemoveAt(first);
            }
            MmLock.Downgrade();
            ulong* frames = stackalloc ulong[ReleaseBatchPages];
            int pending = 0;
            for (int i = 0; i < count; i++)
                ClearPages(detached[i].Start, detached[i].End, frames, ref pending);
            MmLock.UnlockRead();
            // The last batch's frames are in no page table and, after the shootdown, in
            // no TLB: nobody can reach them, so they go back without MmLock. Freeing
            // poisons each frame (4 KiB of writes); 256 pages took about a millisecond
            // under QEMU, during which the other threads' mmap and munmap waited.
            FreeFrames(frames, pending);
            for (int i = 0; i < count; i++)
                detached[i].Drop();
            return 0;
        }

        // ---- madvise -------------------------------------------------------------

        // madvise(address, length, advice), Linux's checks: EINVAL for an unaligned
        // address or an unknown advice, 0 for a zero length; the hints change nothing;
        // DONTNEED and FREE drop the pages of [address, address + length) that are
        // mapped (a copy holding one is waited for, as munmap waits), and the regions
        // stay: the next touch faults in a zero page, the file's page, or the shared
        // object's. ENOMEM if part of the range has no mapping (after the rest is done).
        public int Advise(ulong address, ulong length, int advice)
        {
            if (!Paging.IsPageAligned(address))
                return -Errno.EINVAL;
            bool drop = advice == Madvise.Dontneed || advice == Madvise.Free;
            if (!drop && advice != Madvise.Normal && advice != Madvise.Random && advice != Madvise.Sequential
                && advice != Madvise.Willneed && advice != Madvise.Hugepage && advice != Madvise.Nohugepage
                && advice != Madvise.Dontdump && advice != Madvise.Dodump)
                return -Errno.EINVAL;
            if (length == 0)
                return 0;
            ulong size = Paging.PageUp(length);
            if (size == 0 || address + size < address)
                return -Errno.EINVAL;
            ulong end = address + size; // past user space: no mapping there, ENOMEM
            if (drop)
                MmLock.LockWrite();
            else
                MmLock.LockRead();
            if (drop)
                WaitForCopyLockedPages(address, end);
            ulong covered = address; // the range is mapped up to here
            bool hole = false;
            ulong* frames = stackalloc ulong[ReleaseBatchPages];
            int pending = 0;
            for (int i = _regions.IndexOfFirstEndingAfter(address); i < _regions.Count && _regions[i].Start < end; i++)
            {
                Region region = _regions[i];
                hole |= region.Start > covered;
                ulong from = region.Start > address ? region.Start : address;
                ulong to = region.End < end ? region.End : end;
                if (drop)
                    ClearPages(from, to, frames, ref pending);
                covered = to;
            }
            hole |= covered < end;
            if (drop)
                MmLock.UnlockWrite();
            else
                MmLock.UnlockRead();
            FreeFrames(frames, pending); // shot down already: nobody reaches them
            return hole ? -Errno.ENOMEM : 0;
        }

        // ---- mremap --------------------------------------------------------------

        // mremap(address, oldLength, newLength, flags, newAddress) with Linux 6.1's
        // checks in its order (mm/mremap.c), which programs can observe: the flags, the
        // address's alignment, a zero new length (EINVAL); no mapping at the address
        // (EFAULT); then a shrink unmaps the tail in place; a growth extends the mapping
        // in place when [address, address + oldLength) ends where its mapping ends and
        // nothing lies after it, else (MREMAP_MAYMOVE) moves it, else ENOMEM.
        // MREMAP_FIXED moves it to newAddress (unmapping what was there),
        // MREMAP_DONTUNMAP moves the pages and leaves the old range mapped and empty.
        // An old length of 0 on a shared mapping makes a second mapping of the same
        // pages (Linux's "duplicate"); on a private one it is EINVAL.
        //
        // A move takes the page-table entries along (the frames, their reference
        // counts, copy-on-write state and dirty bits do not change) and shoots the old
        // range down: the bytes are never copied. Pages a user copy holds locked are
        // waited for first, as munmap waits (their unlock finds them where they were).
        public long Remap(ulong address, ulong oldLength, ulong newLength, ulong flags, ulong newAddress)
        {
            bool mayMove = (flags & MremapFlags.MayMove) != 0;
            bool fixedAddress = (flags & MremapFlags.Fixed) != 0;
            bool keepOld = (flags & MremapFlags.DontUnmap) != 0;
            if ((flags & ~MremapFlags.Known) != 0 || (fixedAddress && !mayMove))
                return -Errno.EINVAL;
            if (keepOld && (!mayMove || oldLength != newLength))
                return -Errno.EINVAL;
            if (!Paging.IsPageAligned(address))
                return -Errno.EINVAL;
            ulong oldSize = Paging.PageUp(oldLength); // wraps to 0 as Linux's PAGE_ALIGN
            ulong newSize = Paging.PageUp(newLength);
            if (newSize == 0)
                return -Errno.EINVAL;
            MmLock.LockWrite();
            // Wait for copy-locked pages in both ranges first; everything after runs
            // with MmLock held throughout, so no page gets copy-locked meanwhile.
            ulong targetStart = Paging.PageDown(newAddress);
            while (true)
            {
                WaitForCopyLockedPages(address, Clamp(address, oldSize));
                if (!fixedAddress || SkipPageLockWaitsForTesting || FindCopyLockedPage(targetStart, Clamp(targetStart, newSize)) == 0)
                    break;
                WaitForCopyLockedPages(targetStart, Clamp(targetStart, newSize)); // dropped MmLock: look at both again
            }
            long result = RemapLocked(address, oldSize, newSize, mayMove, fixedAddress, keepOld, newAddress);
            MmLock.UnlockWrite();
            return result;
        }

        // The end of [start, start + size) cut at the end of user space (no wrap).
        private static ulong Clamp(ulong start, ulong size)
        {
            if (start >= Paging.UserSpaceEnd)
                return start;
            return size > Paging.UserSpaceEnd - start ? Paging.UserSpaceEnd : start + size;
        }

        private long RemapLocked(ulong address, ulong oldSize, ulong newSize, bool mayMove, bool fixedAddress, bool keepOld, ulong newAddress)
        {
            if (_regions.Find(address) == null)
                return -Errno.EFAULT;
            if (fixedAddress || keepOld)
            {
                // Linux's mremap_to: the target's checks, then the target cleared and
                // the old range cut to the new length, then the move.
                if (!Paging.IsPageAligned(newAddress))
                    return -Errno.EINVAL;
                if (newSize > Paging.UserSpaceEnd || newAddress > Paging.UserSpaceEnd - newSize)
                    return -Errno.EINVAL;
                if (address + oldSize > newAddress && newAddress + newSize > address)
                    return -Errno.EINVAL; // the two ranges overlap
                if (_regions.Count + 2 >= MaxRegions - 3)
                    return -Errno.ENOMEM;
                if (fixedAddress && newAddress < Paging.UserSpaceStart)
                    return -Errno.EPERM; // as mmap's MAP_FIXED there
                if (fixedAddress)
                    UnmapLocked(newAddress, newAddress + newSize);
                if (oldSize > newSize)
                {
                    UnmapLocked(address + newSize, Clamp(address, oldSize));
                    oldSize = newSize;
                }
                long error = CheckResize(address, oldSize, newSize, keepOld, out Region region);
                if (error != 0)
                    return error;
                ulong target = fixedAddress ? newAddress : FindGapFor(newAddress, newSize);
                return target == 0 ? -Errno.ENOMEM : Move(region, address, oldSize, target, newSize, keepOld);
            }
            if (oldSize >= newSize)
            {
                // Shrinking (or the same length): the tail goes as munmap would take it.
                if (oldSize > newSize)
                {
                    ulong end = address + oldSize;
                    if (end < address || end > Paging.UserSpaceEnd)
                        return -Errno.EINVAL; // munmap's check
                    UnmapLocked(address + newSize, end);
                }
                return (long)address;
            }
            long check = CheckResize(address, oldSize, newSize, false, out Region grown);
            if (check != 0)
                return check;
            ulong newEnd = address + newSize;
            if (address + oldSize == grown.End && newEnd > address && newEnd <= Paging.UserSpaceEnd
                && !_regions.Overlaps(grown.End, newEnd))
            {
                grown.End = newEnd; // grows in place: the new pages fault in as the rest do
                return (long)address;
            }
            if (!mayMove)
                return -Errno.ENOMEM;
            if (_regions.Count + 2 >= MaxRegions - 3)
                return -Errno.ENOMEM;
            ulong moved = FindGapFor(0, newSize);
            return moved == 0 ? -Errno.ENOMEM : Move(grown, address, oldSize, moved, newSize, false);
        }

        // Linux's vma_to_resize: the mapping at `address` must hold the whole old range.
        private long CheckResize(ulong address, ulong oldSize, ulong newSize, bool keepOld, out Region region)
        {
            region = _regions.Find(address);
            if (region == null)
                return -Errno.EFAULT;
            if (oldSize == 0 && !region.Shared)
                return -Errno.EINVAL; // a "duplicate" of private memory would share nothing
            if (oldSize > region.End - address)
                return -Errno.EFAULT; // the range runs past its mapping
            if (newSize != oldSize && (region.File != null || region.Object != null)
                && region.OffsetOf(address) + newSize < region.OffsetOf(address))
                return -Errno.EINVAL; // the file offset would wrap
            return 0;
        }

        private ulong FindGapFor(ulong hint, ulong size)
        {
            ulong start = _regions.FindGap(Paging.PageDown(hint), size, Paging.UserSpaceStart, Paging.UserSpaceEnd);
            if (start == 0 && hint != 0)
                start = _regions.FindGap(Paging.UserSpaceStart, size, Paging.UserSpaceStart, Paging.UserSpaceEnd);
            return start;
        }

        // Move the pages of [address, address + oldSize) (all in `region`) to a new
        // region [target, target + newSize) with the same backing and protection, then
        // drop the old range (unless keepOld). The target range is free.
        private long Move(Region region, ulong address, ulong oldSize, ulong target, ulong newSize, bool keepOld)
        {
            bool backed = region.File != null || region.Object != null;
            var moved = new Region(this, target, target + newSize, region.Protection, region.Shared, region.File, region.Object,
                backed ? region.OffsetOf(address) : 0) { MayWrite = region.MayWrite, Name = region.Name };
            ulong end = address + oldSize;
            // The target's page tables first, so that running out of memory changes nothing.
            ulong page = address;
            ulong* entry;
            for (; Table.NextMapped(ref page, end) != null; page += Paging.PageSize)
            {
                if (Table.Walk(target + (page - address), create: true) == null)
                {
                    moved.Drop();
                    return -Errno.ENOMEM;
                }
            }
            bool any = false;
            page = address;
            for (; (entry = Table.NextMapped(ref page, end)) != null; page += Paging.PageSize)
            {
                SharedAccess.Before();
                ulong old = (ulong)System.Threading.Interlocked.Exchange(ref *(long*)entry, 0);
                ulong* destination = Table.Walk(target + (page - address), create: false);
                SharedAccess.Before();
                *destination = old;
                any = true;
            }
            if (any)
                _vmm.Tlb.InvalidateRange(this, address, end); // before anyone may reuse the old range
            if (!keepOld && oldSize > 0)
                UnmapLocked(address, end); // its pages are gone already: only the region goes
            _regions.Insert(moved);
            return (long)target;
        }

        // Called with MmLock held for writing; may drop and retake it while waiting for
        // page locks.
        private void UnmapLocked(ulong start, ulong end)
        {
            WaitForCopyLockedPages(start, end);
            if (!_regions.Overlaps(start, end))
                return;
            _regions.SplitAround(start, end);
            int index = _regions.IndexOfFirstEndingAfter(start);
            while (index < _regions.Count && _regions[index].Start < end)
                RemoveRegion(index);
        }

        // Unmap a region's pages, then forget it (with MmLock held). Pages first: the
        // region's count may be the last on a shared object, which then frees its frames.
        private void RemoveRegion(int index)
        {
            Region region = _regions[index];
            ReleasePages(region.Start, region.End);
            _regions.RemoveAt(index);
            region.Drop();
        }

        // Unmap every page in [start, end): clear the PTEs, shoot the TLB entries down,
        // then free the frames (in that order: no CPU may still reach a freed frame).
        // In batches of up to 512 mapped pages (2 MiB; 4 KiB of frame numbers on the
        // kernel stack), with one shootdown per batch covering the batch's first to last
        // page: each shootdown interrupts every other CPU running this address space
        // (docs/benchmarks.md measured 256 per-page shootdowns to 3 busy CPUs at over a
        // second under QEMU; a thread's munmap of 1 MiB cost four rounds with batches of
        // 64, one now). Only pages that hold something are visited
        // (PageTable.NextMapped skips missing tables), so an untouched part of the
        // range costs nothing.
        private const int ReleaseBatchPages = 512;

        private void ReleasePages(ulong start, ulong end)
        {
            ulong* frames = stackalloc ulong[ReleaseBatchPages];
            int count = 0;
            ClearPages(start, end, frames, ref count);
            FreeFrames(frames, count);
        }

        // Clear the PTEs of [start, end) and shoot them down; their frames are added to
        // frames[count..] for the caller to free once it likes (every one of them was
        // shot down already). When the buffer is full, the batch is freed here.
        private void ClearPages(ulong start, ulong end, ulong* frames, ref int count)
        {
            ulong page = start;
            while (true)
            {
                int begun = count;
                bool anyPresent = false;
                ulong first = 0, last = 0;
                ulong* entry;
                while (count < ReleaseBatchPages && (entry = Table.NextMapped(ref page, end)) != null)
                {
                    SharedAccess.Before();
                    ulong old = (ulong)System.Threading.Interlocked.Exchange(ref *(long*)entry, 0);
                    if (count == begun)
                        first = page;
                    last = page;
                    anyPresent |= Pte.IsPresent(old);
                    frames[count++] = Pte.Frame(old);
                    page += Paging.PageSize;
                }
                if (anyPresent)
                    _vmm.Tlb.InvalidateRange(this, first, last + Paging.PageSize);
                if (count < ReleaseBatchPages)
                    return; // the range is done
                FreeFrames(frames, count);
                count = 0;
            }
        }

        private void FreeFrames(ulong* frames, int count)
        {
            for (int i = 0; i < count; i++)
                _vmm.Frames.Free(frames[i]);
        }

        // Wait (dropping MmLock) until no page in [start, end) is locked by a user copy.
        // Called with MmLock held for writing; returns with it held and the range free of
        // copy locks.
        // The race tests' negative control: munmap, mprotect and fork no longer wait for
        // the page locks of a copy in progress (the simulator must catch it).
        public bool SkipPageLockWaitsForTesting;

        private void WaitForCopyLockedPages(ulong start, ulong end)
        {
            if (SkipPageLockWaitsForTesting)
                return;
            while (true)
            {
                ulong locked = FindCopyLockedPage(start, end);
                if (locked == 0)
                    return;
                System.Threading.Interlocked.Increment(ref PageLockWaits);
                MmLock.UnlockWrite();
                PageLocks.WaitUntilUnlocked(locked);
                MmLock.LockWrite();
            }
        }

        private ulong FindCopyLockedPage(ulong start, ulong end)
        {
            int index = _regions.IndexOfFirstEndingAfter(start);
            for (; index < _regions.Count && _regions[index].Start < end; index++)
            {
                Region region = _regions[index];
                ulong page = region.Start > start ? region.Start : start;
                ulong to = region.End < end ? region.End : end;
                ulong* entry;
                for (; (entry = Table.NextMapped(ref page, to)) != null; page += Paging.PageSize)
                {
                    SharedAccess.Before();
                    if ((*entry & Pte.CopyLocked) != 0)
                        return page;
                }
            }
            return 0;
        }

        // ---- a file that shrank ----------------------------------------------------

        // The object's pages from `index` on lie past its file's end now: unmap them in
        // every region of this space that maps the object, shared or private (a private
        // copy of such a page goes too, as Linux's truncate: unmap_mapping_range with
        // even_cows), so the next touch faults and gets SIGBUS. Pages a user copy holds
        // locked are waited for first, as munmap waits. MemoryObject.SetLimit calls it
        // with the file's lock held, which comes before MmLock.
        public void UnmapObjectPagesFrom(MemoryObject memoryObject, ulong index)
        {
            MmLock.LockWrite();
            while (!SkipPageLockWaitsForTesting)
            {
                ulong locked = 0;
                for (int i = 0; i < _regions.Count && locked == 0; i++)
                    if (ObjectPagesFrom(_regions[i], memoryObject, index, out ulong from))
                        locked = FindCopyLockedPage(from, _regions[i].End);
                if (locked == 0)
                    break;
                System.Threading.Interlocked.Increment(ref PageLockWaits);
                MmLock.UnlockWrite();
                PageLocks.WaitUntilUnlocked(locked);
                MmLock.LockWrite(); // the regions may have changed: look again
            }
            ulong* frames = stackalloc ulong[ReleaseBatchPages];
            int pending = 0;
            for (int i = 0; i < _regions.Count; i++)
                if (ObjectPagesFrom(_regions[i], memoryObject, index, out ulong from))
                    ClearPages(from, _regions[i].End, frames, ref pending);
            MmLock.UnlockWrite();
            FreeFrames(frames, pending); // shot down already
        }

        // Whether `region` maps pages of `memoryObject` from `index` on, and from which
        // address.
        private static bool ObjectPagesFrom(Region region, MemoryObject memoryObject, ulong index, out ulong from)
        {
            from = 0;
            if (region.Object != memoryObject)
                return false;
            ulong first = region.Offset >> Paging.PageShift;
            if (first + (region.Length >> Paging.PageShift) <= index)
                return false;
            from = index <= first ? region.Start : region.Start + ((index - first) << Paging.PageShift);
            return true;
        }

        // ---- mprotect --------------------------------------------------------------

        // protection is the syscall's unsigned long: bits above 31 are unknown bits too.
        // The checks come in Linux's order (6.1, mm/mprotect.c do_mprotect_pkey), which
        // programs can observe: both grow bits, alignment, a zero length (success
        // whatever the protection), a wrapping end, then the protection bits.
        public int Protect(ulong address, ulong length, long protection)
        {
            long grows = protection & (Prot.GrowsDown | Prot.GrowsUp);
            if (grows == (Prot.GrowsDown | Prot.GrowsUp))
                return -Errno.EINVAL;
            if (!Paging.IsPageAligned(address))
                return -Errno.EINVAL;
            if (length == 0)
                return 0;
            ulong size = Paging.PageUp(length);
            if (size == 0 || address + size <= address)
                return -Errno.ENOMEM;
            // PROT_SEM is accepted and means nothing on x86 (arch_validate_prot).
            if ((protection & ~(Prot.All | Prot.Sem | Prot.GrowsDown | Prot.GrowsUp)) != 0)
                return -Errno.EINVAL;
            ulong end = address + size;
            if (grows != 0)
                return GrowsError(address, end, grows);
            if (end > Paging.UserSpaceEnd)
                return -Errno.ENOMEM; // no region reaches there
            MmLock.LockWrite();
            WaitForCopyLockedPages(address, end);
            if (!_regions.FullyMapped(address, end))
            {
                MmLock.UnlockWrite();
                return -Errno.ENOMEM;
            }
            for (int i = _regions.IndexOfFirstEndingAfter(address); i < _regions.Count && _regions[i].Start < end; i++)
            {
                Region region = _regions[i];
                if (region.Shared && !region.MayWrite && (protection & Prot.Write) != 0)
                {
                    MmLock.UnlockWrite();
                    return -Errno.EACCES;
                }
            }
            _regions.SplitAround(address, end);
            for (int i = _regions.IndexOfFirstEndingAfter(address); i < _regions.Count && _regions[i].Start < end; i++)
            {
                Region region = _regions[i];
                region.Protection = (int)(protection & Prot.All);
                ulong page = region.Start;
                ulong* entry;
                for (; (entry = Table.NextMapped(ref page, region.End)) != null; page += Paging.PageSize)
                    ReprotectPage(region, page, entry);
            }
            MmLock.UnlockWrite();
            return 0;
        }

        // mprotect with PROT_GROWSDOWN or PROT_GROWSUP extends the change to the start or
        // end of a stack-like region that grows that way. We have none (MAP_GROWSDOWN is
        // ignored; x86 has no grows-up regions), so the answer is Linux's for a region
        // that does not grow: EINVAL if the first region at or above the address
        // qualifies, ENOMEM if there is none.
        private int GrowsError(ulong address, ulong end, long grows)
        {
            MmLock.LockRead();
            int index = _regions.IndexOfFirstEndingAfter(address);
            ulong first = index < _regions.Count ? _regions[index].Start : ulong.MaxValue;
            MmLock.UnlockRead();
            bool found = grows == Prot.GrowsDown ? first < end : first <= address;
            return found ? -Errno.EINVAL : -Errno.ENOMEM;
        }

        // Bring a mapped page's PTE in line with its region's protection. PROT_NONE
        // keeps the frame but clears Present (the frame stays in the entry, marked
        // ProtNone). Any change that removes a permission is shot down.
        private void ReprotectPage(Region region, ulong page, ulong* entry)
        {
            SharedAccess.Before();
            ulong old = *entry;
            ulong frame = Pte.Frame(old);
            bool copyOnWrite = (old & Pte.CopyOnWrite) != 0;
            ulong updated;
            if (region.Protection == Prot.None)
                updated = frame | Pte.ProtNone | (old & Pte.CopyOnWrite);
            else
            {
                bool writable = (region.Protection & Prot.Write) != 0 && !copyOnWrite;
                updated = frame | Pte.Present | region.PteFlags(writable) | (old & Pte.CopyOnWrite);
            }
            // An unchanged entry is not written: a CPU may be setting its Accessed bit
            // right now, and pagelock trusts a clear Accessed bit (PageLockStrategy).
            // Every written entry drops Accessed, so it is shot down if it was present.
            if (updated == old)
                return;
            SharedAccess.Before();
            *entry = updated;
            if (Pte.IsPresent(old))
                _vmm.Tlb.InvalidatePage(this, page);
        }

        // ---- page faults -------------------------------------------------------------

        // A file page loaded with MmLock released: which page of which file, into which
        // frame (NoFrame: not loaded yet). The fault is retried with it under MmLock;
        // if the region changed meanwhile (unmapped, remapped) the frame goes back.
        private struct FileLoad
        {
            public RamdiskFile File;
            public ulong Offset;
            public ulong Frame;
        }

        // HandleFaultLocked's answer when the page must be loaded from a file and the
        // caller can load it outside MmLock: never returned by a public method.
        private const FaultResult LoadOutsideLock = (FaultResult)(-1);

        // Resolve a fault at va. Must be called without MmLock (and, for user mode,
        // without any page lock). Kernel-mode faults come from user copies.
        public FaultResult HandleFault(ulong va, Access access, bool userMode)
        {
            // A page that is not there yet is most likely demand-zero: its frame is
            // taken and zeroed before MmLock, since zeroing is most of such a fault and
            // under the lock it would hold up every other fault of the process (threads
            // working in different areas). The page table is read without the lock only
            // as a hint: its tables are freed only when the space is destroyed, which a
            // fault of one of its threads outlives. A frame not needed after all (the
            // page is a file's or shared, or another thread mapped it first) goes back.
            ulong spare = FrameAllocator.NoFrame;
            ulong* hint = va < Paging.UserSpaceEnd ? Table.Walk(Paging.PageDown(va), create: false) : null;
            SharedAccess.Before();
            if (va < Paging.UserSpaceEnd && (hint == null || !Pte.IsPresent((ulong)System.Threading.Volatile.Read(ref *(long*)hint))))
                spare = _vmm.Frames.Allocate(zero: true);
            var load = new FileLoad { Frame = FrameAllocator.NoFrame };
            FaultResult result;
            while (true)
            {
                MmLock.LockRead();
                result = HandleFaultLocked(va, access, userMode, ref spare, ref load, loadOutsideLock: true);
                MmLock.UnlockRead();
                if (result != LoadOutsideLock)
                    break;
                LoadFilePage(ref load, ref spare);
            }
            if (spare != FrameAllocator.NoFrame)
                _vmm.Frames.Free(spare);
            if (load.Frame != FrameAllocator.NoFrame)
                _vmm.Frames.Free(load.Frame); // the page changed while it loaded
            if (result == FaultResult.WaitedForPageLock)
            {
                // The page is locked by a copy: wait for the unlock, then retry.
                PageLocks.WaitUntilUnlocked(Paging.PageDown(va));
            }
            return result;
        }

        // With MmLock held (either way): make the page at va present with the access allowed.
        // Returns WaitedForPageLock (without waiting) when a user access hits a
        // copy-locked page; HandleFault does the waiting after dropping MmLock. A file
        // page is loaded here, under MmLock, however long its backing store takes.
        public FaultResult HandleFaultLocked(ulong va, Access access, bool userMode)
        {
            ulong none = FrameAllocator.NoFrame;
            var load = new FileLoad { Frame = FrameAllocator.NoFrame };
            return HandleFaultLocked(va, access, userMode, ref none, ref load, loadOutsideLock: false);
        }

        // The same for a kernel copy's fault-in with MmLock held for reading, except that
        // a file page is loaded with MmLock released, then the fault is retried (MmLock
        // is held again on return): the caller must look again at anything it checked
        // under MmLock before.
        public FaultResult HandleFaultLoadingUnlocked(ulong va, Access access)
        {
            ulong none = FrameAllocator.NoFrame;
            var load = new FileLoad { Frame = FrameAllocator.NoFrame };
            FaultResult result;
            while ((result = HandleFaultLocked(va, access, userMode: false, ref none, ref load, loadOutsideLock: true)) == LoadOutsideLock)
            {
                MmLock.UnlockRead();
                LoadFilePage(ref load, ref none);
                MmLock.LockRead();
            }
            if (load.Frame != FrameAllocator.NoFrame)
                _vmm.Frames.Free(load.Frame);
            return result;
        }

        // Without MmLock: read the page load.File at load.Offset into a frame (the
        // backing store's latency, then the bytes): one from an earlier try (the region
        // changed under it), else the spare, else a new one.
        private void LoadFilePage(ref FileLoad load, ref ulong spare)
        {
            if (load.Frame == FrameAllocator.NoFrame && spare != FrameAllocator.NoFrame)
            {
                load.Frame = spare;
                spare = FrameAllocator.NoFrame;
            }
            if (load.Frame == FrameAllocator.NoFrame)
                load.Frame = _vmm.Frames.Allocate(zero: false);
            if (load.Frame == FrameAllocator.NoFrame)
                return; // the retry finds no frame either and says OutOfMemory
            if (load.File.LoadLatencyMilliseconds > 0)
                _vmm.Threads.Sleep(load.File.LoadLatencyMilliseconds);
            load.File.LoadPage(load.Offset, _vmm.Physical.Map(load.Frame));
        }

        // spare: a zeroed frame the caller took for a demand-zero page, or NoFrame; set
        // to NoFrame when the page took it. load: a file page read outside MmLock, or
        // none; with loadOutsideLock, a file page not read yet is asked for
        // (LoadOutsideLock, with load.File and load.Offset set) instead of read here.
        private FaultResult HandleFaultLocked(ulong va, Access access, bool userMode, ref ulong spare, ref FileLoad load, bool loadOutsideLock)
        {
            if (va >= Paging.UserSpaceEnd)
                return FaultResult.BadAddress;
            Region region = _regions.Find(va);
            if (region == null || !region.Allows(access))
                return FaultResult.BadAddress;
            ulong page = Paging.PageDown(va);
            ulong* entry = Table.Walk(page, create: false);
            if (entry == null)
            {
                _pageTableLock.Acquire(); // readers make tables one at a time
                entry = Table.Walk(page, create: true);
                _pageTableLock.Release();
            }
            if (entry == null)
                return FaultResult.OutOfMemory;
            SharedAccess.Before();
            ulong pte = (ulong)System.Threading.Volatile.Read(ref *(long*)entry);
            if (userMode && (pte & Pte.CopyLocked) != 0)
            {
                System.Threading.Interlocked.Increment(ref PageLockWaits);
                return FaultResult.WaitedForPageLock;
            }
            if (!Pte.IsPresent(pte))
                return MapNewPage(region, page, entry, pte, ref spare, ref load, loadOutsideLock);
            if (access == Access.Write && (pte & Pte.Writable) == 0)
            {
                if ((pte & Pte.CopyOnWrite) == 0)
                    return FaultResult.BadAddress;
                return BreakCopyOnWrite(region, page, entry, pte);
            }
            // Already as needed: the fault came from a stale TLB entry of this CPU.
            return FaultResult.Resolved;
        }

        // `pte`: the entry as the caller read it (not present). The frame is made ready
        // first; it is installed under _pageTableLock only if the entry is still that
        // (another reader may have mapped the page meanwhile: then ours goes back).
        private FaultResult MapNewPage(Region region, ulong page, ulong* entry, ulong pte, ref ulong spare, ref FileLoad load, bool loadOutsideLock)
        {
            bool fromModule = region.File != null;
            bool anonymous = !fromModule && region.Object == null;
            ulong frame;
            if (region.Object != null && region.Shared)
            {
                frame = region.Object.MapPage(region.OffsetOf(page) >> Paging.PageShift); // zeroed on its first touch by anyone
                if (frame == MemoryObject.BeyondEnd)
                    return FaultResult.BeyondEndOfFile;
            }
            else if (region.Object != null)
            {
                // A private mapping of a file's pages: a copy of the page as it is now.
                frame = spare != FrameAllocator.NoFrame ? spare : _vmm.Frames.Allocate(zero: false);
                spare = FrameAllocator.NoFrame;
                if (frame != FrameAllocator.NoFrame && !region.Object.CopyPage(region.OffsetOf(page) >> Paging.PageShift, frame))
                {
                    _vmm.Frames.Free(frame);
                    return FaultResult.BeyondEndOfFile;
                }
            }
            else if (fromModule)
            {
                ulong offset = region.OffsetOf(page);
                if (offset >= Paging.PageUp(region.File.Length))
                    return FaultResult.BeyondEndOfFile;
                if (load.Frame != FrameAllocator.NoFrame && load.File == region.File && load.Offset == offset)
                {
                    frame = load.Frame; // read outside MmLock, and the region still maps that page
                    load.Frame = FrameAllocator.NoFrame;
                }
                else if (loadOutsideLock)
                {
                    load.File = region.File;
                    load.Offset = offset;
                    return LoadOutsideLock;
                }
                else
                {
                    frame = _vmm.Frames.Allocate(zero: false);
                    if (frame != FrameAllocator.NoFrame)
                    {
                        if (region.File.LoadLatencyMilliseconds > 0)
                            _vmm.Threads.Sleep(region.File.LoadLatencyMilliseconds); // holding MmLock: the mmlock strategy's way
                        region.File.LoadPage(offset, _vmm.Physical.Map(frame));
                    }
                }
            }
            else if (spare != FrameAllocator.NoFrame)
            {
                frame = spare; // zeroed before MmLock was taken
                spare = FrameAllocator.NoFrame;
            }
            else
            {
                frame = _vmm.Frames.Allocate(zero: true);
            }
            if (frame == FrameAllocator.NoFrame)
                return FaultResult.OutOfMemory;
            bool writable = (region.Protection & Prot.Write) != 0;
            bool installed = Install(entry, pte, frame | Pte.Present | region.PteFlags(writable));
            if (!installed)
            {
                // Another thread's fault mapped it first: the access is retried on its page.
                if (anonymous && spare == FrameAllocator.NoFrame)
                    spare = frame; // still zeroed: the caller's next demand-zero fault, or freed
                else
                    _vmm.Frames.Free(frame);
                return FaultResult.Resolved;
            }
            if (fromModule || (region.Object != null && !region.Shared))
                System.Threading.Interlocked.Increment(ref FileLoadFaults);
            else
                System.Threading.Interlocked.Increment(ref DemandZeroFaults);
            return FaultResult.Resolved;
        }

        // A write to a copy-on-write page: the last owner takes the frame back as
        // writable; otherwise the page gets a private copy and the old frame loses
        // one reference. `pte`: the entry as the caller read it; the change is made
        // under _pageTableLock only if it is still that (another thread of the process
        // may have broken it first: the access is then retried). The reference count
        // is read under that lock too, where the pin strategy takes its references.
        private FaultResult BreakCopyOnWrite(Region region, ulong page, ulong* entry, ulong pte)
        {
            ulong frame = Pte.Frame(pte);
            ulong writableEntry = Pte.Present | region.PteFlags(writable: true);
            _pageTableLock.Acquire();
            SharedAccess.Before();
            bool unchanged = (ulong)System.Threading.Volatile.Read(ref *(long*)entry) == pte;
            bool reuse = unchanged && _vmm.Frames.ReferenceCount(frame) == 1;
            // Accessed stays: a CPU may still cache the read-only entry (a strengthening
            // is not shot down), and pagelock skips the shootdown only for a page no
            // CPU walked since it was last unlocked (PageLockStrategy).
            if (reuse)
            {
                SharedAccess.Before();
                unchanged = System.Threading.Interlocked.CompareExchange(ref *(long*)entry, (long)(frame | writableEntry | (pte & Pte.Accessed)), (long)pte) == (long)pte;
            }
            _pageTableLock.Release();
            if (!unchanged)
                return FaultResult.Resolved;
            if (reuse)
            {
                System.Threading.Interlocked.Increment(ref CopyOnWriteReuses);
                return FaultResult.Resolved;
            }
            // The copy is made before the lock (the old frame cannot go meanwhile: this
            // PTE holds a reference, and only a writer of MmLock clears it).
            ulong copy = _vmm.Frames.Allocate(zero: false);
            if (copy == FrameAllocator.NoFrame)
                return FaultResult.OutOfMemory;
            _vmm.Physical.Copy(copy, frame, Paging.PageSize);
            bool installed = Install(entry, pte, copy | writableEntry | Pte.Accessed); // old entries live until the shootdown below
            if (!installed)
            {
                _vmm.Frames.Free(copy);
                return FaultResult.Resolved;
            }
            _vmm.Tlb.InvalidatePage(this, page);
            _vmm.Frames.Free(frame);
            System.Threading.Interlocked.Increment(ref CopyOnWriteCopies);
            return FaultResult.Resolved;
        }

        // The parallel-fault tests' negative control: a fault installs its PTE without
        // _pageTableLock and without looking again (the simulator must catch two faults
        // of one page both installing a frame).
        public bool SkipPageTableLockForTesting;

        // Replace the entry with `updated` if it still is `expected`, under
        // _pageTableLock (against other readers' installs) and as one compare-exchange
        // (against a copy's page lock, which sets CopyLocked with a compare-exchange of
        // its own, without the lock).
        private bool Install(ulong* entry, ulong expected, ulong updated)
        {
            if (SkipPageTableLockForTesting)
            {
                SharedAccess.Before();
                *entry = updated; // the negative control: no lock, no second look
                return true;
            }
            _pageTableLock.Acquire();
            SharedAccess.Before();
            bool done = System.Threading.Interlocked.CompareExchange(ref *(long*)entry, (long)updated, (long)expected) == (long)expected;
            _pageTableLock.Release();
            return done;
        }

        // The frame mapped at `page` with one more reference for the caller (the pin
        // strategy), read and taken under _pageTableLock so that no copy-on-write break
        // frees it in between; NoFrame if nothing is mapped. With MmLock held.
        public ulong PinFrame(ulong page)
        {
            ulong* entry = Table.Walk(page, create: false);
            _pageTableLock.Acquire();
            SharedAccess.Before();
            ulong pte = entry == null ? 0 : (ulong)System.Threading.Volatile.Read(ref *(long*)entry);
            ulong frame = Pte.IsPresent(pte) ? Pte.Frame(pte) : FrameAllocator.NoFrame;
            if (frame != FrameAllocator.NoFrame)
                _vmm.Frames.AddReference(frame);
            _pageTableLock.Release();
            return frame;
        }

        // The region at va, for callers holding MmLock (either way).
        public Region FindRegionLocked(ulong va) => _regions.Find(va);

        // ---- fork ----------------------------------------------------------------------

        // A copy of this address space for fork: shared regions share frames; private
        // pages become read-only copy-on-write in both (see ClonePage). Null when out
        // of memory.
        public AddressSpace CloneForFork()
        {
            AddressSpace child = Create(_vmm);
            if (child == null)
                return null;
            MmLock.LockWrite();
            WaitForCopyLockedPages(Paging.UserSpaceStart, Paging.UserSpaceEnd);
            bool ok = true;
            bool writeTaken = false;
            for (int i = 0; i < _regions.Count && ok; i++)
            {
                Region region = _regions[i];
                child._regions.Insert(region.CloneInto(child));
                ulong page = region.Start;
                ulong* entry;
                for (; ok && (entry = Table.NextMapped(ref page, region.End)) != null; page += Paging.PageSize)
                    ok = ClonePage(child, region, page, entry, ref writeTaken);
            }
            // One shootdown for the whole space, before the child can run or the parent
            // can return (as Linux's fork flushes once at the end): until then another
            // thread's write through a stale entry lands in the shared frame, which is
            // a write made before the fork, seen by both.
            if (writeTaken)
                _vmm.Tlb.InvalidateAll(this);
            MmLock.UnlockWrite();
            if (!ok)
            {
                child.Destroy();
                return null;
            }
            return child;
        }

        // Copy-on-write follows the region, not the PTE: every page of a private region
        // that holds a frame (present, read-only or PROT_NONE alike) becomes
        // copy-on-write in both spaces. A page read-only at fork can be made writable
        // later by mprotect in either process, and then must get its own copy; the
        // write bit alone would not say so.
        private bool ClonePage(AddressSpace child, Region region, ulong page, ulong* entry, ref bool writeTaken)
        {
            SharedAccess.Before();
            ulong pte = *entry;
            if (!region.Shared && (pte & Pte.CopyOnWrite) == 0)
            {
                ulong old = pte;
                pte = (pte & ~Pte.Writable) | Pte.CopyOnWrite;
                SharedAccess.Before();
                *entry = pte;
                // Only a write permission taken away can linger in a TLB.
                writeTaken |= (old & Pte.Writable) != 0;
            }
            ulong* childEntry = child.Table.Walk(page, create: true); // the child runs nothing yet
            if (childEntry == null)
                return false;
            *childEntry = pte;
            _vmm.Frames.AddReference(Pte.Frame(pte));
            return true;
        }

        // ---- teardown ---------------------------------------------------------------

        // Unmap everything and free the page table. The space must not be in use.
        public void Destroy()
        {
            MmLock.LockWrite();
            while (_regions.Count > 0)
                RemoveRegion(_regions.Count - 1);
            MmLock.UnlockWrite();
            _vmm.Tlb.InvalidateAll(this);
            Table.Destroy();
        }
    }
}
