using System.Threading;

namespace CosmosKernel.Processes
{
    // Every process from creation until its parent reaps it (wait4), by pid: an array
    // that doubles as processes come, up to Limit (then fork and spawn answer EAGAIN).
    //
    // Lock: a FIFO mutex, "process table" (Linux's tasklist_lock). It guards the table
    // and, in every Process, what ties processes and threads together: ParentPid,
    // State, ExitStatus, KilledBySignal, LiveThreads, ThreadIds, ExitWaiter,
    // ChildWaiters, EndedThreadTimes, ReapedChildTimes, the job-control state
    // (Stopped, StopSignal, the unreported stop and continue, StoppedThreads), and the
    // writes of Exiting.
    // Every method below but NextPid, Count and the fields' racy reads (getppid,
    // cosmos_vmm_info) is called with it held. Held for bookkeeping only: never across a user copy, a park, or an address space's
    // teardown (ProgramRunner does those outside it). Order: after an address space's
    // MmLock and the file tables are released (taken with none of them held); the
    // scheduler's locks, the futex table's, the kernel stacks' and the heap's may be
    // taken under it (docs/architecture.md, "Locks, in the order they are taken").
    public sealed class ProcessTable
    {
        public readonly Threading.FifoMutex Lock;

        private Process[] _processes = new Process[64];
        private int _count;
        private int _nextPid; // atomic

        // At most this many processes at once, zombies included (the thread limit: a
        // process needs a thread; Limits.cs).
        public readonly int Limit;

        public ProcessTable(Threading.IThreadBackend threads, int limit)
        {
            Limit = limit;
            Lock = new Threading.FifoMutex(threads, 8, "process table");
        }

        // A pid no other process had (atomic: taken before the table is locked).
        public int NextPid() => Interlocked.Increment(ref _nextPid);

        // Processes in the table (zombies included); racy without the lock.
        public int Count => Volatile.Read(ref _count);

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

        public const int AnyGroup = int.MinValue;

        // A child of `parent` with pid `pid` (-1: any) in process group `pgid`
        // (AnyGroup: any), zombie if asked (or not a zombie, with liveOnly).
        public Process FindChild(int parent, int pid, bool zombieOnly, bool liveOnly = false, int pgid = AnyGroup)
        {
            for (int i = 0; i < _processes.Length; i++)
            {
                Process p = _processes[i];
                if (p != null && p.ParentPid == parent && (pid <= 0 || p.Pid == pid) && (pgid == AnyGroup || p.Pgid == pgid)
                    && (!zombieOnly || p.State == Process.ProcessState.Zombie)
                    && (!liveOnly || p.State != Process.ProcessState.Zombie))
                    return p;
            }
            return null;
        }

        // A live child (as FindChild picks them) with a stop (`stops`) or a continue
        // (`continues`) its parent's wait4 has not heard of, or null.
        public Process FindChildToReport(int parent, int pid, int pgid, bool stops, bool continues)
        {
            for (int i = 0; i < _processes.Length; i++)
            {
                Process p = _processes[i];
                if (p != null && p.ParentPid == parent && (pid <= 0 || p.Pid == pid) && (pgid == AnyGroup || p.Pgid == pgid)
                    && p.State != Process.ProcessState.Zombie
                    && ((stops && p.StopUnreported) || (continues && p.ContinueUnreported)))
                    return p;
            }
            return null;
        }

        // The table's slots, for a walk over every process (At: null for a free slot).
        public int Capacity => _processes.Length;
        public Process At(int slot) => _processes[slot];
    }
}
