namespace CosmosKernel.Threading
{
    // A fair, blocking mutex. Threads that find it held queue in arrival order and
    // sleep (Park); Unlock hands ownership directly to the first waiter, so nobody
    // barges in and wake-up order equals arrival order. Not reentrant.
    //
    // _guard (a leaf spin lock) guards _owner, _waiters and the statistics; it is
    // never held while parking.
    //
    // Optimistic spinning (Linux's mutex does the same): a thread that finds the mutex
    // held by a thread running on another CPU, with nobody queued, spins a while for it
    // before it queues and sleeps: most sections are short (a fault, a region change),
    // and sleeping costs a switch and a wake-up IPI on each side. Queued waiters are
    // never overtaken: the spinner takes the mutex only while the queue is empty.
    public sealed class FifoMutex
    {
        public const int NoOwner = -1;

        private readonly IThreadBackend _threads;
        private readonly SpinLock _guard;
        private readonly WaitQueue _waiters;
        private readonly string _name;
        private readonly int _class; // LockClasses: one per name
        private int _owner = NoOwner;

        // Lock calls that had to wait (cosmos_vmm_info's mm_lock_waits for MmLock).
        public long ContendedAcquisitions;

        public FifoMutex(IThreadBackend threads, int maxWaiters, string name)
        {
            _threads = threads;
            _guard = new SpinLock(threads, "mutex guard");
            _waiters = new WaitQueue(maxWaiters);
            _name = name;
            _class = LockClasses.Register(name);
        }

        public bool IsLocked => _owner != NoOwner;
        public int WaiterCount => _waiters.Count;

        public void Lock()
        {
            int me = _threads.CurrentThreadId;
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(_class, LockKind.Sleeping);
            _guard.Acquire();
            if (_owner == me)
            {
                _guard.Release();
                KernelAssert.Fail(_name + ": locked twice by thread " + me.ToString() + " (not reentrant)");
            }
            if (_owner == NoOwner || (_waiters.Count == 0 && SpinForOwner()))
            {
                _owner = me;
                _guard.Release();
                if (validator != null)
                    validator.Acquired(_class, LockKind.Sleeping);
                return;
            }
            ContendedAcquisitions++;
            _waiters.Enqueue(me);
            _guard.Release();
            // Sleep until Unlock hands us the mutex. A stray permit may wake us early:
            // check ownership and sleep again.
            while (true)
            {
                _threads.Park();
                _guard.Acquire();
                bool mine = _owner == me;
                _guard.Release();
                if (mine)
                {
                    if (validator != null)
                        validator.Acquired(_class, LockKind.Sleeping);
                    return;
                }
            }
        }

        private const int MaxSpins = 4096;

        // With _guard held and the mutex owned: spin (without _guard) while the owner
        // runs on another CPU and nobody queues. True with _guard held and the mutex
        // free and unqueued (the caller takes it); false with _guard held otherwise.
        private bool SpinForOwner()
        {
            int owner = _owner;
            if (!_threads.RunsOnAnotherCpu(owner))
                return false;
            _guard.Release();
            for (int spin = 0; spin < MaxSpins; spin++)
            {
                _threads.SpinPause();
                int now = System.Threading.Volatile.Read(ref _owner);
                if (now == NoOwner || now != owner || !_threads.RunsOnAnotherCpu(owner))
                    break;
            }
            _guard.Acquire();
            return _owner == NoOwner && _waiters.Count == 0;
        }

        public void Unlock()
        {
            int me = _threads.CurrentThreadId;
            _guard.Acquire();
            if (_owner != me)
            {
                int owner = _owner;
                _guard.Release();
                KernelAssert.Fail(_name + ": unlocked by thread " + me.ToString() + ", owner is " + owner.ToString());
            }
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Released(_class, LockKind.Sleeping);
            if (_waiters.Count == 0)
            {
                _owner = NoOwner;
                _guard.Release();
                return;
            }
            int next = _waiters.Dequeue();
            _owner = next; // direct handoff: FIFO, no barging
            _guard.Release();
            _threads.Unpark(next);
        }
    }
}
