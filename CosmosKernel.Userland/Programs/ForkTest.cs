using CosmosKernel.Abi;
using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // forktest: fork; the child changes a static field and an mmap'd page and exits with
    // 42; the parent reaps it and checks that its own memory did not change
    // (copy-on-write).
    public static unsafe class ForkTest
    {
        private static int s_value = 7;

        public static int Main(string[] args)
        {
            long page = Sys.Mmap(0, 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (page < 0)
                return 1;
            byte* bytes = (byte*)page;
            bytes[0] = 1;
            long pid = Sys.Fork();
            if (pid < 0)
            {
                Console.WriteLine("forktest: fork failed with errno " + (-pid).ToString());
                return 1;
            }
            if (pid == 0)
            {
                s_value = 42;
                bytes[0] = 2;
                return s_value == 42 && bytes[0] == 2 ? 42 : 1;
            }
            long reaped = Sys.Wait(pid, out int status);
            bool childOk = reaped == pid && Sys.Exited(status) && Sys.ExitCode(status) == 42;
            bool parentOk = s_value == 7 && bytes[0] == 1;
            Console.WriteLine("forktest: child " + pid.ToString() + (childOk ? " exited with 42" : " did not exit with 42")
                + "; parent memory " + (parentOk ? "unchanged (copy-on-write)" : "CHANGED"));
            return childOk && parentOk ? 0 : 1;
        }
    }
}
