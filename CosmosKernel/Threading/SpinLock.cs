using System.Threading;

namespace CosmosKernel.Threading
{
    // A test-and-set lock for short critical sections that never block. Hold it for a
    // few instructions, never while parking; most users are leaf locks and take no
    // other lock. The exception documents its place in the order
    // (MemoryObject takes the frame allocator's lock inside its own).
    // Contended, it pauses (the holder runs on another CPU: holders never sleep), and
    // only after SpinsBeforeYield tries lets another thread run here (a holder that
    // switched away, which only the lab's fairness demo does on purpose). Switching at
    // once would let a thread on its way into a FIFO mutex's queue (the guard) fall
    // behind threads that came later. In the simulator both are scheduling points.
    public sealed class SpinLock
    {
        private readonly IThreadBackend _threads;
        private readonly int _class; // LockClasses
        private int _taken;
        public const int SpinsBeforeYield = 1000;

        public SpinLock(IThreadBackend threads, string name)
        {
            _threads = threads;
            _class = LockClasses.Register(name);
        }

        public void Acquire()
        {
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(_class, LockKind.Spin);
            if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
                WaitForIt();
            if (validator != null)
                validator.Acquired(_class, LockKind.Spin);
        }

        private void WaitForIt()
        {
            ILockStatistics statistics = LockClasses.Statistics;
            ulong since = statistics != null ? statistics.Now() : 0;
            for (int spins = 0; Interlocked.CompareExchange(ref _taken, 1, 0) != 0; spins++)
            {
                if (spins < SpinsBeforeYield)
                    _threads.SpinPause();
                else
                    _threads.Yield();
            }
            if (statistics != null)
                statistics.Waited(_class, since);
        }

        public void Release()
        {
            ILockValidator validator = LockClasses.Validator;
            if (validator != null)
                validator.Released(_class, LockKind.Spin);
            Volatile.Write(ref _taken, 0);
        }
    }
}
