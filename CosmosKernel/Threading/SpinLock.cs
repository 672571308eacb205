using System.Threading;

namespace CosmosKernel.Threading
{
    // A test-and-set lock for short critical sections that never block. Leaf lock:
    // hold it for a few instructions, never while parking or taking another lock.
    // Contended, it yields (a scheduling point: the simulator runs the holder).
    public sealed class SpinLock
    {
        private readonly IThreadBackend _threads;
        private int _taken;

        public SpinLock(IThreadBackend threads) => _threads = threads;

        public void Acquire()
        {
            while (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
                _threads.Yield();
        }

        public void Release() => Volatile.Write(ref _taken, 0);
    }
}
