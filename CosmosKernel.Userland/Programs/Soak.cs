using CosmosKernel.Abi;
using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // soak: every kernel object an ordinary program makes and drops, Iterations times
    // each (fork + wait4, pipe + close, open + close, mmap + touch + munmap, clone +
    // join), then what the kernel holds afterwards against what it held before: the
    // kernel heap's live bytes after a collection (cosmos_vmm_info with the collect
    // flag: boot with `lab`), the frames in use, the processes and threads. A kernel
    // that leaks a few bytes per object shows it here (100,000 objects), and one that
    // frees a live object shows a write into a freed block.
    //   soak: fork+wait x100000: heap 612 KiB -> 612 KiB (+0 bytes), frames +0, processes +0, threads +0
    //   SOAK op=fork iterations=100000 heap_before=... heap_after=... frames_before=... frames_after=... ...
    //   soak: every kind came back to where it started
    // Nothing in the loops allocates on this program's own heap (user programs have
    // no collector).
    public static unsafe class Soak
    {
        public const int Iterations = 100_000;
        private const int WarmUp = 64;
        // Objects a conservative scan of kernel stacks may still see (the last child's
        // process, a stale pointer in a register): a bound that does not grow with the
        // iterations. A leak of one byte per object is far above it.
        public const long HeapSlackBytes = 16 * 1024;

        private static readonly string[] Kinds = { "fork+wait", "pipe+close", "open+close", "mmap+munmap", "clone+join" };
        private static readonly string[] Ops = { "fork", "pipe", "open", "mmap", "clone" };

        private static ulong s_stack;       // one thread stack, reused by every clone
        private static int* s_tidWord;
        private static ulong s_mapping;     // where mmap+munmap maps
        private static int s_failures;

        public static int Main(string[] args)
        {
            VmmInfo probe;
            long status = Sys.GetVmmInfoAfterCollection(&probe);
            if (status != 0)
            {
                Console.WriteLine("soak: cosmos_vmm_info cannot collect the kernel heap (errno " + (-status).ToString() + "): boot with lab");
                return 2;
            }
            s_stack = (ulong)Sys.Mmap(0, UserThread.StackSize, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            s_tidWord = (int*)s_stack;
            bool allBack = true;
            for (int kind = 0; kind < Kinds.Length; kind++)
                allBack &= RunKind(kind);
            Console.WriteLine(allBack ? "soak: every kind came back to where it started" : "soak: SOME KINDS DID NOT COME BACK");
            return allBack ? 0 : 1;
        }

        private static bool RunKind(int kind)
        {
            Repeat(kind, WarmUp); // first uses that grow a table once (page tables, fd slots)
            VmmInfo before, after;
            Sys.GetSettledVmmInfo(&before, collect: true);
            s_failures = 0;
            ulong start = Syscall.ReadTimestampCounter();
            Repeat(kind, Iterations);
            ulong cycles = Syscall.ReadTimestampCounter() - start;
            Sys.GetSettledVmmInfo(&after, collect: true);
            long heap = (long)after.HeapLiveBytes - (long)before.HeapLiveBytes;
            long frames = (long)after.FramesUsed - (long)before.FramesUsed;
            long processes = (long)after.Processes - (long)before.Processes;
            long threads = (long)after.Threads - (long)before.Threads;
            // (The counters of bad frees are the kernel's since boot: its self-test makes one of each on purpose.)
            bool back = s_failures == 0 && heap <= HeapSlackBytes && frames == 0 && processes == 0 && threads == 0
                && after.HeapPoisonViolations == before.HeapPoisonViolations && after.PoisonViolations == before.PoisonViolations
                && after.DoubleFrees == before.DoubleFrees;
            Console.WriteLine("soak: " + Kinds[kind] + " x" + Iterations.ToString() + ": heap "
                + (before.HeapLiveBytes >> 10).ToString() + " KiB -> " + (after.HeapLiveBytes >> 10).ToString() + " KiB ("
                + Signed(heap) + " bytes), frames " + Signed(frames) + ", processes " + Signed(processes) + ", threads "
                + Signed(threads) + (s_failures == 0 ? "" : ", " + s_failures.ToString() + " calls FAILED")
                + (back ? "" : " NOT BACK"));
            Console.WriteLine("SOAK op=" + Ops[kind] + " iterations=" + Iterations.ToString()
                + " heap_before=" + before.HeapLiveBytes.ToString() + " heap_after=" + after.HeapLiveBytes.ToString()
                + " frames_before=" + before.FramesUsed.ToString() + " frames_after=" + after.FramesUsed.ToString()
                + " processes_before=" + before.Processes.ToString() + " processes_after=" + after.Processes.ToString()
                + " threads_before=" + before.Threads.ToString() + " threads_after=" + after.Threads.ToString()
                + " collections=" + (after.HeapCollections - before.HeapCollections).ToString()
                + " heap_poison=" + (after.HeapPoisonViolations - before.HeapPoisonViolations).ToString()
                + " frame_poison=" + (after.PoisonViolations - before.PoisonViolations).ToString()
                + " double_frees=" + (after.DoubleFrees - before.DoubleFrees).ToString() + " failures=" + s_failures.ToString()
                + " cycles_per_op=" + (cycles / Iterations).ToString());
            return back;
        }

        private static string Signed(long value) => value >= 0 ? "+" + value.ToString() : value.ToString();

        private static void Repeat(int kind, int count)
        {
            for (int i = 0; i < count; i++)
            {
                bool ok = kind switch
                {
                    0 => ForkAndWait(),
                    1 => PipeAndClose(),
                    2 => OpenAndClose(),
                    3 => MapAndUnmap(),
                    _ => CloneAndJoin(),
                };
                if (!ok)
                    s_failures++;
            }
        }

        private static bool ForkAndWait()
        {
            long pid = Sys.Fork();
            if (pid == 0)
                Sys.Exit(7);
            if (pid < 0)
                return false;
            return Sys.Wait(pid, out int status) == pid && Sys.Exited(status) && Sys.ExitCode(status) == 7;
        }

        private static bool PipeAndClose()
        {
            int* fds = stackalloc int[2];
            if (Sys.Pipe(fds) != 0)
                return false;
            byte one = 1;
            bool moved = Sys.Write(fds[1], &one, 1) == 1 && Sys.Read(fds[0], &one, 1) == 1;
            return moved & Sys.Close(fds[0]) == 0 & Sys.Close(fds[1]) == 0;
        }

        private static bool OpenAndClose()
        {
            long fd = Sys.Open("/modules/hello");
            return fd >= 0 && Sys.Close((int)fd) == 0;
        }

        private static bool MapAndUnmap()
        {
            long address = Sys.Mmap(0, 4 * 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (address < 0)
                return false;
            ((byte*)address)[0] = 1;           // a demand-zero fault: a frame to give back
            ((byte*)address)[3 * 4096] = 1;
            return Sys.Munmap((ulong)address, 4 * 4096) == 0;
        }


        private static bool CloneAndJoin()
        {
            long tid = Syscall.CloneThread(CloneFlags.PthreadThreadWithTids, s_stack + UserThread.StackSize, s_tidWord, s_tidWord, 0, &ThreadBody, 0);
            if (tid < 0)
                return false;
            while (true)
            {
                int word = System.Threading.Volatile.Read(ref *s_tidWord);
                if (word == 0)
                    return true;
                Sys.FutexWait(s_tidWord, word);
            }
        }

        private static void ThreadBody(ulong unused) { }
    }
}
