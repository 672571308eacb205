using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // init: starts the other programs as its children (all at once: they run side by
    // side, preempted by the timer) and reaps them with wait4, reporting how each ended.
    public static class Init
    {
        private static readonly string[] s_programs = { "hello", "threads", "forktest", "pipes", "segv" };

        public static int Main(string[] args)
        {
            Console.WriteLine("init: pid " + Sys.GetPid().ToString() + ", starting " + s_programs.Length.ToString() + " programs");
            int started = 0;
            for (int i = 0; i < s_programs.Length; i++)
            {
                long pid = Sys.Spawn(s_programs[i]);
                if (pid < 0)
                {
                    Console.WriteLine("init: could not start " + s_programs[i] + " (errno " + (-pid).ToString() + ")");
                    continue;
                }
                Console.WriteLine("init: started " + s_programs[i] + " as pid " + pid.ToString());
                started++;
            }
            int reaped = 0;
            while (true)
            {
                long pid = Sys.Wait(-1, out int status);
                if (pid < 0)
                    break; // ECHILD: no children left
                reaped++;
                Console.WriteLine(Sys.Exited(status)
                    ? "init: pid " + pid.ToString() + " exited with status " + Sys.ExitCode(status).ToString()
                    : "init: pid " + pid.ToString() + " was killed by signal " + Sys.TermSignal(status).ToString());
            }
            Console.WriteLine("init: reaped " + reaped.ToString() + " of " + started.ToString() + " children");
            return reaped == started ? 0 : 1;
        }
    }
}
