using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // futex(2) wait queues: threads sleeping on (address space, user address), woken
    // oldest first. Guarded by the kernel lock: checking the user word and queueing
    // happen with no scheduling point in between, and a waker on another CPU needs the
    // kernel lock to look at the queue, so a wake cannot be lost.
    public static unsafe class Futexes
    {
        private const int MaxWaiters = 64;

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
            s_waiters = new Waiter[MaxWaiters];
            for (int i = 0; i < MaxWaiters; i++)
                s_waiters[i].Thread = -1;
        }

        // FUTEX_WAIT: sleep while *address == expected, until woken, the timeout (in
        // ticks, 0 = none) passes, or the process ends. 0, -EAGAIN, -ETIMEDOUT, -EINTR.
        public static long Wait(AddressSpace space, ulong address, int expected, ulong timeoutTicks)
        {
            if ((address & 3) != 0)
                return -Errno.EINVAL;
            int current;
            if (Kernel.UserCopy.CopyFromUser(space, (byte*)&current, address, 4) != 0)
                return -Errno.EFAULT;
            if (current != expected)
                return -Errno.EAGAIN;
            int slot = -1;
            for (int i = 0; i < MaxWaiters && slot < 0; i++)
                if (s_waiters[i].Thread < 0)
                    slot = i;
            if (slot < 0)
                return -Errno.EAGAIN;
            int me = s_scheduler.Current.Id;
            s_waiters[slot] = new Waiter { Thread = me, Space = space, Address = address, Sequence = ++s_sequence };
            if (timeoutTicks > 0)
                s_scheduler.Sleep(timeoutTicks); // a Wake (or the futex's Unpark) ends it early
            else
                while (!s_waiters[slot].Woken && !s_waiters[slot].Cancelled)
                    s_scheduler.Park();
            bool woken = s_waiters[slot].Woken;
            bool cancelled = s_waiters[slot].Cancelled;
            s_waiters[slot].Thread = -1;
            s_waiters[slot].Space = null;
            if (woken)
                return 0;
            return cancelled ? -Errno.EINTR : -Errno.ETIMEDOUT;
        }

        // FUTEX_WAKE: wake up to `count` waiters on the word, oldest first.
        public static long Wake(AddressSpace space, ulong address, int count)
        {
            int woken = 0;
            while (woken < count)
            {
                int oldest = -1;
                for (int i = 0; i < MaxWaiters; i++)
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
            for (int i = 0; i < MaxWaiters; i++)
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
