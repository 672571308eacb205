using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // hello: C# in ring 3. Prints who and where it is, then uses the memory syscalls
    // through the runtime's wrappers: mmap a page, write and read it, make it read-only,
    // unmap it. Exits 0 when every step did what Linux would.
    public static unsafe class Hello
    {
        public static int Main(string[] args)
        {
            Console.WriteLine("Hello from C# in ring 3! (pid " + Sys.GetPid().ToString() + ", argv[0] = " + args[0] + ")");
            Console.WriteLine("hello: running on " + Sys.UnameField(0) + " " + Sys.UnameField(2) + " (" + Sys.UnameField(4)
                + "), user-copy strategy " + Sys.CopyStrategy());

            long page = Sys.Mmap(0, 4096, Sys.ProtRead | Sys.ProtWrite, Sys.MapPrivate | Sys.MapAnonymous);
            if (page < 0)
                return Fail("mmap", page);
            byte* bytes = (byte*)page;
            for (int i = 0; i < 4096; i++)
                bytes[i] = (byte)i;
            int sum = 0;
            for (int i = 0; i < 4096; i++)
                sum += bytes[i];
            long result = Sys.Mprotect((ulong)page, 4096, Sys.ProtRead);
            if (result != 0)
                return Fail("mprotect", result);
            result = Sys.Munmap((ulong)page, 4096);
            if (result != 0)
                return Fail("munmap", result);
            Console.WriteLine("hello: mmap'd a page at 0x" + ((ulong)page).ToString("x") + ", wrote and summed it (" + sum.ToString()
                + "), made it read-only, unmapped it");
            return sum == 16 * (255 * 256 / 2) ? 0 : 1;
        }

        private static int Fail(string call, long result)
        {
            Console.WriteLine("hello: " + call + " failed with errno " + (-result).ToString());
            return 1;
        }
    }
}
