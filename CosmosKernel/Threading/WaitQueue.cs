namespace CosmosKernel.Threading
{
    // Thread ids waiting in arrival order: a ring buffer sized once. Not thread-safe by
    // itself: the lock that owns the queue guards it. A full queue is a broken bound,
    // reported through KernelAssert, never silently dropped.
    public sealed class WaitQueue
    {
        private readonly int[] _ids;
        private int _head;
        private int _count;

        public WaitQueue(int capacity) => _ids = new int[capacity];

        public int Count => _count;

        public void Enqueue(int threadId)
        {
            if (_count == _ids.Length)
                KernelAssert.Fail("wait queue full (" + _ids.Length.ToString() + " waiters)");
            _ids[(_head + _count) % _ids.Length] = threadId;
            _count++;
        }

        public int Dequeue()
        {
            if (_count == 0)
                KernelAssert.Fail("wait queue empty");
            int id = _ids[_head];
            _head = (_head + 1) % _ids.Length;
            _count--;
            return id;
        }
    }
}
