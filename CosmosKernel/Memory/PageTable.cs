using System.Threading;

namespace CosmosKernel.Memory
{
    // One x86-64 4-level page table (PML4 -> PDPT -> PD -> PT), kept in physical frames
    // reached through PhysicalMemory. The kernel half (PML4 slots 256-511) is shared by
    // every address space: its entries are copied from the kernel's table at creation
    // and point at the same lower-level tables, which are never freed.
    //
    // Intermediate entries are Present|Writable|User: permissions are decided at the
    // leaf only. Leaf updates that race with the hardware's Accessed/Dirty updates use
    // compare-exchange. Callers hold the owning address space's lock for changes.
    //
    // Entries are shared with every CPU's MMU and with lock-free readers, so each
    // access is announced to Threading.SharedAccess (a scheduling point on the host's
    // simulator). A walk announces itself once: intermediate entries only ever go from
    // absent to present while the table lives, so where in the walk another CPU runs
    // makes no difference beyond before or after it.
    public sealed unsafe class PageTable
    {
        private const ulong TableFlags = Pte.Present | Pte.Writable | Pte.User;

        private readonly PhysicalMemory _memory;
        private readonly FrameAllocator _frames;

        // Physical address of the PML4: the value for CR3.
        public ulong Root { get; }

        // Page-table entries read by this table's software walks (Walk and NextMapped;
        // on the host also the simulated MMU's, which uses Get). A statistic, so tests
        // can check that work follows the tables that exist rather than the length of
        // a range. Plain increments: exact while one CPU walks (MmLock holders, the
        // tests), possibly low when several walk at once, which no check depends on.
        public long EntriesRead;

        private PageTable(PhysicalMemory memory, FrameAllocator frames, ulong root)
        {
            _memory = memory;
            _frames = frames;
            Root = root;
        }

        // A new, empty table sharing the kernel half of `kernel` (if given).
        // Null when no frame is left.
        public static PageTable Create(PhysicalMemory memory, FrameAllocator frames, PageTable kernel)
        {
            ulong root = frames.Allocate(zero: true);
            if (root == FrameAllocator.NoFrame)
                return null;
            if (kernel != null)
            {
                ulong* source = memory.MapTable(kernel.Root);
                ulong* destination = memory.MapTable(root);
                for (int i = Paging.FirstKernelPml4Slot; i < Paging.EntriesPerTable; i++)
                    destination[i] = source[i];
            }
            return new PageTable(memory, frames, root);
        }

        // The leaf entry for va, creating missing intermediate tables when asked.
        // Null if a table is missing (and create is false), memory ran out, or a huge
        // page covers va.
        public ulong* Walk(ulong va, bool create)
        {
            Threading.SharedAccess.Before();
            ulong* table = _memory.MapTable(Root);
            for (int level = 3; level > 0; level--)
            {
                int index = (int)((va >> (Paging.PageShift + 9 * level)) & 511);
                ulong entry = table[index];
                EntriesRead++;
                if (!Pte.IsPresent(entry))
                {
                    if (!create)
                        return null;
                    ulong frame = _frames.Allocate(zero: true);
                    if (frame == FrameAllocator.NoFrame)
                        return null;
                    entry = frame | TableFlags;
                    Threading.SharedAccess.Before();
                    table[index] = entry;
                }
                else if ((entry & Pte.Huge) != 0)
                {
                    return null;
                }
                table = _memory.MapTable(Pte.Frame(entry));
            }
            return &table[Paging.PtIndex(va)];
        }

        // The first leaf entry at or above va and below end that is not zero: a mapped
        // page, a PROT_NONE page that keeps its frame, a copy-locked page. Sets va to
        // its address; null when there is none. va and end are page aligned, in the
        // user half. Each call starts again at the root, so the caller may change or
        // clear the entry before asking for the next (at va + PageSize).
        //
        // Missing intermediate tables are skipped whole (512 GiB, 1 GiB or 2 MiB at a
        // time), so the cost follows the tables that exist, not the length of the
        // range: an untouched 64 GiB mapping costs a few entries, not 16 Mi walks.
        public ulong* NextMapped(ref ulong va, ulong end)
        {
            if (end > UserHalfEnd)
                end = UserHalfEnd;
            ulong at = va;
            Threading.SharedAccess.Before(); // the scan's reads (see Scan)
            ulong* found = Scan(_memory.MapTable(Root), 3, ref at, end);
            if (found != null)
                va = at;
            return found;
        }

        // One past the last address of the user half (PML4 slots below FirstKernelPml4Slot).
        private const ulong UserHalfEnd = (ulong)Paging.FirstKernelPml4Slot << 39;

        // NextMapped's scan of one table from the entry covering `at`; on return `at`
        // is the found page, or where the scan stopped (end, or this table's end).
        // One scheduling point for the whole scan, not one per entry: its callers hold
        // MmLock, so only an MMU setting Accessed changes these entries meanwhile, and a
        // search for entries that are not zero cannot tell.
        private ulong* Scan(ulong* table, int level, ref ulong at, ulong end)
        {
            int shift = Paging.PageShift + 9 * level;
            ulong span = 1UL << shift;
            for (int index = (int)((at >> shift) & 511); index < Paging.EntriesPerTable && at < end; index++)
            {
                ulong entry = table[index];
                EntriesRead++;
                if (level == 0)
                {
                    if (entry != 0)
                        return &table[index];
                    at += span;
                }
                else if (!Pte.IsPresent(entry) || (entry & Pte.Huge) != 0)
                {
                    at = (at & ~(span - 1)) + span; // nothing below: the next entry's start
                }
                else
                {
                    ulong* found = Scan(_memory.MapTable(Pte.Frame(entry)), level - 1, ref at, end);
                    if (found != null)
                        return found;
                }
            }
            return null;
        }

        // The leaf entry for va, or 0.
        public ulong Get(ulong va)
        {
            ulong* entry = Walk(va, create: false);
            if (entry == null)
                return 0;
            Threading.SharedAccess.Before();
            return *entry;
        }

        // Map one 4 KiB page. False when a page-table frame could not be allocated.
        public bool Map(ulong va, ulong physical, ulong flags)
        {
            ulong* entry = Walk(va, create: true);
            if (entry == null)
                return false;
            Threading.SharedAccess.Before();
            Volatile.Write(ref *(long*)entry, (long)(physical | flags | Pte.Present));
            return true;
        }

        // Clear the entry; returns what it held (0 if nothing was mapped).
        public ulong Unmap(ulong va)
        {
            ulong* entry = Walk(va, create: false);
            if (entry == null)
                return 0;
            Threading.SharedAccess.Before();
            return (ulong)Interlocked.Exchange(ref *(long*)entry, 0);
        }

        // The simulator's negative control: UpdateFlags writes what it computed from its
        // read, whatever changed in between (an Accessed bit an MMU set, a frame a
        // copy-on-write break installed: Tests/Memory/SharedAccessTests).
        public bool LostUpdateForTesting;

        // Atomically clear and set flag bits of a present entry; returns the old entry.
        public ulong UpdateFlags(ulong va, ulong clear, ulong set)
        {
            ulong* entry = Walk(va, create: false);
            if (entry == null)
                return 0;
            while (true)
            {
                Threading.SharedAccess.Before();
                long old = Volatile.Read(ref *(long*)entry);
                if (!Pte.IsPresent((ulong)old))
                    return 0;
                long updated = (long)(((ulong)old & ~clear) | set);
                Threading.SharedAccess.Before();
                if (LostUpdateForTesting)
                {
                    *entry = (ulong)updated; // the negative control: a plain write, no second look
                    return (ulong)old;
                }
                if (Interlocked.CompareExchange(ref *(long*)entry, updated, old) == old)
                    return (ulong)old;
            }
        }

        // Free every page-table frame of the user half (not the pages they map: those
        // belong to the regions, which release them first). The PML4 goes too.
        public void Destroy()
        {
            ulong* pml4 = _memory.MapTable(Root);
            for (int i = 0; i < Paging.FirstKernelPml4Slot; i++)
            {
                if (Pte.IsPresent(pml4[i]))
                    FreeTable(Pte.Frame(pml4[i]), level: 2);
                pml4[i] = 0;
            }
            _frames.Free(Root);
        }

        // Count the page-table frames of the user half (for leak accounting).
        public int CountUserTableFrames()
        {
            int count = 1;
            ulong* pml4 = _memory.MapTable(Root);
            for (int i = 0; i < Paging.FirstKernelPml4Slot; i++)
                if (Pte.IsPresent(pml4[i]))
                    count += CountTables(Pte.Frame(pml4[i]), level: 2);
            return count;
        }

        private void FreeTable(ulong physical, int level)
        {
            if (level > 0)
            {
                ulong* table = _memory.MapTable(physical);
                for (int i = 0; i < Paging.EntriesPerTable; i++)
                    if (Pte.IsPresent(table[i]) && (table[i] & Pte.Huge) == 0)
                        FreeTable(Pte.Frame(table[i]), level - 1);
            }
            _frames.Free(physical);
        }

        private int CountTables(ulong physical, int level)
        {
            int count = 1;
            if (level > 0)
            {
                ulong* table = _memory.MapTable(physical);
                for (int i = 0; i < Paging.EntriesPerTable; i++)
                    if (Pte.IsPresent(table[i]) && (table[i] & Pte.Huge) == 0)
                        count += CountTables(Pte.Frame(table[i]), level - 1);
            }
            return count;
        }
    }
}
