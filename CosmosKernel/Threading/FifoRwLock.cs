namespace CosmosKernel.Threading
{
    // A fair, blocking reader-writer lock: any number of readers, or one writer. Threads
    // that cannot have it at once queue in arrival order and sleep (Park); a release
    // hands it straight to the head of the queue: one writer, or every reader up to the
    // next writer. Nobody barges in: a reader that comes while a writer waits queues
    // behind it, so writers do not starve and the order is FIFO. Not reentrant.
    //
    // An address space's MmLock (Memory/AddressSpace): page faults and copies' fault-ins
    // read (they change no region); mmap, munmap, mprotect and fork write. Threads in
    // different areas of one process then fault in parallel, as Linux's mmap_lock
    // lets them.
    //
    // Spinning in line, as FifoMutex does: the waiter at the head of the queue, while a
    // holder runs on another CPU, spins a while for its grant instead of sleeping at
    // once (most sections are short; a sleep costs a switch and a wake-up IPI on each
    // side). It stays in the queue, so the order stays FIFO; the grant then needs no
    // wake-up (_spinner). The host simulator never spins.
    //
    // _guard (a leaf spin lock) guards _writer, _readers, _waiters,
    // _granted, _spinner and the statistics; it is never held while parking.
    public sealed class FifoRwLock
    {
        public const int NoOwner = -1;

        private readonly IThreadBackend _threads;
        private readonly SpinLock _guard;
        private readonly WaitQueue _waiters; // thread ids in arrival order; a writer as ~id
        private readonly ThreadIdSet _granted = new ThreadIdSet(); // woken waiters that own it now
        private readonly string _name;
        private readonly int _class; // LockClasses: one per name
        private int _writer = NoOwner;
        private readonly ThreadIdSet _readers = new ThreadIdSet(); // who holds it for reading: a spinner looks for one running elsewhere
        private int _spinner = NoOwner;    // the head waiter while it spins for its grant
        // The spinner that was granted the lock, until it notices (it looks without _guard).
        // A thread id, not a flag: the next spinner may queue before the granted one has
        // looked, and must not wipe its grant (both would then spin until MaxSpins).
        private int _spinnerGrantedTo = NoOwner;

        // Lock calls that had to wait (cosmos_vmm_info's mm_lock_waits for MmLock).
        public long ContendedAcquisitions;

        public FifoRwLock(IThreadBackend threads, int maxWaiters, string name)
        {
            _threads = threads;
            _guard = new SpinLock(threads, "mutex guard");
            _waiters = new WaitQueue(maxWaiters);
            _name = name;
            _class = LockClasses.Register(name);
            _sleptClass = LockClasses.Register(name + " slept");
        }

        // The waits that ended in a sleep are also counted under "NAME slept" (the lock
        // profile then tells spinning hand-offs from sleeps, which cost a switch and a
        // wake-up IPI each). Only for the profile: the validator never sees this class.
        private readonly int _sleptClass;

        // Held for writing by the calling thread.
        public bool HeldForWriting => System.Threading.Volatile.Read(ref _writer) == _threads.CurrentThreadId;

        public void LockRead() => Acquire(writer: false);

        public void LockWrite() => Acquire(writer: true);

        private void Acquire(bool writer)
        {
            int me = _threads.CurrentThreadId;
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(_class, LockKind.Sleeping);
            _guard.Acquire();
            if (_writer == me)
            {
                _guard.Release();
                KernelAssert.Fail(_name + ": locked again by thread " + me.ToString() + ", which holds it for writing");
            }
            bool free = _waiters.Count == 0 && _writer == NoOwner && (!writer || _readers.Count == 0);
            if (free)
            {
                if (writer)
                {
                    _writer = me;
                }
                else
                {
                    _readers.Add(me);
                }
                _guard.Release();
            }
            else
            {
                ContendedAcquisitions++;
                int holder = _writer != NoOwner ? _writer : ReaderRunningElsewhere();
                bool spin = _waiters.Count == 0 && holder != NoOwner && _threads.RunsOnAnotherCpu(holder);
                _waiters.Enqueue(writer ? ~me : me);
                if (spin)
                    _spinner = me;
                _guard.Release();
                WaitForGrant(me, spin ? holder : NoOwner);
            }
            if (validator != null)
                validator.Acquired(_class, LockKind.Sleeping);
        }

        // With _guard held: a reader of the lock running on another CPU (worth spinning
        // for: it will release soon), or NoOwner. Not the caller: a reader that let go
        // and now waits to write must not spin for itself.
        private int ReaderRunningElsewhere()
        {
            for (int i = 0; i < _readers.Count; i++)
                if (_threads.RunsOnAnotherCpu(_readers[i]))
                    return _readers[i];
            return NoOwner;
        }

        private const int MaxSpins = 4096;

        // Queued: spin for the grant while `holder` runs on another CPU (NoOwner: do
        // not spin), then sleep until a release grants it. A stray permit may wake us
        // early: check the grant and sleep again.
        private void WaitForGrant(int me, int holder)
        {
            ILockStatistics statistics = LockClasses.Statistics;
            ulong since = statistics != null ? statistics.Now() : 0;
            if (holder != NoOwner)
            {
                for (int spin = 0; spin < MaxSpins && System.Threading.Volatile.Read(ref _spinnerGrantedTo) != me
                    && _threads.RunsOnAnotherCpu(holder); spin++)
                    _threads.SpinPause();
                _guard.Acquire();
                bool granted = _granted.Remove(me);
                if (_spinnerGrantedTo == me)
                    _spinnerGrantedTo = NoOwner;
                if (!granted)
                    _spinner = NoOwner; // from now on a grant wakes us
                _guard.Release();
                if (granted)
                {
                    if (statistics != null)
                        statistics.Waited(_class, since);
                    return;
                }
            }
            while (true)
            {
                _threads.Park();
                _guard.Acquire();
                bool mine = _granted.Remove(me);
                _guard.Release();
                if (mine)
                    break;
            }
            if (statistics != null)
            {
                statistics.Waited(_class, since);
                statistics.Waited(_sleptClass, since);
            }
        }

        public void UnlockRead()
        {
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Released(_class, LockKind.Sleeping);
            _guard.Acquire();
            if (!_readers.Remove(_threads.CurrentThreadId))
            {
                _guard.Release();
                KernelAssert.Fail(_name + ": read-unlocked by thread " + _threads.CurrentThreadId.ToString() + " without holding it for reading");
            }
            GrantLocked();
        }

        public void UnlockWrite()
        {
            int me = _threads.CurrentThreadId;
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Released(_class, LockKind.Sleeping);
            _guard.Acquire();
            if (_writer != me)
            {
                int writer = _writer;
                _guard.Release();
                KernelAssert.Fail(_name + ": write-unlocked by thread " + me.ToString() + ", writer is " + writer.ToString());
            }
            _writer = NoOwner;
            GrantLocked();
        }

        // A writer becomes a reader without letting go (Linux's mmap_write_downgrade):
        // the readers queued at the head come in with it; a writer queued there still
        // waits for every reader.
        public void Downgrade()
        {
            int me = _threads.CurrentThreadId;
            _guard.Acquire();
            if (_writer != me)
            {
                int writer = _writer;
                _guard.Release();
                KernelAssert.Fail(_name + ": downgraded by thread " + me.ToString() + ", writer is " + writer.ToString());
            }
            _writer = NoOwner;
            _readers.Add(me);
            GrantLocked();
        }

        // With _guard held (released here): hand the lock to the head of the queue if it
        // can have it now (a writer once no reader is left; readers up to the next
        // writer), then wake them outside the guard.
        // At most MaxWokenAtOnce readers per release; the ones after them are granted at
        // the next release (each of these readers releases).
        private unsafe void GrantLocked()
        {
            const int MaxWokenAtOnce = 16;
            int* woken = stackalloc int[MaxWokenAtOnce];
            int count = 0;
            while (_waiters.Count > 0 && _writer == NoOwner && count < MaxWokenAtOnce)
            {
                int head = _waiters.Peek();
                bool writer = head < 0;
                if (writer && _readers.Count > 0)
                    break;
                _waiters.Dequeue();
                int id = writer ? ~head : head;
                if (writer)
                {
                    _writer = id;
                }
                else
                {
                    _readers.Add(id);
                }
                _granted.Add(id);
                if (id == _spinner)
                {
                    _spinner = NoOwner;
                    System.Threading.Volatile.Write(ref _spinnerGrantedTo, id); // it sees the grant itself: no wake-up
                }
                else
                {
                    woken[count++] = id;
                }
            }
            _guard.Release();
            for (int i = 0; i < count; i++)
                _threads.Unpark(woken[i]);
        }
    }
}
