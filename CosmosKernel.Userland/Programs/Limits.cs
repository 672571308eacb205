using CosmosKernel.Abi;
using System;
using System.Threading;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // limits: asks for more than the kernel gives, one kind at a time, and checks the
    // answer is Linux's errno at a limit that scales with the machine, then that
    // everything comes back (boot with `lab`: the heap is measured after a collection).
    // (The process that forks needs a thread of its own, so it finds one fewer.)
    //   limits: opened 1021 files, then EMFILE
    //   limits: started N threads, then EAGAIN
    //   limits: forked N processes, then EAGAIN
    //   LIMITS files=1021 files_errno=24 threads=N threads_errno=11 processes=N processes_errno=11
    //   (twice), then
    //   limits: everything came back (heap B bytes, frames 0, processes 0, threads 0)
    //   LIMITS_BACK heap=B frames=0 processes_left=0 threads_left=0
    public static unsafe class Limits
    {
        private const ulong ThreadStackSize = 16 * 1024;
        private const int MaxTries = 100_000;

        private static int* s_gate; // the threads wait on it until it is 1

        // Twice, each time in a child that is reaped afterwards: the first round grows the
        // kernel's tables to the limits (they stay, as Linux's do), the second must leave
        // the kernel exactly as the first did.
        public static int Main(string[] args)
        {
            VmmInfo first, second;
            if (Sys.GetVmmInfoAfterCollection(&first) != 0)
            {
                Console.WriteLine("limits: boot with lab (the heap is measured after a collection)");
                return 2;
            }
            bool ok = Round() == 0;
            Sys.GetVmmInfoAfterCollection(&first);
            ok &= Round() == 0;
            Sys.GetVmmInfoAfterCollection(&second);
            long heap = (long)second.HeapLiveBytes - (long)first.HeapLiveBytes;
            long frames = (long)second.FramesUsed - (long)first.FramesUsed;
            long processesLeft = (long)second.Processes - (long)first.Processes;
            long threadsLeft = (long)second.Threads - (long)first.Threads;
            bool back = heap <= Soak.HeapSlackBytes && frames == 0 && processesLeft == 0 && threadsLeft == 0;
            Console.WriteLine("limits: " + (back ? "everything came back" : "NOT EVERYTHING CAME BACK") + " (heap " + heap.ToString()
                + " bytes, frames " + frames.ToString() + ", processes " + processesLeft.ToString() + ", threads " + threadsLeft.ToString() + ")");
            Console.WriteLine("LIMITS_BACK heap=" + heap.ToString() + " frames=" + frames.ToString()
                + " processes_left=" + processesLeft.ToString() + " threads_left=" + threadsLeft.ToString());
            return ok && back ? 0 : 1;
        }

        // One round in a child; its exit status (0: every limit answered as expected).
        private static int Round()
        {
            long pid = Sys.Fork();
            if (pid == 0)
                Sys.Exit(Probe());
            if (pid < 0 || Sys.Wait(pid, out int status) != pid)
                return 1;
            return Sys.Exited(status) ? Sys.ExitCode(status) : 1;
        }

        private static int Probe()
        {
            long filesErrno = Files(out int files);
            long threadsErrno = Threads(out int threads);
            long processesErrno = Processes(out int processes);
            long heapErrno = FullPipes(out int pipes);
            Console.WriteLine("limits: opened " + files.ToString() + " files, then " + Name(filesErrno));
            Console.WriteLine("limits: started " + threads.ToString() + " threads, then " + Name(threadsErrno));
            Console.WriteLine("limits: forked " + processes.ToString() + " processes, then " + Name(processesErrno));
            Console.WriteLine("limits: filled " + pipes.ToString() + " pipes' buffers, then " + Name(heapErrno));
            Console.WriteLine("LIMITS files=" + files.ToString() + " files_errno=" + (-filesErrno).ToString()
                + " threads=" + threads.ToString() + " threads_errno=" + (-threadsErrno).ToString()
                + " processes=" + processes.ToString() + " processes_errno=" + (-processesErrno).ToString()
                + " pipes=" + pipes.ToString() + " pipes_errno=" + (-heapErrno).ToString());
            return filesErrno == -Errno.EMFILE && threadsErrno == -Errno.EAGAIN && processesErrno == -Errno.EAGAIN
                && (heapErrno == -Errno.ENFILE || heapErrno == -Errno.ENOMEM) ? 0 : 1;
        }

        private static string Name(long errno)
            => errno == -Errno.EMFILE ? "EMFILE" : errno == -Errno.EAGAIN ? "EAGAIN" : errno == -Errno.ENOMEM ? "ENOMEM" : errno == -Errno.ENFILE ? "ENFILE" : "errno " + (-errno).ToString();

        // Pipes with a byte in each (each byte takes a 4 KiB buffer, the smallest) until the
        // kernel says no: children that fill pipes until their descriptors run out, and
        // stay, until one meets the kernel's own limit (ENFILE, or ENOMEM where memory
        // runs short first) instead. Then every child lets go. Returns that last answer.
        private static long FullPipes(out int filled)
        {
            filled = 0;
            int* report = stackalloc int[2];
            int* release = stackalloc int[2];
            Sys.Pipe(report);
            Sys.Pipe(release);
            long result = 0;
            int children = 0;
            long* answer = stackalloc long[2]; // per child: pipes filled, then the errno that stopped it
            for (int i = 0; i < 256 && (result == 0 || result == -Errno.EMFILE); i++)
            {
                long pid = Sys.Fork();
                if (pid == 0)
                    Sys.Exit(FillPipesAndWait(report[1], release[0], release[1]));
                if (pid < 0)
                {
                    result = pid;
                    break;
                }
                children++;
                Sys.Read(report[0], (byte*)answer, 16);
                filled += (int)answer[0];
                result = answer[1];
            }
            Sys.Close(release[1]);
            for (int i = 0; i < children; i++)
                Sys.Wait(-1, out int status);
            Sys.Close(release[0]);
            Sys.Close(report[0]);
            Sys.Close(report[1]);
            return result;
        }

        private const int Recent = 16;

        private static int FillPipesAndWait(int report, int releaseRead, int releaseWrite)
        {
            Sys.Close(releaseWrite);
            long* answer = stackalloc long[2];
            int* fds = stackalloc int[2];
            int* recent = stackalloc int[2 * Recent]; // the last Recent pipes filled
            byte one = 1;
            while (true)
            {
                long result = Sys.Pipe(fds);
                if (result == 0)
                {
                    result = Sys.Write(fds[1], &one, 1);
                    if (result == 1)
                    {
                        recent[2 * (answer[0] % Recent)] = fds[0];
                        recent[2 * (answer[0] % Recent) + 1] = fds[1];
                        answer[0]++;
                        continue;
                    }
                    Sys.Close(fds[0]);
                    Sys.Close(fds[1]);
                }
                answer[1] = result;
                break;
            }
            // The report needs a pipe buffer too: give some back first (at the heap's
            // limit there would be no room for it; and the collector, conservative on
            // stacks, may still see the last one or two as reachable).
            long giveBack = answer[0] < Recent ? answer[0] : Recent;
            for (long i = 0; i < giveBack; i++)
            {
                long slot = (answer[0] - 1 - i) % Recent;
                Sys.Close(recent[2 * slot]);
                Sys.Close(recent[2 * slot + 1]);
            }
            Sys.Write(report, (byte*)answer, 16);
            byte b;
            Sys.Read(releaseRead, &b, 1); // until the parent closes the release pipe
            return 0;
        }

        // Open one file until the kernel says no; close them all. Returns that answer.
        private static long Files(out int opened)
        {
            opened = 0;
            long result = 0;
            for (int i = 0; i < MaxTries; i++)
            {
                result = Sys.Open("/modules/hello");
                if (result < 0)
                    break;
                opened++;
            }
            for (int fd = 3; fd < 3 + opened; fd++)
                Sys.Close(fd);
            return result;
        }

        // Threads that wait on a futex until released, until clone says no; then all
        // are released and joined.
        private static long Threads(out int started)
        {
            started = 0;
            s_gate = (int*)Sys.Mmap(0, 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            ulong stacks = (ulong)Sys.Mmap(0, ThreadStackSize * MaxThreadsTried, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            long result = 0;
            for (int i = 0; i < MaxThreadsTried; i++)
            {
                ulong stack = stacks + (ulong)i * ThreadStackSize;
                int* tidWord = (int*)stack;
                result = Syscall.CloneThread(CloneFlags.PthreadThreadWithTids, stack + ThreadStackSize, tidWord, tidWord, 0, &Wait, 0);
                if (result < 0)
                    break;
                started++;
            }
            Volatile.Write(ref *s_gate, 1);
            Sys.FutexWake(s_gate, int.MaxValue);
            for (int i = 0; i < started; i++)
            {
                int* tidWord = (int*)(stacks + (ulong)i * ThreadStackSize);
                while (true)
                {
                    int tid = Volatile.Read(ref *tidWord);
                    if (tid == 0)
                        break;
                    Sys.FutexWait(tidWord, tid);
                }
            }
            Sys.Munmap(stacks, ThreadStackSize * MaxThreadsTried);
            return result;
        }

        private const int MaxThreadsTried = 16 * 1024;

        private static void Wait(ulong unused)
        {
            while (Volatile.Read(ref *s_gate) == 0)
                Sys.FutexWait(s_gate, 0);
        }

        // Children that wait until a pipe's write end closes, until fork says no; then
        // the pipe closes and every child exits and is reaped.
        private static long Processes(out int forked)
        {
            forked = 0;
            int* fds = stackalloc int[2];
            Sys.Pipe(fds);
            long result = 0;
            for (int i = 0; i < MaxTries; i++)
            {
                result = Sys.Fork();
                if (result == 0)
                {
                    Sys.Close(fds[1]);
                    byte b;
                    Sys.Read(fds[0], &b, 1); // 0 once every write end is closed
                    Sys.Exit(0);
                }
                if (result < 0)
                    break;
                forked++;
            }
            Sys.Close(fds[1]);
            Sys.Close(fds[0]);
            for (int i = 0; i < forked; i++)
                Sys.Wait(-1, out int status);
            return result;
        }
    }
}
