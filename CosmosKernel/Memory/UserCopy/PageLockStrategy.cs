namespace CosmosKernel.Memory.UserCopy
{
    // The default. Lock each page of the buffer (ascending addresses, FIFO per page);
    // for each, under MmLock: check the region allows the access, fault the page in
    // (demand zero, file load with MmLock released, copy-on-write) *before* copying, and clear its user
    // bit (marking it CopyLocked); one TLB shootdown for the window then makes sure no
    // user thread can touch it. Then copy with no lock but the page locks, restore
    // the user bits and unlock. munmap, mprotect and fork of a locked page wait for the unlock; a user
    // thread that touches a locked page faults, sleeps on the page's queue, and
    // resumes with the copy's data. The copy is whole or stops at the first page
    // that is not mapped with the access allowed.
    //
    // Pages are locked in windows of at most WindowPages, so one copy never holds
    // more than that many page locks.
    public sealed unsafe class PageLockStrategy : CopyStrategy
    {
        public const int WindowPages = 16;

        // Test hook: skip the shootdown after clearing the user bits, to show that the
        // simulator catches a user access to a locked page through a stale TLB entry.
        public bool SkipShootdownForTesting;

        public override string Name => "pagelock";

        public override ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
            => Copy(space, from, to, length, Access.Read);

        public override ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
            => Copy(space, to, from, length, Access.Write);

        private ulong Copy(AddressSpace space, ulong user, byte* kernel, ulong length, Access access)
        {
            ulong done = 0;
            ulong end = user + length;
            while (done < length)
            {
                ulong windowStart = Paging.PageDown(user + done);
                ulong windowEnd = windowStart + WindowPages * Paging.PageSize;
                if (windowEnd > Paging.PageUp(end) || windowEnd < windowStart)
                    windowEnd = Paging.PageUp(end);

                ulong lockedEnd = LockPages(space, windowStart, windowEnd, access);
                ulong copyEnd = lockedEnd < end ? lockedEnd : end;
                ulong chunk = copyEnd > user + done ? copyEnd - (user + done) : 0;
                ulong notCopied = 0;
                if (chunk > 0)
                {
                    notCopied = access == Access.Write
                        ? space.Vmm.UserMemory.CopyToUser(space, user + done, kernel + done, chunk, recover: false)
                        : space.Vmm.UserMemory.CopyFromUser(space, kernel + done, user + done, chunk, recover: false);
                }
                UnlockPages(space, windowStart, lockedEnd);
                done += chunk - notCopied;
                if (lockedEnd < windowEnd || notCopied != 0)
                    break;
            }
            return length - done;
        }

        // Lock [start, end) page by page; returns where locking stopped (end when all
        // pages are locked, else the first page that is not mapped with `access`).
        //
        // One shootdown for the whole window, after its last page (each page is only
        // invalidated on this CPU at once): until then a user thread on another CPU may
        // still reach a page it cached through a stale TLB entry, which is
        // harmless because no byte has been copied yet; from the shootdown on, every
        // user access to the window faults and waits. Other CPUs running the process
        // are interrupted once per window, not once per page (docs/benchmarks.md).
        //
        // And only if some page of the window was walked since it was last unlocked:
        // a CPU caches a translation only after setting the entry's Accessed bit
        // (Intel SDM 4.8, 4.10.2.3), and UnlockPages clears it. A page nobody touched
        // between two copies (a buffer only ever handed to syscalls) is cached by no
        // CPU, so there is nothing to shoot down. Every other change of a present
        // entry keeps Accessed set or shoots down (AddressSpace).
        private ulong LockPages(AddressSpace space, ulong start, ulong end, Access access)
        {
            ulong lockedEnd = end;
            bool walked = false;
            for (ulong page = start; page < end; page += Paging.PageSize)
            {
                space.PageLocks.Lock(page);
                space.MmLock.LockRead();
                bool ready = FaultInLocked(space, page, access, loadUnlocked: true); // the page lock keeps munmap off it meanwhile
                if (ready)
                {
                    ulong old = space.Table.UpdateFlags(page, clear: Pte.User, set: Pte.CopyLocked);
                    walked |= (old & Pte.Accessed) != 0;
                    if (!SkipShootdownForTesting)
                        space.Vmm.Tlb.InvalidateLocal(space, page);
                }
                space.MmLock.UnlockRead();
                if (!ready)
                {
                    space.PageLocks.Unlock(page);
                    lockedEnd = page;
                    break;
                }
                space.Vmm.Threads.Yield();
            }
            if (lockedEnd > start && walked && !SkipShootdownForTesting)
                space.Vmm.Tlb.InvalidateRange(space, start, lockedEnd);
            return lockedEnd;
        }

        // Give the pages back: the user bit returns (a strengthening, so no shootdown)
        // and Accessed is cleared (no CPU holds a translation that lets user code in:
        // the lock's shootdown, or its absence, saw to that; the copy's own entries
        // say supervisor-only), then the page lock wakes the next waiter in FIFO order.
        private static void UnlockPages(AddressSpace space, ulong start, ulong end)
        {
            for (ulong page = start; page < end; page += Paging.PageSize)
            {
                space.Table.UpdateFlags(page, clear: Pte.CopyLocked | Pte.Accessed, set: Pte.User);
                space.PageLocks.Unlock(page);
            }
        }
    }
}
