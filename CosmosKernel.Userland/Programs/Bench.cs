using CosmosKernel.Abi;
using System;
using System.Threading;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // bench: the benchmarks, in one boot, in TSC cycles. Every figure that is compared
    // with another is measured in the same boot: user copies against plain memcpy of
    // the same size (the kernel times both, cosmos_bench), with the process's other
    // threads idle or spinning on other CPUs (so TLB shootdowns must interrupt them).
    // One machine-readable BENCH line per figure; `dotnet run --project
    // CosmosKernel.Launcher -- bench` turns them into docs/benchmarks.md.
    //
    // Run with the `bench` boot option (it lets this program switch strategies).
    public static unsafe class Bench
    {
        private static readonly string[] Strategies = { "pagelock", "mmlock", "extable", "pin", "naive" };
        private static readonly int[] Sizes = { 64, 4096, 65536, 1 << 20 };
        private const int Page = 4096;

        private static int s_spin; // spinner threads run while this is 1

        public static int Main(string[] args)
        {
            VmmInfo info;
            Sys.GetVmmInfo(&info);
            int cpus = (int)info.CpusOnline;
            string booted = Sys.CopyStrategy();
            bool switching = Sys.SetStrategy(booted) == 0;
            string[] strategies = switching ? Strategies : new[] { booted };
            Console.WriteLine("bench: " + cpus.ToString() + " CPUs, strategies " + (switching ? "all" : booted));

            long buffer = Sys.Mmap(0, 1 << 20, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (buffer < 0)
                return 1;
            for (int i = 0; i < 1 << 20; i += Page)
                ((byte*)buffer)[i] = 1; // every page present: the copies measure copying, not faults

            int[] busy = cpus >= 4 ? new[] { 0, 1, 3 } : cpus >= 2 ? new[] { 0, 1 } : new[] { 0 };
            for (int b = 0; b < busy.Length; b++)
            {
                UserThread[] spinners = StartSpinners(busy[b]);
                for (int s = 0; s < strategies.Length; s++)
                {
                    if (switching)
                        Sys.SetStrategy(strategies[s]);
                    for (int z = 0; z < Sizes.Length; z++)
                    {
                        // Fewer iterations for bigger copies; 64 B copies on 1 and 3 busy
                        // CPUs add nothing (no page to lock across CPUs).
                        if (busy[b] > 0 && Sizes[z] < Page)
                            continue;
                        // With busy CPUs every page lock costs IPIs that wait for those
                        // CPUs: far slower under QEMU TCG, so fewer iterations there.
                        ulong iterations = Sizes[z] <= Page ? 2000UL : Sizes[z] <= 65536 ? 200UL : 16UL;
                        if (busy[b] > 0)
                            iterations = iterations / 8 > 2 ? iterations / 8 : 2;
                        for (ulong direction = CosmosBench.FromUser; direction <= CosmosBench.ToUser; direction++)
                            CopyLine(strategies[s], (ulong)buffer, Sizes[z], direction, iterations, busy[b]);
                    }
                }
                if (switching)
                    Sys.SetStrategy(booted);
                Munmaps(busy[b]);
                StopSpinners(spinners);
            }
            Sys.Munmap((ulong)buffer, 1 << 20);

            for (int s = 0; s < strategies.Length; s++)
            {
                if (switching)
                    Sys.SetStrategy(strategies[s]);
                for (int threads = 1; threads <= cpus && threads <= MaxScalingThreads; threads *= 2)
                    Scaling(strategies[s], threads);
            }
            if (switching)
                Sys.SetStrategy(booted);
            Fairness("fifo", LockFairnessResult.FifoMutex);
            Fairness("spin", LockFairnessResult.SpinLock);

            NullSyscall();
            DemandZero();
            CopyOnWrite();
            Console.WriteLine("bench: done");
            return 0;
        }

        private static int s_touched; // the touches' sum, so they are not optimized away

        private static void CopyLine(string strategy, ulong buffer, int size, ulong direction, ulong iterations, int busy)
        {
            VmmInfo before, after; // this thread's own waits during the copies: the profile
            Sys.GetVmmInfo(&before);
            long copy;
            if (busy == 0)
            {
                copy = Syscall.Invoke(SyscallNumbers.CosmosBench, CosmosBench.CopyUser, buffer, (ulong)size, direction, iterations, 0);
            }
            else
            {
                // With other CPUs in the process, the program touches its buffer between
                // copies, as one that fills or reads it does: pagelock then has a page some
                // CPU may cache, and shoots it down (a buffer nobody touched since the
                // last copy is not shot down again: docs/vmm.md). Only the copies count.
                copy = 0;
                for (ulong i = 0; i < iterations && copy >= 0; i++)
                {
                    for (int offset = 0; offset < size; offset += Page)
                        s_touched += ((byte*)buffer)[offset];
                    long one = Syscall.Invoke(SyscallNumbers.CosmosBench, CosmosBench.CopyUser, buffer, (ulong)size, direction, 1, 0);
                    copy = one < 0 ? one : copy + one;
                }
            }
            Sys.GetVmmInfo(&after);
            long memcpy = Syscall.Invoke(SyscallNumbers.CosmosBench, CosmosBench.Memcpy, buffer, (ulong)size, direction, iterations, 0);
            if (copy < 0 || memcpy < 0)
            {
                Console.WriteLine("bench: cosmos_bench failed (" + copy.ToString() + ", " + memcpy.ToString() + ")");
                return;
            }
            Console.WriteLine("BENCH copy strategy=" + strategy + " direction=" + (direction == CosmosBench.FromUser ? "from_user" : "to_user")
                + " size=" + size.ToString() + " busy_cpus=" + busy.ToString()
                + " copy_cycles=" + (copy / (long)iterations).ToString() + " memcpy_cycles=" + (memcpy / (long)iterations).ToString()
                + " lock_wait_cycles=" + ((after.LockWaitCycles - before.LockWaitCycles) / iterations).ToString()
                + " shootdowns=" + ((after.ShootdownRounds - before.ShootdownRounds) / iterations).ToString()
                + " shootdown_wait_cycles=" + ((after.ShootdownWaitCycles - before.ShootdownWaitCycles) / iterations).ToString());
        }

        // Scaling: `threads` threads, each on its own CPU if there are enough, copy 64 KiB
        // to and from their own buffer (and their own kernel buffer, slot = thread), the
        // same work each. Wall time from the start signal to the last one done: with
        // perfect scaling it does not grow with the threads. The median of ScalingRuns
        // runs, with that run's waits: one run is at the mercy of the host's scheduler.
        private const int MaxScalingThreads = 4;
        private const int ScalingSize = 65536;
        private const ulong ScalingCopies = 128; // per thread, alternating direction in halves
        private const int ScalingRuns = 3;
        private static int s_go;
        private static int s_scalingFailures;

        private static void Scaling(string strategy, int threads)
        {
            ulong* cycles = stackalloc ulong[ScalingRuns];
            long* lockWaits = stackalloc long[ScalingRuns];
            long* shootdownWaits = stackalloc long[ScalingRuns];
            int failures = 0;
            for (int run = 0; run < ScalingRuns; run++)
            {
                s_scalingLockWait = 0;
                s_scalingShootdownWait = 0;
                s_scalingFailures = 0;
                cycles[run] = ScalingRun(threads);
                lockWaits[run] = s_scalingLockWait;
                shootdownWaits[run] = s_scalingShootdownWait;
                failures += s_scalingFailures;
            }
            int median = 0; // the run whose time has as many runs below it as above
            for (int run = 0; run < ScalingRuns; run++)
            {
                int below = 0;
                for (int other = 0; other < ScalingRuns; other++)
                    if (cycles[other] < cycles[run] || (cycles[other] == cycles[run] && other < run))
                        below++;
                if (below == ScalingRuns / 2)
                    median = run;
            }
            Console.WriteLine("BENCH scaling strategy=" + strategy + " threads=" + threads.ToString() + " size=" + ScalingSize.ToString()
                + " copies_per_thread=" + ScalingCopies.ToString() + " cycles=" + cycles[median].ToString()
                + " failures=" + failures.ToString()
                + " lock_wait_cycles=" + lockWaits[median].ToString() + " shootdown_wait_cycles=" + shootdownWaits[median].ToString());
        }

        // One run: the cycles from the start signal until every worker is done.
        private static ulong ScalingRun(int threads)
        {
            var workers = new UserThread[threads];
            Volatile.Write(ref s_go, 0);
            s_ready = 0;
            for (int i = 0; i < threads; i++)
                workers[i] = UserThread.Start(&ScalingWorker, (ulong)i);
            while (Volatile.Read(ref s_ready) < threads)
                Sys.Yield();
            ulong start = Syscall.ReadTimestampCounter();
            Volatile.Write(ref s_go, 1);
            UserThread.JoinAll(workers);
            return Syscall.ReadTimestampCounter() - start;
        }

        private static int s_ready;
        private static long s_scalingLockWait, s_scalingShootdownWait; // all workers' own waits (their profile)

        private static void ScalingWorker(ulong slot)
        {
            long buffer = Sys.Mmap(0, ScalingSize, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (buffer >= 0)
            {
                for (int i = 0; i < ScalingSize; i += Page)
                    ((byte*)buffer)[i] = 1; // present before the clock starts
            }
            Interlocked.Increment(ref s_ready);
            while (Volatile.Read(ref s_go) == 0)
                Sys.Yield();
            if (buffer < 0)
            {
                Interlocked.Increment(ref s_scalingFailures);
                return;
            }
            VmmInfo before, after;
            Sys.GetVmmInfo(&before);
            for (ulong direction = CosmosBench.FromUser; direction <= CosmosBench.ToUser; direction++)
                if (Syscall.Invoke(SyscallNumbers.CosmosBench, CosmosBench.CopyUser, (ulong)buffer, ScalingSize, direction, ScalingCopies / 2, slot) < 0)
                    Interlocked.Increment(ref s_scalingFailures);
            Sys.GetVmmInfo(&after);
            Interlocked.Add(ref s_scalingLockWait, (long)(after.LockWaitCycles - before.LockWaitCycles));
            Interlocked.Add(ref s_scalingShootdownWait, (long)(after.ShootdownWaitCycles - before.ShootdownWaitCycles));
            Sys.Munmap((ulong)buffer, ScalingSize);
        }

        // The kernel's FIFO mutex against a test-and-set spinlock, 4 kernel threads
        // (cosmos_bench op 2, the race lab's scenario 8): waits in cycles.
        private static void Fairness(string name, ulong kind)
        {
            LockFairnessResult result;
            long status = Sys.MeasureLockFairness(kind, &result);
            if (status != 0)
            {
                Console.WriteLine("bench: lock fairness (" + name + ") failed: " + status.ToString());
                return;
            }
            Console.WriteLine("BENCH fairness " + Sys.FairnessFields(result, name));
        }

        // munmap of 1 and of 256 touched pages: the shootdown reaches the busy CPUs.
        private static void Munmaps(int busy)
        {
            for (int pages = 1; pages <= 256; pages *= 256)
            {
                int Rounds = busy > 0 ? 2 : 8;
                ulong total = 0;
                for (int round = 0; round < Rounds; round++)
                {
                    long region = Sys.Mmap(0, (ulong)(pages * Page), Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
                    if (region < 0)
                        return;
                    for (int p = 0; p < pages; p++)
                        ((byte*)region)[p * Page] = 1;
                    ulong start = Syscall.ReadTimestampCounter();
                    Sys.Munmap((ulong)region, (ulong)(pages * Page));
                    total += Syscall.ReadTimestampCounter() - start;
                }
                Console.WriteLine("BENCH munmap pages=" + pages.ToString() + " busy_cpus=" + busy.ToString()
                    + " cycles=" + (total / (ulong)Rounds).ToString());
            }
        }

        private static void NullSyscall()
        {
            const int Calls = 10000;
            ulong start = Syscall.ReadTimestampCounter();
            for (int i = 0; i < Calls; i++)
                Sys.GetPid();
            Console.WriteLine("BENCH syscall name=getpid cycles=" + ((Syscall.ReadTimestampCounter() - start) / Calls).ToString());
        }

        private static void DemandZero()
        {
            const int Pages = 256;
            long region = Sys.Mmap(0, Pages * Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (region < 0)
                return;
            ulong start = Syscall.ReadTimestampCounter();
            for (int p = 0; p < Pages; p++)
                ((byte*)region)[p * Page] = 1;
            ulong cycles = (Syscall.ReadTimestampCounter() - start) / Pages;
            Sys.Munmap((ulong)region, Pages * Page);
            Console.WriteLine("BENCH fault kind=demand_zero cycles=" + cycles.ToString());
        }

        // Write to pages shared copy-on-write with a child that waits on a pipe.
        private static void CopyOnWrite()
        {
            const int Pages = 256;
            long region = Sys.Mmap(0, Pages * Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (region < 0)
                return;
            for (int p = 0; p < Pages; p++)
                ((byte*)region)[p * Page] = 1;
            int* fds = stackalloc int[2];
            if (Sys.Pipe(fds) != 0)
                return;
            long child = Sys.Fork();
            if (child == 0)
            {
                byte one;
                Sys.Read(fds[0], &one, 1); // hold the pages shared until the parent is done
                Sys.Exit(0);
            }
            ulong start = Syscall.ReadTimestampCounter();
            for (int p = 0; p < Pages; p++)
                ((byte*)region)[p * Page] = 2;
            ulong cycles = (Syscall.ReadTimestampCounter() - start) / Pages;
            byte go = 1;
            Sys.Write(fds[1], &go, 1);
            Sys.Wait(child, out int status);
            Sys.Close(fds[0]);
            Sys.Close(fds[1]);
            Sys.Munmap((ulong)region, Pages * Page);
            Console.WriteLine("BENCH fault kind=copy_on_write cycles=" + cycles.ToString());
        }

        private static UserThread[] StartSpinners(int count)
        {
            Volatile.Write(ref s_spin, 1);
            var threads = new UserThread[count];
            for (int i = 0; i < count; i++)
                threads[i] = UserThread.Start(&Spin, 0);
            Sys.Yield();
            return threads;
        }

        private static void StopSpinners(UserThread[] threads)
        {
            Volatile.Write(ref s_spin, 0);
            UserThread.JoinAll(threads);
        }

        // Run in ring 3 on another CPU with this address space loaded, touching nothing.
        private static void Spin(ulong unused)
        {
            while (Volatile.Read(ref s_spin) == 1)
            {
            }
        }
    }
}
