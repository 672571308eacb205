namespace CosmosKernel.Processes
{
    // Every process from creation until its parent reaps it (wait4), by pid: an array
    // that doubles as processes come, up to Limit (then fork and spawn answer EAGAIN).
    // Guarded by the kernel lock, like Process.
    public sealed class ProcessTable
    {
        private Process[] _processes = new Process[64];
        private int _count;
        private int _nextPid = 1;

        // At most this many processes at once, zombies included (the thread limit: a
        // process needs a thread; Limits.cs).
        public readonly int Limit;

        public ProcessTable(int limit) => Limit = limit;

        public int NextPid() => _nextPid++;

        // Processes in the table (zombies included).
        public int Count => _count;

        // False at the limit.
        public bool Add(Process process)
        {
            if (_count >= Limit)
                return false;
            for (int i = 0; i < _processes.Length; i++)
            {
                if (_processes[i] == null)
                {
                    _processes[i] = process;
                    _count++;
                    return true;
                }
            }
            var bigger = new Process[_processes.Length * 2];
            for (int i = 0; i < _processes.Length; i++)
                bigger[i] = _processes[i];
            bigger[_processes.Length] = process;
            _processes = bigger;
            _count++;
            return true;
        }

        public void Remove(Process process)
        {
            for (int i = 0; i < _processes.Length; i++)
            {
                if (_processes[i] == process)
                {
                    _processes[i] = null;
                    _count--;
                }
            }
        }

        public Process Find(int pid)
        {
            for (int i = 0; i < _processes.Length; i++)
                if (_processes[i] != null && _processes[i].Pid == pid)
                    return _processes[i];
            return null;
        }

        // A child of `parent` matching wait4's pid argument (-1: any), zombie if asked
        // (or not a zombie, with liveOnly).
        public Process FindChild(int parent, int pid, bool zombieOnly, bool liveOnly = false)
        {
            for (int i = 0; i < _processes.Length; i++)
            {
                Process p = _processes[i];
                if (p != null && p.ParentPid == parent && (pid <= 0 || p.Pid == pid)
                    && (!zombieOnly || p.State == Process.ProcessState.Zombie)
                    && (!liveOnly || p.State != Process.ProcessState.Zombie))
                    return p;
            }
            return null;
        }

        // The table's slots, for a walk over every process (At: null for a free slot).
        public int Capacity => _processes.Length;
        public Process At(int slot) => _processes[slot];
    }
}
