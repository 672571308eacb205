namespace CosmosKernel.Memory.UserCopy
{
    // Pin, then copy through the kernel's own mapping (as Linux's pin_user_pages):
    // under MmLock, fault in every page of a window (a file page loads with MmLock
    // released) and take a reference on its frame;
    // without MmLock, copy through the direct map of physical memory; then drop the
    // references. No PTE changes and no shootdowns. A concurrent munmap proceeds at
    // once; the frames live until the copy drops them, so no byte lands in a freed
    // frame (bytes written after the unmap are simply no longer visible to anyone).
    // Windows of at most WindowPages pages bound the frames one copy holds.
    public sealed unsafe class PinStrategy : CopyStrategy
    {
        public const int WindowPages = 16;

        public override string Name => "pin";

        public override ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
            => Copy(space, from, to, length, Access.Read);

        public override ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
            => Copy(space, to, from, length, Access.Write);

        private static ulong Copy(AddressSpace space, ulong user, byte* kernel, ulong length, Access access)
        {
            ulong* frames = stackalloc ulong[WindowPages];
            ulong done = 0;
            while (done < length)
            {
                ulong windowStart = Paging.PageDown(user + done);
                int pinned = Pin(space, windowStart, user + length, access, frames);
                if (pinned == 0)
                    break;
                // Copy the pinned pages, page by page, through the direct map.
                ulong windowEnd = windowStart + (ulong)pinned * Paging.PageSize;
                space.Vmm.UserMemory.BeginPinnedCopy();
                while (done < length && user + done < windowEnd)
                {
                    ulong address = user + done;
                    ulong page = Paging.PageDown(address);
                    ulong chunk = page + Paging.PageSize - address;
                    if (chunk > length - done)
                        chunk = length - done;
                    byte* physical = space.Vmm.Physical.Map(frames[(page - windowStart) / Paging.PageSize] + (address - page));
                    if (access == Access.Write)
                        space.Vmm.UserMemory.CopyPinned(physical, kernel + done, chunk);
                    else
                        space.Vmm.UserMemory.CopyPinned(kernel + done, physical, chunk);
                    done += chunk;
                }
                space.Vmm.UserMemory.EndPinnedCopy();
                for (int i = 0; i < pinned; i++)
                    space.Vmm.Frames.Free(frames[i]); // drop our reference
                if (pinned < WindowPages && done < length)
                    break; // the window stopped at a page that is not mapped with `access`
            }
            return length - done;
        }

        // Fault in and take a reference on up to WindowPages pages from `start` (stopping
        // before `end` or at the first page that is not mapped with `access`).
        private static int Pin(AddressSpace space, ulong start, ulong end, Access access, ulong* frames)
        {
            int pinned = 0;
            space.MmLock.LockRead();
            for (ulong page = start; pinned < WindowPages && page < end; page += Paging.PageSize)
            {
                if (!FaultInLocked(space, page, access, loadUnlocked: true)) // the pages pinned so far stay pinned if it drops MmLock
                    break;
                ulong frame = space.PinFrame(page); // read and referenced at once: no other thread's copy-on-write break frees it in between
                if (frame == FrameAllocator.NoFrame)
                    break;
                frames[pinned++] = frame;
            }
            space.MmLock.UnlockRead();
            return pinned;
        }
    }
}
