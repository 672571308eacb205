using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Threading;

namespace CosmosKernel.Scheduling
{
    // Lock contention, counted where it happens (Linux's lock_stat, always on here):
    // every time a lock is found held, per lock class and per thread, how many waits and
    // how many TSC cycles. A free lock costs nothing more; a wait costs two TSC reads and
    // a few atomic adds. Programs read their own thread's totals (cosmos_vmm_info) and
    // the per-class table (cosmos_lock_stats), so a benchmark can say which lock it
    // waited for.
    //
    // Its counters are atomic; it takes no lock (it is called from inside lock code).
    public sealed class LockStatistics : ILockStatistics
    {
        private readonly long[] _waits = new long[LockClasses.MaxClasses];
        private readonly long[] _waitCycles = new long[LockClasses.MaxClasses];

        public ulong Now() => Native.ReadTimestampCounter();

        public void Waited(int lockClass, ulong since)
        {
            long cycles = (long)(Native.ReadTimestampCounter() - since);
            if (lockClass >= 0 && lockClass < LockClasses.MaxClasses)
            {
                Interlocked.Increment(ref _waits[lockClass]);
                Interlocked.Add(ref _waitCycles[lockClass], cycles);
            }
            KernelThread me = Scheduler.CurrentOrNull;
            if (me != null) // the thread's own: written by itself only
            {
                me.LockWaits++;
                me.LockWaitCycles += cycles;
            }
        }

        public long Waits(int lockClass) => Volatile.Read(ref _waits[lockClass]);

        public long WaitCycles(int lockClass) => Volatile.Read(ref _waitCycles[lockClass]);
    }
}
