using CosmosKernel.Abi;
using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // hello: C# in ring 3. Prints who and where it is (and its arguments), then uses the memory syscalls
    // through the runtime's wrappers: mmap a page, write and read it, make it read-only,
    // unmap it. Exits 0 when every step did what Linux would.
    public static unsafe class Hello
    {
        public static int Main(string[] args)
        {
            Console.WriteLine("Hello from C# in ring 3! (pid " + Sys.GetPid().ToString() + ", argv[0] = " + args[0] + ")");
            // Arguments from the kernel command line (run=hello:ARG1:ARG2), one per line.
            for (int i = 1; i < args.Length; i++)
                Console.WriteLine("hello: argv[" + i.ToString() + "] = \"" + args[i] + "\"");
            Console.WriteLine("hello: running on " + Sys.UnameField(0) + " " + Sys.UnameField(2) + " (" + Sys.UnameField(4)
                + "), user-copy strategy " + Sys.CopyStrategy());

            long page = Sys.Mmap(0, 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (page < 0)
                return Fail("mmap", page);
            byte* bytes = (byte*)page;
            for (int i = 0; i < 4096; i++)
                bytes[i] = (byte)i;
            int sum = 0;
            for (int i = 0; i < 4096; i++)
                sum += bytes[i];
            long result = Sys.Mprotect((ulong)page, 4096, Prot.Read);
            if (result != 0)
                return Fail("mprotect", result);
            result = Sys.Munmap((ulong)page, 4096);
            if (result != 0)
                return Fail("munmap", result);
            Console.WriteLine("hello: mmap'd a page at 0x" + ((ulong)page).ToString("x") + ", wrote and summed it (" + sum.ToString()
                + "), made it read-only, unmapped it");
            if (sum != 16 * (255 * 256 / 2))
                return 1;

            // Its own file, read and mapped: the GRUB modules are files under /modules.
            // (argv[0] is "hello", or the path a shell ran, such as /bin/hello.)
            long fd = Sys.Open("/modules/hello");
            if (fd < 0)
                return Fail("open", fd);
            byte* header = stackalloc byte[4];
            long got = Sys.Read((int)fd, header, 4);
            long mapped = Sys.MmapFile(0, 4096, Prot.Read, MapFlags.Private, (int)fd, 0);
            Sys.Close((int)fd);
            if (got != 4)
                return Fail("read", got);
            if (mapped < 0)
                return Fail("mmap of the file", mapped);
            byte* file = (byte*)mapped;
            bool elf = header[0] == 0x7F && header[1] == 'E' && header[2] == 'L' && header[3] == 'F';
            bool same = file[0] == header[0] && file[1] == header[1] && file[2] == header[2] && file[3] == header[3];
            Sys.Munmap((ulong)mapped, 4096);
            Console.WriteLine("hello: /modules/hello" + (elf ? " starts with the ELF magic" : " is not an ELF file")
                + (same ? "; read() and mmap() agree" : "; read() and mmap() DISAGREE"));
            return elf && same ? 0 : 1;
        }

        private static int Fail(string call, long result)
        {
            Console.WriteLine("hello: " + call + " failed with errno " + (-result).ToString());
            return 1;
        }
    }
}
