using CosmosKernel.Threading;

namespace CosmosKernel.Tests.Simulation;

// Runs simulated threads one at a time, switching only at scheduling points (Yield,
// Park, thread end) and, since kernel code runs on every CPU at once (issue 12), before
// every lock is taken (the shared locks tell Threading.LockClasses' hook, which this
// installs while it runs) and before every access to shared state no lock covers
// (page-table entries: Threading.SharedAccess, whose observer this installs too; the
// simulated MMU's walks call it as well), and picks the next thread with a seeded
// random generator:
// the same seed replays the same interleaving exactly; many seeds explore many (Trace
// tells them apart: the sequence of threads picked).
//
// Two ways to pick (Exploration):
// - RandomWalk: any runnable thread, uniformly, at every point. Good at finely mixed
//   interleavings; it rarely lets one thread run far ahead of another.
// - Pct (probabilistic concurrency testing, Burckhardt et al., ASPLOS 2010; Microsoft
//   Coyote's prioritization strategy): each thread gets a random priority and the
//   highest runnable one runs; at depth - 1 random steps the running thread drops below
//   all others. A bug that needs `depth` ordering constraints is found with
//   probability at least 1/(threads * steps^(depth-1)) per seed, whatever the
//   interleaving it needs, including long runs of one thread the random walk misses.
//   A thread picked `PctFairnessBound` times in a row while another could run is
//   dropped too (a thread that waits for another by yielding in a loop would otherwise
//   spin forever: Coyote's strategies are made fair the same way).
// Each simulated thread is an OS thread, but only the one holding the baton runs.
//
// It is the IThreadBackend of the shared locks, so FifoMutex waiters really sleep
// here, and a lost wake-up shows as a deadlock.
public sealed class DeterministicScheduler : IThreadBackend
{
    // The id reported for code running outside any simulated thread (test set-up).
    public const int OutsideThreadId = 1_000_000;

    private sealed class SimThread
    {
        public int Id;
        public string Name = "";
        public Action Body = () => { };
        public Thread? Os;
        public readonly SemaphoreSlim Turn = new(0);
        public bool Finished;
        public bool Parked;
        public bool Permit;
    }

    private sealed class TearDown : Exception { }

    [ThreadStatic] private static SimThread? t_current;

    private readonly Random _random;
    private readonly List<SimThread> _threads = new();
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _done = new(false);
    private readonly List<int> _trace = new();
    private volatile bool _tornDown;
    private long _maxSteps;

    public int Seed { get; }
    public long Steps { get; private set; }
    public string? Failure { get; private set; }
    public IReadOnlyList<int> Trace => _trace;

    // interleaveLockOperations: false keeps the scheduling points to Yield, Park and a
    // thread's end (a test that defines a thread's arrival at a lock as its call to
    // Lock needs no switch between the two).
    private readonly bool _interleaveLockOperations;

    // interleaveSharedAccesses: false drops the points before unlocked shared accesses
    // (to show that a bug needs them to be found, or to keep a test's steps as they were).
    private readonly bool _interleaveSharedAccesses;

    public enum Exploration { RandomWalk, Pct }

    public const int PctFairnessBound = 1000;

    private readonly Exploration _exploration;
    private readonly HashSet<long> _pctChangePoints = new();
    private readonly Dictionary<int, double> _priority = new();
    private double _lowestPriority; // each drop goes below every priority so far
    private int _lastPicked = -1;
    private int _pickedInARow;

    public Exploration Strategy => _exploration;

    // pctDepth and pctSteps: Pct's bug depth and the steps over which its priority
    // change points are drawn (about a run's length: points past its end never come).
    public DeterministicScheduler(int seed, bool interleaveLockOperations = true,
        Exploration exploration = Exploration.RandomWalk, int pctDepth = 3, long pctSteps = 2000,
        bool interleaveSharedAccesses = true)
    {
        Seed = seed;
        _random = new Random(seed);
        _interleaveLockOperations = interleaveLockOperations;
        _interleaveSharedAccesses = interleaveSharedAccesses;
        _exploration = exploration;
        if (exploration == Exploration.Pct)
            while (_pctChangePoints.Count < pctDepth - 1 && _pctChangePoints.Count < pctSteps)
                _pctChangePoints.Add(1 + _random.NextInt64(pctSteps));
    }

    public int Spawn(Action body, string? name = null)
    {
        var thread = new SimThread { Id = _threads.Count, Body = body, Name = name ?? "thread " + _threads.Count };
        _threads.Add(thread);
        _priority[thread.Id] = 1 + _random.NextDouble(); // above every dropped priority (<= 0)
        return thread.Id;
    }

    public sealed record RunResult(bool Completed, string? Failure, long Steps, IReadOnlyList<int> Trace);

    // Run every spawned thread to its end. Returns the failure (exception, deadlock,
    // step limit) if the run did not complete; the seed is in the message.
    public RunResult Run(long maxSteps = 1_000_000)
    {
        ILockValidator? previous = LockClasses.Validator;
        ISharedAccessObserver? previousObserver = SharedAccess.Observer;
        if (_interleaveLockOperations)
            LockClasses.Validator = new LockOperationPoints(this);
        if (_interleaveSharedAccesses)
            SharedAccess.Observer = new SharedAccessPoints(this);
        try
        {
            return RunThreads(maxSteps);
        }
        finally
        {
            LockClasses.Validator = previous;
            SharedAccess.Observer = previousObserver;
        }
    }

    // The scheduling points taken before unlocked shared accesses (SharedAccessPoints
    // asked for a switch), for the tests' reports.
    public long SharedAccessPointsTaken { get; private set; }

    // A scheduling point before every access to shared state no lock covers: another
    // CPU may read or change a page-table entry between this thread's read of it and
    // its write, which lock operations alone never interleave.
    private sealed class SharedAccessPoints : ISharedAccessObserver
    {
        private readonly DeterministicScheduler _scheduler;

        public SharedAccessPoints(DeterministicScheduler scheduler) => _scheduler = scheduler;

        public void Accessing()
        {
            if (t_current == null)
                return;
            _scheduler.SharedAccessPointsTaken++;
            _scheduler.Yield();
        }
    }

    // A scheduling point before every lock is taken: another thread may run between
    // any two lock operations, as on real CPUs. Only before: a switch after taking a
    // lock would be one inside the critical section, where the kernel has none (its
    // spin locks' holders never yield; the frame allocator's waiters do not either).
    private sealed class LockOperationPoints : ILockValidator
    {
        private readonly DeterministicScheduler _scheduler;

        public LockOperationPoints(DeterministicScheduler scheduler) => _scheduler = scheduler;

        public void Acquiring(int lockClass, LockKind kind) => _scheduler.Yield();

        public void Acquired(int lockClass, LockKind kind)
        {
        }

        public void Released(int lockClass, LockKind kind)
        {
        }

        public void Sleeping()
        {
        }
    }

    private RunResult RunThreads(long maxSteps)
    {
        _maxSteps = maxSteps;
        foreach (var thread in _threads)
        {
            var t = thread;
            t.Os = new Thread(() => ThreadMain(t)) { IsBackground = true, Name = "sim " + t.Name };
            t.Os.Start();
        }
        if (_threads.Count > 0)
        {
            SimThread first;
            lock (_gate)
                first = Pick()!;
            first.Turn.Release();
            _done.Wait();
        }
        foreach (var thread in _threads)
            thread.Os?.Join();
        return new RunResult(Failure == null, Failure, Steps, _trace.ToArray());
    }

    private void ThreadMain(SimThread thread)
    {
        t_current = thread;
        try
        {
            thread.Turn.Wait();
            if (_tornDown)
                return;
            thread.Body();
        }
        catch (TearDown)
        {
            return;
        }
        catch (Exception e)
        {
            Fail($"seed {Seed}: {thread.Name} threw {e}");
            return;
        }
        thread.Finished = true;
        SwitchFrom(thread);
    }

    // ---- IThreadBackend -------------------------------------------------------------

    public int CurrentThreadId => t_current?.Id ?? OutsideThreadId;

    public void Yield()
    {
        SimThread? me = t_current;
        if (me == null)
            return; // set-up code outside the simulation runs alone
        SwitchFrom(me);
    }

    // One thread runs at a time here: no owner ever runs elsewhere, so a FIFO mutex
    // never spins (its sleeping path is the one explored).
    public bool RunsOnAnotherCpu(int threadId) => false;

    public void SpinPause() => Yield();

    // No clock here: a device's latency is a scheduling point (others run meanwhile).
    public void Sleep(int milliseconds) => Yield();

    public void ParkInterruptible() => Park();

    public void Park()
    {
        SimThread me = t_current ?? throw new InvalidOperationException("Park outside a simulated thread would block the test forever");
        lock (_gate)
        {
            if (me.Permit)
            {
                me.Permit = false;
                return;
            }
            me.Parked = true;
        }
        SwitchFrom(me);
    }

    public void Unpark(int threadId)
    {
        lock (_gate)
        {
            SimThread target = _threads[threadId];
            if (target.Parked)
                target.Parked = false;
            else
                target.Permit = true;
        }
    }

    // ---- the baton ----------------------------------------------------------------------

    private void SwitchFrom(SimThread me)
    {
        SimThread? next;
        lock (_gate)
        {
            if (_tornDown)
                throw new TearDown();
            Steps++;
            if (Steps > _maxSteps)
            {
                FailLocked($"seed {Seed}: step limit {_maxSteps} exceeded (livelock?)");
                throw new TearDown();
            }
            if (_exploration == Exploration.Pct && _pctChangePoints.Contains(Steps))
                Drop(me);
            next = Pick();
            if (next == null)
            {
                if (_threads.All(t => t.Finished))
                {
                    _done.Set();
                    return;
                }
                string parked = string.Join(", ", _threads.Where(t => !t.Finished).Select(t => t.Name));
                FailLocked($"seed {Seed}: deadlock: every unfinished thread is parked ({parked})");
                if (me.Finished)
                    return;
                throw new TearDown();
            }
            _trace.Add(next.Id);
        }
        if (next == me)
            return;
        next.Turn.Release();
        if (me.Finished)
            return;
        me.Turn.Wait();
        if (_tornDown)
            throw new TearDown();
    }

    private SimThread? Pick()
    {
        var runnable = _threads.Where(t => !t.Finished && !t.Parked).ToList();
        if (runnable.Count == 0)
            return null;
        if (_exploration == Exploration.RandomWalk)
            return runnable[_random.Next(runnable.Count)];
        SimThread best = runnable.MaxBy(t => _priority[t.Id])!;
        _pickedInARow = best.Id == _lastPicked ? _pickedInARow + 1 : 1;
        if (_pickedInARow > PctFairnessBound && runnable.Count > 1)
        {
            Drop(best);
            best = runnable.MaxBy(t => _priority[t.Id])!;
            _pickedInARow = 1;
        }
        _lastPicked = best.Id;
        return best;
    }

    // Pct: the thread goes below every other (under _gate).
    private void Drop(SimThread thread)
    {
        _lowestPriority -= 1;
        _priority[thread.Id] = _lowestPriority;
    }

    private void Fail(string message)
    {
        lock (_gate)
            FailLocked(message);
    }

    private void FailLocked(string message)
    {
        if (_tornDown)
            return;
        Failure = message;
        _tornDown = true;
        foreach (var thread in _threads)
            thread.Turn.Release();
        _done.Set();
    }
}
