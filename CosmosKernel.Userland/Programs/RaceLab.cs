using System;
using System.Threading;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // racelab: race-lab scenarios on the kernel. In each, the main thread moves 16 KiB
    // between a pipe and a buffer with read() or write(); the kernel's copy reaches a
    // scheduling point after its first page, and a second thread of the process
    // attacks the buffer right then (munmap, or mprotect to read-only). What happens
    // depends on the strategy the kernel booted with (docs/scenarios.md). Per scenario,
    // one human line and one machine-readable RACE line.
    public static unsafe class RaceLab
    {
        private const int Size = 16 * 1024;
        private const int AttackMunmap = 0, AttackMprotectReadOnly = 1;

        private static int s_go;
        private static int s_attack;
        private static ulong s_buffer;
        private static long s_attackResult;

        public static int Main(string[] args)
        {
            string strategy = Sys.CopyStrategy();
            int failures = 0;
            failures += Run(strategy, "munmap-during-write", write: true, AttackMunmap);
            failures += Run(strategy, "munmap-during-read", write: false, AttackMunmap);
            failures += Run(strategy, "mprotect-during-read", write: false, AttackMprotectReadOnly);
            return failures;
        }

        private static int Run(string strategy, string scenario, bool write, int attack)
        {
            ulong* before = stackalloc ulong[11];
            Syscall.Invoke(Syscall.CosmosVmmInfo, (ulong)before);
            int* fds = stackalloc int[2];
            if (Sys.Pipe(fds) != 0)
                return 1;
            long buffer = Sys.Mmap(0, Size, Sys.ProtRead | Sys.ProtWrite, Sys.MapPrivate | Sys.MapAnonymous);
            if (buffer < 0)
                return 1;
            byte* bytes = (byte*)buffer;
            for (int i = 0; i < Size; i++)
                bytes[i] = (byte)(i * 13 + 1); // every page present, with known contents
            if (!write)
                for (int i = 0; i < Size / 4096; i++)
                    Sys.Write(fds[1], bytes + i * 4096, 4096); // fill the pipe: the read will not sleep

            s_buffer = (ulong)buffer;
            s_attack = attack;
            Volatile.Write(ref s_go, 0);
            UserThread attacker = UserThread.Start(&Attack, 0);
            Sys.Yield(); // let it reach its wait
            Volatile.Write(ref s_go, 1);
            long moved = write ? Sys.Write(fds[1], bytes, Size) : Sys.Read(fds[0], bytes, Size);
            attacker.Join();
            Sys.Close(fds[0]);
            Sys.Close(fds[1]);
            Sys.Munmap((ulong)buffer, Size);

            ulong* after = stackalloc ulong[11];
            Syscall.Invoke(Syscall.CosmosVmmInfo, (ulong)after);
            // Counters after the 16-byte strategy name: [7] page-lock waits, [8] poison
            // violations, [9] double frees, [10] waits for the address-space lock. The
            // kernel's wait counters, not user-side timing, say whether the attack waited.
            ulong poison = after[8] - before[8], doubleFrees = after[9] - before[9];
            bool waited = after[7] - before[7] + after[10] - before[10] > 0;
            string call = write ? "write()" : "read()";
            string attackName = attack == AttackMunmap ? "munmap" : "mprotect";
            Console.WriteLine("racelab: " + attackName + " during " + call + " under " + strategy + ": " + call + " returned "
                + moved.ToString() + " of " + Size.ToString() + ", " + attackName + " returned " + s_attackResult.ToString()
                + (waited ? " after waiting for the copy" : " without waiting"));
            Console.WriteLine("RACE scenario=" + scenario + " strategy=" + strategy + " copied=" + moved.ToString()
                + " attack=" + s_attackResult.ToString() + " attack_waited=" + (waited ? "yes" : "no")
                + " poison_violations=" + poison.ToString() + " double_frees=" + doubleFrees.ToString());
            return poison == 0 && doubleFrees == 0 ? 0 : 1;
        }

        private static void Attack(ulong unused)
        {
            while (Volatile.Read(ref s_go) == 0)
                Sys.Yield();
            s_attackResult = s_attack == AttackMunmap
                ? Sys.Munmap(s_buffer, Size)
                : Sys.Mprotect(s_buffer, Size, Sys.ProtRead);
        }
    }
}
