using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // futex(2) wait queues: threads sleeping on (address space, user address), woken
    // oldest first. _lock (a spin lock, never held across the user read or a sleep)
    // guards the table; futex runs on every CPU at once. A
    // waiter queues itself *before* it reads the user word: a waker that changes the
    // word after the read finds the waiter queued, and a waker that changed it before
    // is seen by the read. Either way no wake is lost. Lock order: after MmLock (the
    // wake's address check takes it first, not around this); the scheduler's locks
    // inside (waking a waiter).
    public sealed unsafe class Futexes
    {
        private const int InitialWaiters = 64; // the table doubles when every slot waits

        private struct Waiter
        {
            public int Thread;         // -1 when the slot is free
            public AddressSpace Space;
            public ulong Address;
            public long Sequence;      // arrival order
            public bool Woken;
            public bool Cancelled;
        }

        private readonly KernelSpinLock _lock = new KernelSpinLock("futexes");
        private Waiter[] _waiters;
        private long _sequence;
        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;

        public Futexes(Scheduler scheduler, UserCopier copier)
        {
            _scheduler = scheduler;
            _copier = copier;
            _waiters = new Waiter[InitialWaiters];
            for (int i = 0; i < InitialWaiters; i++)
                _waiters[i].Thread = -1;
        }

        // A FUTEX_WAIT timeout that never passes.
        public const ulong NoTimeout = ulong.MaxValue;

        // FUTEX_WAIT: sleep while *address == expected, until woken, the timeout (in
        // ticks; NoTimeout) passes, or the process ends. 0, -EAGAIN, -ETIMEDOUT, or
        // -ERESTARTSYS (a signal: EINTR, or a restart under SA_RESTART, which begins the
        // timeout again where Linux would keep its end).
        // A zero timeout has passed already: the word is still checked (EAGAIN when it
        // changed), then ETIMEDOUT at once, as Linux (issue 16, item 8: it waited forever).
        public long Wait(AddressSpace space, ulong address, int expected, ulong timeoutTicks)
        {
            if ((address & 3) != 0)
                return -Errno.EINVAL;
            int me = _scheduler.Current.Id;
            _scheduler.ForgetEarlierWake(); // a wake from now on is for this wait
            _lock.Acquire();
            int slot = FreeSlot();
            _waiters[slot] = new Waiter { Thread = me, Space = space, Address = address, Sequence = ++_sequence };
            _lock.Release();
            int current;
            long refused = 0;
            if (_copier.CopyFromUser(space, (byte*)&current, address, 4) != 0)
                refused = -Errno.EFAULT;
            else if (current != expected)
                refused = -Errno.EAGAIN;
            if (refused != 0)
            {
                // A wake that already chose this waiter is not lost: report it.
                bool wokenAnyway = Finish(slot, out _);
                return wokenAnyway ? 0 : refused;
            }
            // A signal for a handler ends the wait with EINTR: its sender makes it pending,
            // then cancels our slot and wakes us; a signal that came before the slot was
            // there is seen by Interrupted here.
            UserThread user = UserThread.Of(_scheduler.Current);
            if (timeoutTicks != NoTimeout)
            {
                // A wake may have come during the read; with a zero timeout, only then is it 0.
                if (timeoutTicks > 0 && !Ended(slot) && !(user != null && user.Interrupted))
                    _scheduler.Sleep(timeoutTicks, honorEarlierWake: true); // a Wake ends it early, even one before it began
            }
            else
            {
                while (!Ended(slot) && !(user != null && user.Interrupted))
                    _scheduler.Park(forUser: true);
            }
            bool woken = Finish(slot, out bool cancelled);
            if (woken)
                return 0;
            return cancelled || (user != null && user.Interrupted) ? -Errno.ERESTARTSYS : -Errno.ETIMEDOUT;
        }

        // Whether the waiter in `slot` was woken or cancelled.
        private bool Ended(int slot)
        {
            _lock.Acquire();
            bool ended = _waiters[slot].Woken || _waiters[slot].Cancelled;
            _lock.Release();
            return ended;
        }

        // Free the waiter's slot; whether it was woken, and cancelled.
        private bool Finish(int slot, out bool cancelled)
        {
            _lock.Acquire();
            bool woken = _waiters[slot].Woken;
            cancelled = _waiters[slot].Cancelled;
            _waiters[slot].Thread = -1;
            _waiters[slot].Space = null;
            _lock.Release();
            return woken;
        }

        // A free waiter slot; the table doubles when none is (slots keep their index:
        // a waiter finds its own again after it sleeps). With _lock held.
        private int FreeSlot()
        {
            for (int i = 0; i < _waiters.Length; i++)
                if (_waiters[i].Thread < 0)
                    return i;
            int slot = _waiters.Length;
            var bigger = new Waiter[_waiters.Length * 2];
            for (int i = 0; i < bigger.Length; i++)
                bigger[i] = i < slot ? _waiters[i] : new Waiter { Thread = -1 };
            _waiters = bigger;
            return slot;
        }

        // FUTEX_WAKE's checks of its address, made before it looks for waiters, as
        // Linux's get_futex_key (issue 16, item 10: it accepted any address): -EINVAL
        // unaligned, -EFAULT outside user space; a shared (not FUTEX_PRIVATE) futex's
        // key needs the page itself, so there -EFAULT when nothing readable is mapped.
        public long CheckWakeAddress(AddressSpace space, ulong address, bool shared)
        {
            if ((address & 3) != 0)
                return -Errno.EINVAL;
            if (!Memory.UserCopy.UserCopier.RangeIsUser(address, 4))
                return -Errno.EFAULT;
            if (!shared)
                return 0;
            space.MmLock.LockRead();
            Region region = space.FindRegionLocked(address);
            bool readable = region != null && region.Allows(Access.Read);
            space.MmLock.UnlockRead();
            return readable ? 0 : -Errno.EFAULT;
        }

        // FUTEX_WAKE: wake up to `count` waiters on the word, oldest first.
        public long Wake(AddressSpace space, ulong address, int count)
        {
            int woken = 0;
            _lock.Acquire();
            while (woken < count)
            {
                int oldest = -1;
                for (int i = 0; i < _waiters.Length; i++)
                {
                    if (_waiters[i].Thread < 0 || _waiters[i].Woken || _waiters[i].Cancelled
                        || _waiters[i].Space != space || _waiters[i].Address != address)
                        continue;
                    if (oldest < 0 || _waiters[i].Sequence < _waiters[oldest].Sequence)
                        oldest = i;
                }
                if (oldest < 0)
                    break;
                _waiters[oldest].Woken = true;
                _scheduler.Wake(_waiters[oldest].Thread);
                _scheduler.Unpark(_waiters[oldest].Thread);
                woken++;
            }
            _lock.Release();
            return woken;
        }

        // The thread's process is ending, or a signal for a handler came: stop its wait.
        public void Cancel(int thread)
        {
            _lock.Acquire();
            for (int i = 0; i < _waiters.Length; i++)
            {
                if (_waiters[i].Thread == thread && !_waiters[i].Woken)
                {
                    _waiters[i].Cancelled = true;
                    _scheduler.Unpark(thread);
                }
            }
            _lock.Release();
        }
    }
}
