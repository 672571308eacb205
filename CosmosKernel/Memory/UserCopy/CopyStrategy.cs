namespace CosmosKernel.Memory.UserCopy
{
    // One way of copying between kernel and user memory while other threads of the
    // process may unmap, re-protect or rewrite it. UserCopy checks the range and
    // applies the contract (return the bytes not copied, zero-fill after a failed
    // copy_from_user); a strategy only moves bytes it may move.
    public abstract unsafe class CopyStrategy
    {
        public abstract string Name { get; }

        // Both return the number of bytes not copied. The range is already checked.
        public abstract ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length);
        public abstract ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length);

        // Make the page at `page` present with `access` allowed, with MmLock held.
        // False when the region is missing, forbids the access, or memory ran out.
        // With loadUnlocked, a page read from a file is read with MmLock released (it
        // is held again on return, and the page checked again): a slow backing store
        // then holds up this copy only, not the process's other faults and copies.
        protected static bool FaultInLocked(AddressSpace space, ulong page, Access access, bool loadUnlocked)
        {
            while (true)
            {
                ulong pte = space.Table.Get(page);
                bool ready = Pte.IsPresent(pte) && (access != Access.Write || (pte & Pte.Writable) != 0);
                if (ready)
                    return space.FindRegionLocked(page) != null && space.FindRegionLocked(page).Allows(access);
                FaultResult result = loadUnlocked
                    ? space.HandleFaultLoadingUnlocked(page, access)
                    : space.HandleFaultLocked(page, access, userMode: false);
                if (result != FaultResult.Resolved)
                    return false;
            }
        }
    }
}
