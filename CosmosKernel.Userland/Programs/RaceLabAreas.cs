using CosmosKernel.Abi;
using System;
using System.Threading;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // Scenario 9, the seed's: threads of one process, each in its own area of memory,
    // each doing what programs do (map memory, fault it in, move it through a syscall,
    // unmap it), and one slow page-in among them.
    //
    // Areas: 1 thread, then one per CPU (2 to 4), each running AreaRounds rounds of: mmap
    // AreaPages anonymous pages, touch each (demand-zero faults), write 16 KiB of them
    // into its own pipe and read them back (a copy_from_user and a copy_to_user), munmap.
    // Nothing is shared but the process's address space and its locks. Printed: rounds
    // per second with 1 and with N threads, and the address-space lock's waits (the
    // process's count, and the cycles of every "mm lock" wait in the kernel meanwhile).
    //
    // Slow page-in: the other threads keep running rounds while this one copies
    // SlowPages pages of a file mapping from /slow/racelab (the same bytes as
    // /modules/racelab, behind a backing store that takes 10 ms per page:
    // Processes/Ramdisk.cs) into a pipe, one page per write(2), so each copy has to load
    // its page first. Under pagelock, pin and extable the load runs with the address
    // space's lock released, so only the copying thread waits; under mmlock the copy
    // holds that lock across the load, and every other thread's mmap, fault and copy
    // waits for it. Printed: how many rounds the others did during the slow copies,
    // against as long a time right after, and the address-space lock's waits meanwhile.
    // The copied bytes are checked against the file's.
    public static unsafe partial class RaceLab
    {
        private const int AreaPages = 8;
        private const int AreaRounds = 32;
        private const int MaxAreaThreads = 4;
        private const int SlowPages = 8;

        private static int s_areasGo, s_areasStop, s_areasReady;
        private static long s_areasRounds;     // rounds done by every worker so far
        private static int s_areasFailures;    // a syscall failed or a copy came back short
        private static int s_areasRoundLimit;  // 0: until s_areasStop
        private static readonly long[] s_areasFinishedAt = new long[MaxAreaThreads];

        private static void Areas(string strategy, int cpus)
        {
            int threads = cpus < 2 ? 2 : cpus > MaxAreaThreads ? MaxAreaThreads : cpus;
            long one = AreasTimed(1, out ulong waitsOne, out ulong cyclesOne);
            long many = AreasTimed(threads, out ulong waits, out ulong cycles);
            long perSecondOne = one > 0 ? (long)AreaRounds * 1000000000L / one : 0;
            long perSecondMany = many > 0 ? (long)threads * AreaRounds * 1000000000L / many : 0;
            long scalingPercent = perSecondOne > 0 ? perSecondMany * 100 / perSecondOne : 0;
            Console.WriteLine("racelab: areas under " + strategy + ": 1 thread " + perSecondOne.ToString() + " rounds/s, "
                + threads.ToString() + " threads " + perSecondMany.ToString() + " rounds/s (" + scalingPercent.ToString()
                + "% of one); address-space lock waits " + waits.ToString() + " (" + (cycles / 1000).ToString() + " thousand cycles)"
                + (s_areasFailures != 0 ? "; " + s_areasFailures.ToString() + " rounds failed" : ""));
            Console.WriteLine("AREAS strategy=" + strategy + " cpus=" + cpus.ToString() + " threads=" + threads.ToString()
                + " rounds_per_s_1=" + perSecondOne.ToString() + " rounds_per_s_n=" + perSecondMany.ToString()
                + " scaling_percent=" + scalingPercent.ToString() + " mm_lock_waits=" + waits.ToString()
                + " mm_lock_wait_cycles=" + cycles.ToString() + " failures=" + s_areasFailures.ToString());
            s_areasFailures = 0;
            SlowPageIn(strategy, cpus, threads - 1);
        }

        // Nanoseconds for `threads` workers to do AreaRounds rounds each; the process's
        // address-space lock waits meanwhile and the kernel's "mm lock" wait cycles.
        private static long AreasTimed(int threads, out ulong mmLockWaits, out ulong mmLockWaitCycles)
        {
            s_areasRoundLimit = AreaRounds;
            UserThread[] workers = StartAreaWorkers(threads);
            Snapshot(out VmmInfo before, out ulong cyclesBefore);
            long start = Sys.MonotonicNanoseconds();
            Volatile.Write(ref s_areasGo, 1);
            while (Volatile.Read(ref s_areasRounds) < (long)threads * AreaRounds && Volatile.Read(ref s_areasStop) == 0)
                Sys.SleepNanoseconds(100_000);
            Snapshot(out VmmInfo after, out ulong cyclesAfter);
            StopAreaWorkers(workers);
            long last = start;
            for (int i = 0; i < threads; i++)
                if (s_areasFinishedAt[i] > last)
                    last = s_areasFinishedAt[i];
            mmLockWaits = after.MmLockWaits - before.MmLockWaits;
            mmLockWaitCycles = cyclesAfter - cyclesBefore;
            return last - start;
        }

        private static void SlowPageIn(string strategy, int cpus, int others)
        {
            int* fds = stackalloc int[2];
            byte* expected = stackalloc byte[Page];
            byte* copied = stackalloc byte[Page];
            long slow = Sys.Open("/slow/racelab");
            long fast = Sys.Open("/modules/racelab");
            long mapping = slow < 0 ? slow : Sys.MmapFile(0, SlowPages * Page, Prot.Read, MapFlags.Private, (int)slow, 0);
            if (slow < 0 || fast < 0 || mapping < 0 || Sys.Pipe(fds) != 0)
            {
                Console.WriteLine("racelab: slow page-in under " + strategy + ": could not set up (" + slow.ToString() + ", "
                    + fast.ToString() + ", " + mapping.ToString() + ")");
                Console.WriteLine("SLOWPAGEIN strategy=" + strategy + " failed=setup");
                return;
            }
            s_areasRoundLimit = 0;
            UserThread[] workers = StartAreaWorkers(others);
            Volatile.Write(ref s_areasGo, 1);
            Sys.SleepNanoseconds(20_000_000); // the others are under way

            Snapshot(out VmmInfo before, out ulong cyclesBefore);
            long roundsBefore = Volatile.Read(ref s_areasRounds);
            long start = Sys.MonotonicNanoseconds();
            int badData = 0;
            for (int p = 0; p < SlowPages; p++)
            {
                // One page per write: its copy_from_user loads the page from the slow store.
                bool whole = Sys.Write(fds[1], (byte*)mapping + p * Page, Page) == Page
                    && Sys.Read(fds[0], copied, Page) == Page
                    && Sys.Read((int)fast, expected, Page) == Page;
                for (int i = 0; whole && i < Page; i++)
                    if (copied[i] != expected[i])
                        whole = false;
                if (!whole)
                    badData++;
            }
            long slowNanoseconds = Sys.MonotonicNanoseconds() - start;
            long roundsDuring = Volatile.Read(ref s_areasRounds) - roundsBefore;
            Snapshot(out VmmInfo after, out ulong cyclesAfter);

            // The same time right after, without the slow copies: what the others do alone.
            long roundsAfterStart = Volatile.Read(ref s_areasRounds);
            Sys.SleepNanoseconds(slowNanoseconds);
            long roundsAlone = Volatile.Read(ref s_areasRounds) - roundsAfterStart;
            StopAreaWorkers(workers);

            ulong fileLoads = after.FileLoadFaults - before.FileLoadFaults;
            ulong waits = after.MmLockWaits - before.MmLockWaits;
            ulong cycles = cyclesAfter - cyclesBefore;
            long progressPercent = roundsAlone > 0 ? roundsDuring * 100 / roundsAlone : 0;
            Console.WriteLine("racelab: slow page-in under " + strategy + ": " + SlowPages.ToString() + " pages loaded in "
                + (slowNanoseconds / 1000000).ToString() + " ms while " + others.ToString() + (others == 1 ? " other thread" : " other threads")
                + " did " + roundsDuring.ToString() + " rounds (" + roundsAlone.ToString() + " in as long right after: "
                + progressPercent.ToString() + "%); address-space lock waits " + waits.ToString() + " ("
                + (cycles / 1000).ToString() + " thousand cycles); pages copied wrong " + badData.ToString());
            Console.WriteLine("SLOWPAGEIN strategy=" + strategy + " cpus=" + cpus.ToString() + " other_threads=" + others.ToString()
                + " slow_pages=" + SlowPages.ToString() + " file_loads=" + fileLoads.ToString()
                + " slow_ms=" + (slowNanoseconds / 1000000).ToString() + " others_rounds_during=" + roundsDuring.ToString()
                + " others_rounds_after=" + roundsAlone.ToString() + " progress_percent=" + progressPercent.ToString()
                + " mm_lock_waits=" + waits.ToString() + " mm_lock_wait_cycles=" + cycles.ToString()
                + " bad_data=" + badData.ToString() + " failures=" + s_areasFailures.ToString());
            s_areasFailures = 0;
            Sys.Munmap((ulong)mapping, SlowPages * Page);
            Sys.Close((int)slow);
            Sys.Close((int)fast);
            Sys.Close(fds[0]);
            Sys.Close(fds[1]);
        }

        // The process's counters and the kernel's "mm lock" wait cycles, together.
        private static void Snapshot(out VmmInfo info, out ulong mmLockWaitCycles)
        {
            VmmInfo read;
            Sys.GetVmmInfo(&read);
            info = read;
            Sys.LockClassWaits("mm lock", out _, out mmLockWaitCycles);
        }

        private static UserThread[] StartAreaWorkers(int threads)
        {
            Volatile.Write(ref s_areasGo, 0);
            Volatile.Write(ref s_areasStop, 0);
            Volatile.Write(ref s_areasRounds, 0);
            s_areasReady = 0;
            var workers = new UserThread[threads];
            for (int i = 0; i < threads; i++)
                workers[i] = UserThread.Start(&AreaWorker, (ulong)i);
            while (Volatile.Read(ref s_areasReady) < threads)
                Sys.SleepNanoseconds(100_000);
            return workers;
        }

        private static void StopAreaWorkers(UserThread[] workers)
        {
            Volatile.Write(ref s_areasStop, 1);
            UserThread.JoinAll(workers);
        }

        // One worker: its own pipe and its own mappings; rounds until the limit or the stop.
        private static void AreaWorker(ulong index)
        {
            int* fds = stackalloc int[2];
            bool ready = Sys.Pipe(fds) == 0;
            if (!ready)
                Interlocked.Increment(ref s_areasFailures);
            Interlocked.Increment(ref s_areasReady);
            while (Volatile.Read(ref s_areasGo) == 0 && Volatile.Read(ref s_areasStop) == 0)
                Sys.Yield();
            for (int round = 0; ready && Volatile.Read(ref s_areasStop) == 0 && (s_areasRoundLimit == 0 || round < s_areasRoundLimit); round++)
            {
                if (!AreaRound(fds))
                    Interlocked.Increment(ref s_areasFailures);
                Interlocked.Increment(ref s_areasRounds);
            }
            s_areasFinishedAt[index] = Sys.MonotonicNanoseconds();
            if (!ready)
                return;
            Sys.Close(fds[0]);
            Sys.Close(fds[1]);
        }

        // mmap, fault in, copy out and back through the pipe, munmap: true if all went whole.
        private static bool AreaRound(int* fds)
        {
            const int bytes = AreaPages * Page;
            const int copy = 4 * Page; // what the pipe holds
            long area = Sys.Mmap(0, bytes, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (area < 0)
                return false;
            byte* p = (byte*)area;
            for (int i = 0; i < bytes; i += Page)
                p[i] = (byte)(i >> 12); // a demand-zero fault per page
            bool whole = Sys.Write(fds[1], p, copy) == copy && Sys.Read(fds[0], p + copy, copy) == copy && p[copy + Page] == 1;
            return Sys.Munmap((ulong)area, bytes) == 0 && whole;
        }
    }
}
