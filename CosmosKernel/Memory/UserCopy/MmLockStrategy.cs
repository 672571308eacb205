namespace CosmosKernel.Memory.UserCopy
{
    // One lock for the whole copy: the address space's MmLock (a fair FIFO lock), held
    // for writing, so alone, while every page is faulted in (a file page's load included, however slow
    // its backing store) and copied. munmap, mprotect, fork and all page faults of the
    // process wait for the whole copy: simple and safe, but the process's other
    // threads stall behind it.
    public sealed unsafe class MmLockStrategy : CopyStrategy
    {
        public override string Name => "mmlock";

        public override ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
        {
            space.MmLock.LockWrite();
            ulong ready = FaultInRange(space, from, length, Access.Read);
            ulong notCopied = space.Vmm.UserMemory.CopyFromUser(space, to, from, ready, recover: false);
            space.MmLock.UnlockWrite();
            return notCopied + (length - ready);
        }

        public override ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
        {
            space.MmLock.LockWrite();
            ulong ready = FaultInRange(space, to, length, Access.Write);
            ulong notCopied = space.Vmm.UserMemory.CopyToUser(space, to, from, ready, recover: false);
            space.MmLock.UnlockWrite();
            return notCopied + (length - ready);
        }

        // How many bytes from `start` are present with the access allowed (stops at
        // the first page that cannot be).
        private static ulong FaultInRange(AddressSpace space, ulong start, ulong length, Access access)
        {
            ulong end = start + length;
            for (ulong page = Paging.PageDown(start); page < end; page += Paging.PageSize)
            {
                if (!FaultInLocked(space, page, access, loadUnlocked: false)) // the design under test: one lock, held throughout
                    return page <= start ? 0 : page - start;
            }
            return length;
        }
    }
}
