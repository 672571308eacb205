using System;
using System.Threading;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // racelab: the first race-lab scenario, "munmap during read()". The main thread
    // reads 16 KiB from a full pipe into a buffer; the kernel's copy_to_user reaches
    // a scheduling point after its first page, and a second thread of the process
    // unmaps the buffer right then. What happens depends on the strategy the kernel
    // booted with: pagelock and mmlock make munmap wait (the read is whole); extable
    // stops the copy at the hole (a short read); pin finishes into frames it holds
    // (munmap does not wait); naive faults in the kernel with no recovery (a panic).
    // One human line and one machine-readable RACE line per run.
    public static unsafe class RaceLab
    {
        private const int Size = 16 * 1024;

        private static int s_go;
        private static int s_readDone;
        private static ulong s_buffer;
        private static long s_munmapResult;
        private static int s_readDoneWhenUnmapped;

        public static int Main(string[] args)
        {
            string strategy = Sys.CopyStrategy();
            ulong* before = stackalloc ulong[10];
            Syscall.Invoke(Syscall.CosmosVmmInfo, (ulong)before);
            int* fds = stackalloc int[2];
            if (Sys.Pipe(fds) != 0)
                return 1;
            byte* data = stackalloc byte[4096];
            for (int i = 0; i < 4096; i++)
                data[i] = (byte)(i * 13 + 1);
            for (int i = 0; i < Size / 4096; i++)
                Sys.Write(fds[1], data, 4096); // fill the pipe: the read will not sleep
            long buffer = Sys.Mmap(0, Size, Sys.ProtRead | Sys.ProtWrite, Sys.MapPrivate | Sys.MapAnonymous);
            if (buffer < 0)
                return 1;
            s_buffer = (ulong)buffer;

            UserThread attacker = UserThread.Start(&Attack, 0);
            Sys.Yield(); // let it reach its wait
            Volatile.Write(ref s_go, 1);
            long read = Sys.Read(fds[0], (byte*)buffer, Size);
            Volatile.Write(ref s_readDone, 1);
            attacker.Join();

            bool during = s_readDoneWhenUnmapped == 0;
            ulong* after = stackalloc ulong[10];
            Syscall.Invoke(Syscall.CosmosVmmInfo, (ulong)after);
            // Counters after the 16-byte strategy name: [8] poison violations, [9] double frees.
            ulong poison = after[8] - before[8], doubleFrees = after[9] - before[9];
            Console.WriteLine("racelab: munmap during read() under " + strategy + ": read returned " + read.ToString() + " of "
                + Size.ToString() + ", munmap returned " + s_munmapResult.ToString() + (during ? " during the copy" : " after the copy (it waited)"));
            Console.WriteLine("RACE scenario=munmap-during-read strategy=" + strategy + " read=" + read.ToString()
                + " munmap=" + s_munmapResult.ToString() + " munmap_during_copy=" + (during ? "yes" : "no")
                + " poison_violations=" + poison.ToString() + " double_frees=" + doubleFrees.ToString());
            return 0;
        }

        private static void Attack(ulong unused)
        {
            while (Volatile.Read(ref s_go) == 0)
                Sys.Yield();
            s_munmapResult = Sys.Munmap(s_buffer, Size);
            s_readDoneWhenUnmapped = Volatile.Read(ref s_readDone);
        }
    }
}
