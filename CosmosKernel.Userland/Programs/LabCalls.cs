using CosmosKernel.Abi;
using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // labcalls: the lab's syscalls called by two threads at the same moment (boot with
    // `lab`): two lock-fairness runs, each with its 4 kernel threads, and two timed
    // memcpy loops on the same kernel buffers. Each must finish with its own whole
    // result and the kernel must go on.
    //   labcalls: both fairness runs measured 400 acquisitions
    //   labcalls: both timed copy loops finished
    public static unsafe class LabCalls
    {
        private static LockFairnessResult* s_results; // one per thread
        private static long* s_copyStatus;

        public static int Main(string[] args)
        {
            s_results = (LockFairnessResult*)Sys.Mmap(0, 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            s_copyStatus = (long*)(s_results + 2);
            var threads = new UserThread[2];
            for (int i = 0; i < 2; i++)
                threads[i] = UserThread.Start(&Fairness, (ulong)i);
            UserThread.JoinAll(threads);
            bool fair = s_results[0].Acquisitions == 400 && s_results[1].Acquisitions == 400;
            Console.WriteLine(fair ? "labcalls: both fairness runs measured 400 acquisitions"
                : "labcalls: FAILED fairness runs measured " + s_results[0].Acquisitions.ToString() + " and " + s_results[1].Acquisitions.ToString());

            for (int i = 0; i < 2; i++)
                threads[i] = UserThread.Start(&Copies, (ulong)i);
            UserThread.JoinAll(threads);
            bool copied = s_copyStatus[0] > 0 && s_copyStatus[1] > 0;
            Console.WriteLine(copied ? "labcalls: both timed copy loops finished"
                : "labcalls: FAILED timed copies returned " + s_copyStatus[0].ToString() + " and " + s_copyStatus[1].ToString());
            return fair && copied ? 0 : 1;
        }

        private static void Fairness(ulong index)
        {
            long status = Sys.MeasureLockFairness(LockFairnessResult.FifoMutex, s_results + index);
            if (status != 0)
                s_results[index].Acquisitions = status;
        }

        // 200 memcpy of 64 KiB in slot 0, both threads: cycles, or -errno.
        private static void Copies(ulong index)
            => s_copyStatus[index] = Syscall.Invoke(SyscallNumbers.CosmosBench, CosmosBench.Memcpy, 0, 64 * 1024, 0, 200, 0);
    }
}
