namespace CosmosKernel.Memory
{
    // How many pages a group of memory objects may hold together: the file tree's
    // files share one (Linux's tmpfs "size=", half of RAM by default), so a program
    // that writes a huge file gets ENOSPC while the rest of the machine keeps its
    // frames. A page is taken before its frame is allocated and given back when the
    // object drops it. One atomic counter: no lock (the object's lock is held around
    // it, but the count is shared by every object).
    public sealed class PageBudget
    {
        public readonly long Limit;
        private long _used;

        public PageBudget(long limit)
        {
            Limit = limit;
        }

        public long Used => System.Threading.Volatile.Read(ref _used);

        // One page more, if the limit allows it.
        public bool TryTake()
        {
            if (System.Threading.Interlocked.Increment(ref _used) <= Limit)
                return true;
            System.Threading.Interlocked.Decrement(ref _used);
            return false;
        }

        public void GiveBack(long pages) => System.Threading.Interlocked.Add(ref _used, -pages);
    }
}
