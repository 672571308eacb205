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
        private readonly int _class; // LockClasses
        private int _taken;

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
            while (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
                _threads.Yield();
            if (validator != null)
                validator.Acquired(_class, LockKind.Spin);
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
