using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // futex(2) wait queues: threads sleeping on (address space, user address), woken
    // oldest first. Guarded by the kernel lock. A waiter queues itself *before* it reads
    // the user word, because reading it is a user copy, which runs without the kernel
    // lock: a waker that changes the word after the read finds the waiter queued, and a
    // waker that changed it before is seen by the read. Either way no wake is lost.
    public static unsafe class Futexes
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

        private static Waiter[] s_waiters;
        private static long s_sequence;
        private static Scheduler s_scheduler;

        public static void Initialize(Scheduler scheduler)
        {
            s_scheduler = scheduler;
            s_waiters = new Waiter[InitialWaiters];
            for (int i = 0; i < InitialWaiters; i++)
                s_waiters[i].Thread = -1;
        }

        // A FUTEX_WAIT timeout that never passes.
        public const ulong NoTimeout = ulong.MaxValue;

        // FUTEX_WAIT: sleep while *address == expected, until woken, the timeout (in
        // ticks; NoTimeout) passes, or the process ends. 0, -EAGAIN, -ETIMEDOUT, -EINTR.
        // A zero timeout has passed already: the word is still checked (EAGAIN when it
        // changed), then ETIMEDOUT at once, as Linux (issue 16, item 8: it waited forever).
        public static long Wait(AddressSpace space, ulong address, int expected, ulong timeoutTicks)
        {
            if ((address & 3) != 0)
                return -Errno.EINVAL;
            int slot = FreeSlot();
            int me = s_scheduler.Current.Id;
            s_waiters[slot] = new Waiter { Thread = me, Space = space, Address = address, Sequence = ++s_sequence };
            int current;
            long refused = 0;
            if (Kernel.UserCopy.CopyFromUser(space, (byte*)&current, address, 4) != 0)
                refused = -Errno.EFAULT;
            else if (current != expected)
                refused = -Errno.EAGAIN;
            if (refused != 0)
            {
                // A wake that already chose this waiter is not lost: report it.
                bool wokenAnyway = s_waiters[slot].Woken;
                s_waiters[slot].Thread = -1;
                s_waiters[slot].Space = null;
                return wokenAnyway ? 0 : refused;
            }
            if (timeoutTicks != NoTimeout)
            {
                // A wake may have come during the read; with a zero timeout, only then is it 0.
                if (timeoutTicks > 0 && !s_waiters[slot].Woken && !s_waiters[slot].Cancelled)
                    s_scheduler.Sleep(timeoutTicks); // a Wake (or the futex's Unpark) ends it early
            }
            else
                while (!s_waiters[slot].Woken && !s_waiters[slot].Cancelled)
                    s_scheduler.Park(forUser: true);
            bool woken = s_waiters[slot].Woken;
            bool cancelled = s_waiters[slot].Cancelled;
            s_waiters[slot].Thread = -1;
            s_waiters[slot].Space = null;
            if (woken)
                return 0;
            return cancelled ? -Errno.EINTR : -Errno.ETIMEDOUT;
        }

        // A free waiter slot; the table doubles when none is (slots keep their index:
        // a waiter finds its own again after it sleeps).
        private static int FreeSlot()
        {
            for (int i = 0; i < s_waiters.Length; i++)
                if (s_waiters[i].Thread < 0)
                    return i;
            int slot = s_waiters.Length;
            var bigger = new Waiter[s_waiters.Length * 2];
            for (int i = 0; i < bigger.Length; i++)
                bigger[i] = i < slot ? s_waiters[i] : new Waiter { Thread = -1 };
            s_waiters = bigger;
            return slot;
        }

        // FUTEX_WAKE's checks of its address, made before it looks for waiters, as
        // Linux's get_futex_key (issue 16, item 10: it accepted any address): -EINVAL
        // unaligned, -EFAULT outside user space; a shared (not FUTEX_PRIVATE) futex's
        // key needs the page itself, so there -EFAULT when nothing readable is mapped.
        public static long CheckWakeAddress(AddressSpace space, ulong address, bool shared)
        {
            if ((address & 3) != 0)
                return -Errno.EINVAL;
            if (!Memory.UserCopy.UserCopier.RangeIsUser(address, 4))
                return -Errno.EFAULT;
            if (!shared)
                return 0;
            space.MmLock.Lock();
            Region region = space.FindRegionLocked(address);
            bool readable = region != null && region.Allows(Access.Read);
            space.MmLock.Unlock();
            return readable ? 0 : -Errno.EFAULT;
        }

        // FUTEX_WAKE: wake up to `count` waiters on the word, oldest first.
        public static long Wake(AddressSpace space, ulong address, int count)
        {
            int woken = 0;
            while (woken < count)
            {
                int oldest = -1;
                for (int i = 0; i < s_waiters.Length; i++)
                {
                    if (s_waiters[i].Thread < 0 || s_waiters[i].Woken || s_waiters[i].Cancelled
                        || s_waiters[i].Space != space || s_waiters[i].Address != address)
                        continue;
                    if (oldest < 0 || s_waiters[i].Sequence < s_waiters[oldest].Sequence)
                        oldest = i;
                }
                if (oldest < 0)
                    break;
                s_waiters[oldest].Woken = true;
                s_scheduler.Wake(s_waiters[oldest].Thread);
                s_scheduler.Unpark(s_waiters[oldest].Thread);
                woken++;
            }
            return woken;
        }

        // The thread's process is ending: stop its wait.
        public static void Cancel(int thread)
        {
            for (int i = 0; i < s_waiters.Length; i++)
            {
                if (s_waiters[i].Thread == thread && !s_waiters[i].Woken)
                {
                    s_waiters[i].Cancelled = true;
                    s_scheduler.Unpark(thread);
                }
            }
        }
    }
}
