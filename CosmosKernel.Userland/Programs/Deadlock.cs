using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // deadlock: programs that deadlock among themselves must not take the kernel down.
    // Each case runs in a forked child so this parent can check how it ended:
    //   futex: two threads each wait on a futex word nobody will ever wake;
    //   pipe:  the main thread reads its own empty pipe (it holds the write end too),
    //          a second thread waits on a futex;
    //   nested: a child waits in wait4 for a grandchild that deadlocks; only the
    //          grandchild may be ended, the child then exits normally.
    // While a case is stuck, every thread of the machine waits for a program (this
    // parent in wait4), so nothing could ever run again: the kernel ends the deadlocked
    // process with SIGKILL (Linux would leave it asleep for ever; here no shell and no
    // signal could end it). Exit status 0 when every case ended that way.
    public static unsafe class Deadlock
    {
        private const int SignalKill = 9;

        private static int s_neverWoken; // futex word nobody wakes

        public static int Main(string[] args)
        {
            bool ok = Expect("futex", RunCase(&FutexCase), killed: true);
            ok &= Expect("pipe", RunCase(&PipeCase), killed: true);
            ok &= Expect("nested", RunCase(&NestedCase), killed: false);
            Console.WriteLine(ok ? "deadlock: every deadlocked process was ended, the rest went on"
                                 : "deadlock: FAILED");
            return ok ? 0 : 1;
        }

        // Fork; the child runs `body` and exits with what it returns. The wait status.
        private static int RunCase(delegate*<int> body)
        {
            long pid = Sys.Fork();
            if (pid == 0)
                Sys.Exit(body());
            if (pid < 0)
                return -1;
            return Sys.Wait(pid, out int status) == pid ? status : -1;
        }

        private static bool Expect(string name, int status, bool killed)
        {
            bool ok = killed ? status >= 0 && !Sys.Exited(status) && Sys.TermSignal(status) == SignalKill
                             : status >= 0 && Sys.Exited(status) && Sys.ExitCode(status) == 0;
            Console.WriteLine("deadlock: " + name + ": " + Describe(status) + (ok ? " (as expected)" : " (WRONG: expected "
                + (killed ? "killed by signal 9)" : "exit status 0)")));
            return ok;
        }

        private static string Describe(int status)
        {
            if (status < 0)
                return "fork or wait4 failed";
            return Sys.Exited(status) ? "exited with status " + Sys.ExitCode(status).ToString()
                                      : "killed by signal " + Sys.TermSignal(status).ToString();
        }

        private static void WaitForever(ulong unused)
        {
            while (true)
                Sys.FutexWait((int*)Address(ref s_neverWoken), 0);
        }

        private static int FutexCase()
        {
            if (UserThread.Start(&WaitForever, 0) == null)
                return 2;
            WaitForever(0);
            return 3;
        }

        private static int PipeCase()
        {
            int* fds = stackalloc int[2];
            if (Sys.Pipe(fds) != 0 || UserThread.Start(&WaitForever, 0) == null)
                return 2;
            byte b;
            Sys.Read(fds[0], &b, 1); // the write end is ours: end of file never comes
            return 3;
        }

        private static int NestedCase()
        {
            int status = RunCase(&FutexCase);
            return !Sys.Exited(status) && Sys.TermSignal(status) == SignalKill ? 0 : 4;
        }

        private static ulong Address(ref int word)
        {
            fixed (int* p = &word)
                return (ulong)p;
        }
    }
}
