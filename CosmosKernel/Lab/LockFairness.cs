using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Processes;
using CosmosKernel.Scheduling;
using CosmosKernel.Threading;

namespace CosmosKernel.Lab
{
    // cosmos_bench op 2 (race-lab scenario 8, fairness): Threads kernel threads take one
    // lock Rounds times each, hold it across a scheduling point (so the others queue
    // up) and ask again as soon as they release it. For every acquisition it counts how many acquisitions by other threads
    // overtook it while it waited (a FIFO lock: at most Threads - 1) and how long it
    // waited (TSC). Kind 0 is the kernel's FifoMutex; kind 1 the test-and-set SpinLock
    // (whose contract forbids holding it across a yield: here that is the point).
    // Writes a LockFairnessResult (Abi/) to `results`. One run at a time (s_oneRun):
    // the workers share the statics below (a thread entry is a bare function pointer,
    // so the workers find their run there), and a second caller waits its turn.
    public sealed unsafe class LockFairness
    {
        public const int Threads = 4;
        public const int Rounds = 100;
        public const ulong HoldsPerSecond = 20000; // each hold lasts at least 50 us
        // A run ends after this long even if not every round was made (Acquisitions says
        // how many were): each hold yields, so on CPUs that many ring-3 threads share
        // each round waits behind their ticks, and a run measured the fuzzer's 20 s
        // watchdog out (twice in issue 13's session). Unloaded, a run takes milliseconds.
        public const ulong RunLimitSeconds = 5;

        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;

        public LockFairness(Scheduler scheduler, UserCopier copier)
        {
            _scheduler = scheduler;
            _copier = copier;
            s_oneRun = new FifoMutex(scheduler, 4, "fairness run");
        }

        private static FifoMutex s_oneRun;         // held for a whole run
        private static FifoMutex s_fifo;
        private static SpinLock s_spin;
        private static int s_kind;
        private static long s_granted;             // acquisitions so far (under the lock)
        private static long* s_waits;              // the wait of each acquisition (under the lock)
        private static ulong s_deadline;           // TSC: the run's end at the latest
        private static long s_worstOvertaken;
        private static int s_workers, s_started;   // the start line: workers made, workers there
        private static Scheduler s_scheduler;        // the workers' scheduler (set by Run)
        private static Process s_caller;             // whose syscall the run is: it stops when that process ends

        public long Run(Process process, ulong kind, ulong results)
        {
            if (kind > LockFairnessResult.SpinLock)
                return -Errno.EINVAL;
            s_oneRun.Lock();
            s_scheduler = _scheduler;
            s_caller = process; // under s_oneRun, as every static of a run
            long status = RunLocked(process, kind, results);
            s_caller = null; // the run's statics keep no process alive (the collector takes it once it ends)
            s_oneRun.Unlock();
            return status;
        }

        private long RunLocked(Process process, ulong kind, ulong results)
        {
            var scheduler = _scheduler;
            s_fifo = new FifoMutex(scheduler, Threads + 1, "fairness");
            s_spin = new SpinLock(scheduler, "fairness spin");
            s_kind = (int)kind;
            s_granted = 0;
            s_worstOvertaken = 0;
            s_deadline = Native.ReadTimestampCounter() + Pit.TscPerSecond * RunLimitSeconds;
            if (s_waits == null)
                s_waits = (long*)Internal.Runtime.RuntimeHeap.AllocateRaw(Threads * Rounds * sizeof(long));
            // Made first, then started, and they wait at a start line for each other: a
            // worker that began alone (each goes to a CPU of its own while there are
            // idle ones, and a halted CPU takes long to wake under emulation) could
            // finish its rounds before the next began, and nobody would wait for
            // anybody. The line counts the workers made, not Threads: at the thread
            // limit (the fuzzer gets there) fewer are, and a line waiting for all would
            // wait for ever.
            int* ids = stackalloc int[Threads];
            s_workers = 0;
            s_started = 0;
            for (int t = 0; t < Threads; t++)
            {
                ids[t] = scheduler.Spawn(&Worker, (ulong)t, "fairness", start: false);
                if (ids[t] >= 0)
                    s_workers++;
            }
            for (int t = 0; t < Threads; t++)
                if (ids[t] >= 0)
                    scheduler.Start(ids[t]);
            for (int t = 0; t < Threads; t++)
                if (ids[t] >= 0)
                    scheduler.Join(ids[t]);

            int count = (int)s_granted;
            if (count == 0)
                s_waits[count++] = 0; // no acquisition at all: nothing to report but zeros
            Sort(s_waits, count);
            LockFairnessResult result;
            result.Acquisitions = s_granted;
            result.WorstOvertaken = s_worstOvertaken;
            result.WorstWaitCycles = s_waits[count - 1];
            result.MedianWaitCycles = s_waits[count / 2];
            // A process that is ending (exit_group, a fatal signal on another thread)
            // does not wait for the rest of a measurement it will not read.
            if (Volatile.Read(ref process.Exiting))
                return -Errno.EINTR;
            return _copier.CopyToUser(process.Space, results, (byte*)&result, (ulong)sizeof(LockFairnessResult)) == 0
                ? 0 : -Errno.EFAULT;
        }

        // A worker's state is under the lock it measures (the spin lock here is held
        // across a yield on purpose).
        private static void Worker(ulong index)
        {
            var scheduler = s_scheduler;
            Interlocked.Increment(ref s_started);
            while (Volatile.Read(ref s_started) < s_workers && !Volatile.Read(ref s_caller.Exiting) && !Expired())
                scheduler.Yield();
            for (int round = 0; round < Rounds && !Volatile.Read(ref s_caller.Exiting) && !Expired(); round++)
            {
                long before = Volatile.Read(ref s_granted);
                ulong start = Native.ReadTimestampCounter();
                long overtaken;
                if (s_kind == (int)LockFairnessResult.FifoMutex)
                {
                    overtaken = s_fifo.LockCountingOvertakers(); // counted from the mutex's view of the arrival
                }
                else
                {
                    s_spin.Acquire();
                    overtaken = s_granted - before; // a spin lock has no arrival: from the call
                }
                s_waits[s_granted] = (long)(Native.ReadTimestampCounter() - start);
                if (overtaken > s_worstOvertaken)
                    s_worstOvertaken = overtaken;
                s_granted++;
                // Hold the lock across a scheduling point, and for a while: the others
                // must be waiting when it is let go, even where the host runs the
                // virtual CPUs one after another (the rounds would not overlap).
                ulong holdEnd = Native.ReadTimestampCounter() + Pit.TscPerSecond / HoldsPerSecond;
                scheduler.Yield();
                while (Native.ReadTimestampCounter() < holdEnd)
                    Native.Pause();
                if (s_kind == (int)LockFairnessResult.FifoMutex)
                    s_fifo.Unlock();
                else
                    s_spin.Release();
                // No pause before asking again: a test-and-set lock lets this thread
                // barge back in ahead of the waiters; the FIFO mutex has already handed
                // the lock to the first of them.
            }
        }

        private static bool Expired() => Native.ReadTimestampCounter() >= s_deadline;

        private static void Sort(long* values, int count)
        {
            for (int i = 1; i < count; i++)
            {
                long value = values[i];
                int j = i - 1;
                while (j >= 0 && values[j] > value)
                {
                    values[j + 1] = values[j];
                    j--;
                }
                values[j + 1] = value;
            }
        }
    }
}
