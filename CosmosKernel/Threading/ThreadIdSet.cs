namespace CosmosKernel.Threading
{
    // A set of thread ids (a process's threads, its threads in wait4, the scheduler's
    // sleepers): an array that doubles when full, so it holds as many as the scheduler
    // lets run (Scheduler.ThreadLimit), not a fixed few. Unordered: removal moves the
    // last id into the hole. Not thread-safe by itself: its owner's lock guards it.
    public sealed class ThreadIdSet
    {
        private int[] _ids = new int[4];
        private int _count;

        public int Count => _count;
        public int this[int index] => _ids[index];

        public void Add(int id)
        {
            if (_count == _ids.Length)
            {
                var bigger = new int[_ids.Length * 2];
                for (int i = 0; i < _count; i++)
                    bigger[i] = _ids[i];
                _ids = bigger;
            }
            _ids[_count++] = id;
        }

        // False if `id` was not in the set.
        public bool Remove(int id)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_ids[i] == id)
                {
                    _ids[i] = _ids[--_count];
                    return true;
                }
            }
            return false;
        }
    }
}
