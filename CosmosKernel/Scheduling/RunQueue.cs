using System.Threading;

namespace CosmosKernel.Scheduling
{
    // One CPU's ready threads, first in first out, and the lock that guards them.
    //
    // Lock guards: the ring below, and the scheduling state (State, Permit, Joiner,
    // WakeAt, EarlyWake, WaitsForUser) of every thread whose KernelThread.Cpu is this
    // queue's CPU. A thread's Cpu changes only with both CPUs' locks held (a stolen or
    // newly placed thread), so whoever holds the lock of the CPU it reads there and
    // reads the same CPU again owns the thread's state (Scheduler.LockQueueOf).
    // A context switch hands the lock from the thread that leaves to the thread that
    // comes on that CPU (Scheduler.SwitchLocked, FinishSwitch). Two queue locks are
    // taken in CPU order, or the second with TryAcquire (an idle CPU stealing).
    internal sealed class RunQueue
    {
        private const int InitialSlots = 64; // doubles as threads come

        public readonly KernelSpinLock Lock = new KernelSpinLock("run queue", handedOff: true);

        private int[] _ring = new int[InitialSlots];
        private int _head, _count;

        // Without the lock: a hint (another CPU's idle loop and the user copies read it).
        public int Count => Volatile.Read(ref _count);

        // With Lock held.
        public void Enqueue(int id)
        {
            if (_count == _ring.Length)
            {
                var bigger = new int[_ring.Length * 2];
                for (int i = 0; i < _count; i++)
                    bigger[i] = _ring[(_head + i) % _ring.Length];
                _ring = bigger;
                _head = 0;
            }
            _ring[(_head + _count) % _ring.Length] = id;
            Volatile.Write(ref _count, _count + 1);
        }

        // With Lock held, and Count > 0.
        public int Dequeue()
        {
            int id = _ring[_head];
            _head = (_head + 1) % _ring.Length;
            Volatile.Write(ref _count, _count - 1);
            return id;
        }
    }
}
