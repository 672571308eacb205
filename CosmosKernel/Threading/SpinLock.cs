using System.Threading;

namespace CosmosKernel.Threading
{
    // A test-and-set lock for short critical sections that never block. Hold it for a
    // few instructions, never while parking; most users are leaf locks and take no
    // other lock. The exception documents its place in the order
    // (SharedAnonymousMemory takes the frame allocator's lock inside its own).
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
