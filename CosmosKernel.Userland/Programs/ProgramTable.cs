using System;

namespace CosmosKernel.Userland.Programs
{
    // The programs in cosmos.elf, by the name GRUB gives each module (argv[0]).
    // To add one: write a class with `public static int Main(string[] args)` in this
    // folder, add it here, and add a module2 line to grub.cfg (docs/userland.md).
    public static class ProgramTable
    {
        // `name` is argv[0]: a shell gives the path it ran (/bin/hello), the kernel the
        // module's name; the program is the last name either way.
        public static int Run(string name, string[] args)
        {
            int slash = name.Length - 1;
            while (slash >= 0 && name[slash] != '/')
                slash--;
            name = name.Substring(slash + 1);
            if (name == "hello")
                return Hello.Main(args);
            if (name == "threads")
                return Threads.Main(args);
            if (name == "init")
                return Init.Main(args);
            if (name == "forktest")
                return ForkTest.Main(args);
            if (name == "pipes")
                return Pipes.Main(args);
            if (name == "racelab")
                return RaceLab.Main(args);
            if (name == "bench")
                return Bench.Main(args);
            if (name == "labcalls")
                return LabCalls.Main(args);
            if (name == "soak")
                return Soak.Main(args);
            if (name == "limits")
                return Limits.Main(args);
            if (name == "deadlock")
                return Deadlock.Main(args);
            Console.WriteLine("cosmos.elf: no program named \"" + name + "\" (programs: hello, threads, init, forktest, pipes, racelab, bench, labcalls, soak, limits, deadlock)");
            return 127;
        }
    }
}
