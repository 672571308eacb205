namespace CosmosKernel.Memory.UserCopy
{
    // Pin, then copy through the kernel's own mapping (as Linux's pin_user_pages):
    // for each page, under MmLock, fault it in and take a reference on its frame;
    // copy through the direct map of physical memory without MmLock; drop the
    // reference. No PTE changes and no shootdowns. A concurrent munmap proceeds at
    // once; the frame lives until the copy drops its reference, so no byte lands in
    // a freed frame (bytes written after the unmap are simply no longer visible).
    public sealed unsafe class PinStrategy : CopyStrategy
    {
        public override string Name => "pin";

        public override ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
            => Copy(space, from, to, length, Access.Read);

        public override ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
            => Copy(space, to, from, length, Access.Write);

        private static ulong Copy(AddressSpace space, ulong user, byte* kernel, ulong length, Access access)
        {
            ulong done = 0;
            while (done < length)
            {
                ulong address = user + done;
                ulong page = Paging.PageDown(address);
                ulong chunk = page + Paging.PageSize - address;
                if (chunk > length - done)
                    chunk = length - done;

                space.MmLock.Lock();
                bool ready = FaultInLocked(space, page, access);
                ulong frame = ready ? Pte.Frame(space.Table.Get(page)) : 0;
                if (ready)
                    space.Vmm.Frames.AddReference(frame);
                space.MmLock.Unlock();
                if (!ready)
                    break;

                byte* physical = space.Vmm.Physical.Map(frame + (address - page));
                space.Vmm.Threads.Yield();
                if (access == Access.Write)
                    CopyBytes(physical, kernel + done, chunk, space);
                else
                    CopyBytes(kernel + done, physical, chunk, space);
                space.Vmm.Frames.Free(frame);
                done += chunk;
            }
            return length - done;
        }

        // Byte copy with scheduling points, so the simulator can interleave a munmap.
        private static void CopyBytes(byte* to, byte* from, ulong length, AddressSpace space)
        {
            for (ulong i = 0; i < length; i++)
            {
                to[i] = from[i];
                if ((i & 63) == 63)
                    space.Vmm.Threads.Yield();
            }
        }
    }
}
