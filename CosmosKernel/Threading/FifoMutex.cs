namespace CosmosKernel.Threading
{
    // A fair, blocking mutex. Threads that find it held queue in arrival order and
    // sleep (Park); Unlock hands ownership directly to the first waiter, so nobody
    // barges in and wake-up order equals arrival order. Not reentrant.
    //
    // _guard (a leaf spin lock) guards _owner, _waiters and the statistics; it is
    // never held while parking.
    //
    // Spinning in line (Linux's mutex spins too, but may let a spinner overtake): the
    // waiter at the head of the queue, while the owner runs on another CPU, spins a
    // while for the hand-off instead of sleeping at once: most sections are short (a
    // fault, a region change), and sleeping costs a switch and a wake-up IPI on each
    // side. It waits in the queue like any waiter, so the order stays FIFO; Unlock
    // hands it the mutex without a wake-up (_spinner), and it sleeps if the owner stops
    // running or the spin runs out. The host simulator never spins (no owner runs
    // elsewhere there).
    public sealed class FifoMutex
    {
        public const int NoOwner = -1;

        private readonly IThreadBackend _threads;
        private readonly SpinLock _guard;
        private readonly WaitQueue _waiters;
        private readonly string _name;
        private readonly int _class; // LockClasses: one per name
        private int _owner = NoOwner;
        private int _spinner = NoOwner; // the head waiter while it spins (under _guard)

        // Lock calls that had to wait (cosmos_vmm_info's mm_lock_waits for MmLock).
        public long ContendedAcquisitions;
        private long _grants; // times the mutex was given to a thread (under _guard)

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

        public void Lock() => LockCountingOvertakers();

        // Lock, and how many times the mutex went to another thread between this call's
        // arrival (seen under the guard) and its own grant: at most the number of
        // waiters queued ahead of it, as it is FIFO. The lab's fairness measurement
        // (scenario 8) counts from here, not from before the call, so a thread held up
        // on its way in (a vCPU the host did not run) does not count as overtaken.
        public long LockCountingOvertakers()
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
            long arrivedAt = _grants;
            if (_owner == NoOwner)
            {
                _owner = me;
                _grants++;
                _guard.Release();
                if (validator != null)
                    validator.Acquired(_class, LockKind.Sleeping);
                return 0;
            }
            ContendedAcquisitions++;
            bool spin = _waiters.Count == 0 && _threads.RunsOnAnotherCpu(_owner);
            _waiters.Enqueue(me);
            if (spin)
                _spinner = me;
            _guard.Release();
            ILockStatistics statistics = LockClasses.Statistics;
            ulong since = statistics != null ? statistics.Now() : 0;
            long overtakers = WaitForHandOff(me, spin) - arrivedAt - 1;
            if (statistics != null)
                statistics.Waited(_class, since);
            if (validator != null)
                validator.Acquired(_class, LockKind.Sleeping);
            return overtakers;
        }

        // Queued: spin for the hand-off (if `spin`), else sleep until Unlock hands us the
        // mutex. A stray permit may wake us early: check ownership and sleep again.
        // Returns the grant count when it became ours.
        private long WaitForHandOff(int me, bool spin)
        {
            if (spin && SpinForHandOff(me, out long handedAt))
                return handedAt;
            while (true)
            {
                _threads.Park();
                _guard.Acquire();
                bool mine = _owner == me;
                long grantedAt = _grants; // nobody else is granted while we own it
                _guard.Release();
                if (mine)
                    return grantedAt;
            }
        }

        // Lock, on a program's behalf: false, without the mutex, once `who` is
        // interrupted (its process ends, a signal for a handler came) before the mutex
        // comes to it. The waiter leaves the queue then, and the order of the others
        // stays. It sleeps without spinning, as a wait for a program (ParkInterruptible).
        public bool LockInterruptible(IInterruptible who)
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
            if (_owner != NoOwner)
            {
                ContendedAcquisitions++;
                _waiters.Enqueue(me);
                while (true)
                {
                    if (_owner == me)
                        break;
                    _guard.Release();
                    bool interrupted = who.Interrupted;
                    _guard.Acquire();
                    if (_owner == me)
                        break;
                    if (interrupted)
                    {
                        _waiters.Remove(me);
                        _guard.Release();
                        return false;
                    }
                    _guard.Release();
                    _threads.ParkInterruptible();
                    _guard.Acquire();
                }
            }
            else
            {
                _owner = me;
                _grants++;
            }
            _guard.Release();
            if (validator != null)
                validator.Acquired(_class, LockKind.Sleeping);
            return true;
        }

        // The mutex if it is free now, without waiting (for a caller that must not
        // sleep: the scheduler's deadlock breaker, on an idle thread).
        public bool TryLock()
        {
            int me = _threads.CurrentThreadId;
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(_class, LockKind.Sleeping);
            _guard.Acquire();
            bool free = _owner == NoOwner;
            if (free)
            {
                _owner = me;
                _grants++;
            }
            _guard.Release();
            if (free && validator != null)
                validator.Acquired(_class, LockKind.Sleeping);
            return free;
        }

        private const int MaxSpins = 4096;

        // The head waiter spins while the owner runs on another CPU. True once Unlock
        // handed it the mutex; false (no longer the spinner: Unlock will wake it) when
        // it should sleep instead.
        private bool SpinForHandOff(int me, out long grantedAt)
        {
            for (int spin = 0; spin < MaxSpins; spin++)
            {
                int owner = System.Threading.Volatile.Read(ref _owner);
                if (owner == me || !_threads.RunsOnAnotherCpu(owner))
                    break;
                _threads.SpinPause();
            }
            _guard.Acquire();
            bool mine = _owner == me;
            grantedAt = _grants;
            if (!mine)
                _spinner = NoOwner;
            _guard.Release();
            return mine;
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
            _grants++;
            bool spinning = _spinner == next;
            if (spinning)
                _spinner = NoOwner; // it sees the hand-off itself: no wake-up to leave behind
            _guard.Release();
            if (!spinning)
                _threads.Unpark(next);
        }
    }
}
