namespace CosmosKernel.Threading
{
    // Thread ids waiting in arrival order: a ring buffer that doubles when full (so no
    // number of waiters can overflow it; a thread waits in one queue at a time, so it
    // never holds more ids than there are threads). Not thread-safe by itself: the lock
    // that owns the queue guards it.
    public sealed class WaitQueue
    {
        private int[] _ids;
        private int _head;
        private int _count;

        public WaitQueue(int initialCapacity) => _ids = new int[initialCapacity < 1 ? 1 : initialCapacity];

        public int Count => _count;

        public void Enqueue(int threadId)
        {
            if (_count == _ids.Length)
                Grow();
            _ids[(_head + _count) % _ids.Length] = threadId;
            _count++;
        }

        // The first id, left in the queue.
        public int Peek()
        {
            if (_count == 0)
                KernelAssert.Fail("wait queue empty");
            return _ids[_head];
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

        // Take `threadId` out of the queue wherever it is (a waiter that gave up); the
        // others keep their order. Whether it was there.
        public bool Remove(int threadId)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_ids[(_head + i) % _ids.Length] != threadId)
                    continue;
                for (int j = i; j < _count - 1; j++)
                    _ids[(_head + j) % _ids.Length] = _ids[(_head + j + 1) % _ids.Length];
                _count--;
                return true;
            }
            return false;
        }

        private void Grow()
        {
            var bigger = new int[_ids.Length * 2];
            for (int i = 0; i < _count; i++)
                bigger[i] = _ids[(_head + i) % _ids.Length];
            _ids = bigger;
            _head = 0;
        }
    }
}
