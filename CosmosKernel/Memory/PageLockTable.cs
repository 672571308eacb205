using CosmosKernel.Threading;

namespace CosmosKernel.Memory
{
    // Per-page locks of one address space, keyed by page address, each with a FIFO
    // wait queue (a FifoMutex from a fixed pool of slots, each made the first time its
    // slot is used: most processes never lock a page, and a fork should not pay for
    // a pool it will not use). The pagelock copy strategy holds a
    // page's lock while the page's user bit is cleared; munmap, mprotect and fork
    // wait on it before changing that page, and a user thread that faults on the
    // page waits on it and retries.
    //
    // Lock order: page locks are taken before the address space's MmLock, and one
    // thread takes several only in ascending address order. _lock (a leaf spin lock)
    // guards the slot table only, never while blocking.
    public sealed class PageLockTable
    {
        private readonly IThreadBackend _threads;
        private const ulong FreeSlot = ulong.MaxValue; // never a page address
        private readonly ulong[] _pages;      // page address per slot, FreeSlot when unused
        private readonly int[] _users;        // holders + waiters per slot
        private readonly FifoMutex[] _mutexes; // null until the slot is first used; never removed
        private readonly int _waitQueueCapacity;
        private int _lock;

        public PageLockTable(IThreadBackend threads, int slots, int maxWaitersPerPage)
        {
            _threads = threads;
            _pages = new ulong[slots];
            _users = new int[slots];
            _mutexes = new FifoMutex[slots];
            _waitQueueCapacity = maxWaitersPerPage;
            for (int i = 0; i < slots; i++)
                _pages[i] = FreeSlot;
        }

        // Take the lock of `page`, waiting in FIFO order behind earlier holders.
        public void Lock(ulong page)
        {
            int slot = Join(page);
            _mutexes[slot].Lock();
        }

        public void Unlock(ulong page)
        {
            int slot = SlotOf(page);
            if (slot < 0)
                KernelAssert.Fail("page lock: unlock of a page that is not locked");
            _mutexes[slot].Unlock();
            Leave(slot);
        }

        // Wait until whoever holds `page` now (and whoever queued before us) is done.
        public void WaitUntilUnlocked(ulong page)
        {
            int slot = Join(page);
            _mutexes[slot].Lock();
            _mutexes[slot].Unlock();
            Leave(slot);
        }

        // Find or claim the slot for page and count ourselves in it. When every slot is
        // busy, yield until one frees (the pool bounds pages locked at once).
        private int Join(ulong page)
        {
            while (true)
            {
                Acquire();
                int free = -1;
                for (int i = 0; i < _pages.Length; i++)
                {
                    if (_pages[i] == page)
                    {
                        _users[i]++;
                        Release();
                        return i;
                    }
                    if (free < 0 && _pages[i] == FreeSlot)
                        free = i;
                }
                if (free >= 0 && _mutexes[free] == null)
                {
                    // Make the slot's mutex without the spin lock held (allocation may
                    // run the collector), install it, and look again.
                    Release();
                    var mutex = new FifoMutex(_threads, _waitQueueCapacity, "page lock");
                    Acquire();
                    if (_mutexes[free] == null)
                        _mutexes[free] = mutex;
                    Release();
                    continue;
                }
                if (free >= 0)
                {
                    _pages[free] = page;
                    _users[free] = 1;
                    Release();
                    return free;
                }
                Release();
                _threads.Yield();
            }
        }

        private void Leave(int slot)
        {
            Acquire();
            if (--_users[slot] == 0)
                _pages[slot] = FreeSlot;
            Release();
        }

        private int SlotOf(ulong page)
        {
            Acquire();
            int found = -1;
            for (int i = 0; i < _pages.Length; i++)
                if (_pages[i] == page)
                    found = i;
            Release();
            return found;
        }

        private void Acquire()
        {
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(s_class, LockKind.Spin);
            for (int spins = 0; System.Threading.Interlocked.CompareExchange(ref _lock, 1, 0) != 0; spins++)
            {
                if (spins < Threading.SpinLock.SpinsBeforeYield)
                    _threads.SpinPause(); // the holder runs on another CPU (see Threading/SpinLock)
                else
                    _threads.Yield();
            }
            if (validator != null)
                validator.Acquired(s_class, LockKind.Spin);
        }

        private void Release()
        {
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Released(s_class, LockKind.Spin);
            System.Threading.Volatile.Write(ref _lock, 0);
        }

        private static readonly int s_class = LockClasses.Register("page-lock slots");
    }
}
