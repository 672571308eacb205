namespace CosmosKernel.Threading
{
    // The hook before an access to shared state that no lock covers: a page-table
    // entry (the MMU of every CPU sets its Accessed bit; faults install entries under
    // MmLock held for reading; a copy's page lock changes them without MmLock). Kernel
    // code calls Before() immediately before such an access. Statistics counters
    // bumped with Interlocked do not: no order of increments that nobody reads while
    // the threads run changes what they do. In the kernel no observer is installed and a
    // call costs one static read; on the host the deterministic simulator installs one
    // that makes each access a scheduling point (issue 12), so a race between two
    // lock-free accesses is explored as a race between two locks is.
    public interface ISharedAccessObserver
    {
        void Accessing();
    }

    public static class SharedAccess
    {
        // The observer, or null (the kernel's case). Set before the threads run.
        public static ISharedAccessObserver Observer;

        public static void Before()
        {
            ISharedAccessObserver observer = Observer;
            if (observer != null)
                observer.Accessing();
        }
    }
}
