using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // threads: four threads of one process add to one counter under a futex mutex
    // while the timer preempts them; the main thread joins them, checks the count and
    // the thread ids, and times a nanosleep with clock_gettime.
    public static unsafe class Threads
    {
        private const int Workers = 4;
        private const int Increments = 20000;

        private static FutexMutex s_mutex;
        private static long s_counter;
        private static long[] s_tids;
        private static int s_cpusSeen; // bit n: a worker ran on CPU n

        public static int Main(string[] args)
        {
            long pid = Sys.GetPid();
            Console.WriteLine("threads: pid " + pid.ToString() + ", main thread tid " + Sys.GetTid().ToString());
            s_mutex = new FutexMutex();
            s_tids = new long[Workers];
            var threads = new UserThread[Workers];
            for (int i = 0; i < Workers; i++)
            {
                threads[i] = UserThread.Start(&Work, (ulong)i);
                if (threads[i] == null)
                {
                    Console.WriteLine("threads: could not start thread " + i.ToString());
                    return 1;
                }
            }
            for (int i = 0; i < Workers; i++)
                threads[i].Join();

            bool distinct = true;
            for (int i = 0; i < Workers; i++)
            {
                distinct &= s_tids[i] > 0 && s_tids[i] != pid && s_tids[i] == threads[i].Tid;
                for (int j = 0; j < i; j++)
                    distinct &= s_tids[i] != s_tids[j];
            }
            Console.WriteLine("threads: " + Workers.ToString() + " threads added " + s_counter.ToString() + " (expected "
                + (Workers * Increments).ToString() + "), thread ids " + (distinct ? "distinct" : "NOT distinct"));

            int cpus = 0;
            for (int bit = 0; bit < 32; bit++)
                if ((s_cpusSeen & (1 << bit)) != 0)
                    cpus++;
            Console.WriteLine("threads: the workers ran on " + cpus.ToString() + (cpus == 1 ? " CPU" : " CPUs"));

            long before = Sys.MonotonicNanoseconds();
            long slept = Sys.SleepNanoseconds(50 * 1000000);
            long elapsed = Sys.MonotonicNanoseconds() - before;
            Console.WriteLine("threads: nanosleep(50 ms) returned " + slept.ToString() + " after " + (elapsed / 1000000).ToString() + " ms");

            bool ok = s_counter == Workers * Increments && distinct && slept == 0 && elapsed >= 50 * 1000000;
            return ok ? 0 : 1;
        }

        private static void Work(ulong index)
        {
            s_tids[index] = Sys.GetTid();
            for (int i = 0; i < Increments; i++)
            {
                s_mutex.Lock();
                long value = s_counter;
                if ((i & 1023) == 0)
                    Sys.Yield(); // a switch inside the critical section, on purpose
                s_counter = value + 1;
                if ((i & 255) == 0)
                {
                    long cpu = Sys.GetCpu();
                    if (cpu >= 0 && cpu < 32)
                        s_cpusSeen |= 1 << (int)cpu; // under the mutex
                }
                s_mutex.Unlock();
            }
        }
    }
}
