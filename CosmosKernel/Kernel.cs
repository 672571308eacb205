using System;
using Cosmos.HAL;
using CosmosKernel.Diagnostics;
using CosmosKernel.SelfTests;

namespace CosmosKernel
{
    // The kernel proper, in the Cosmos model: BeforeRun brings the machine up and runs
    // the self-tests; Run idles. Options (KernelOptions):
    //   exit           end QEMU through isa-debug-exit when done (status 0 = all passed,
    //                  and every program asked for ran; 1 = a self-test or that failed)
    //   selftest=pagefault | selftest=ud   deliberately crash to show the crash report
    //   selftest=hang  never finish (tests the harness's timeout)
    //   selftest=naive-fault   a naive user copy from an unmapped buffer: kernel panic
    //   selftest=smap  a direct kernel read of user memory: SMAP makes it fault
    //   selftest=heap-exhaust  fill the kernel heap: the out-of-memory panic
    //   selftest=lock-inversion | selftest=spin-sleep   with lockdep: the validator's report
    //   strategy=pagelock|mmlock|extable|pin|naive   the user-copy strategy
    //   run=hello,hostile,...   the user programs (GRUB modules) to run, in order (default init)
    //   lab            the race lab (run=racelab by default) and its syscalls: without
    //                  strategy=, racelab runs under every strategy in turn, switching
    //                  with cosmos_set_strategy; with strategy=, under that one only
    //   bench          the benchmarks (run=bench), which switch strategies too
    //   lockdep        the lock validator (Scheduling/LockValidator.cs): a lock order
    //                  inversion, a spin lock held across a sleep, stop the kernel
    //   (The lab's syscalls answer EPERM without lab or bench.)
    //
    // The composition root: BeforeRun builds the subsystems in dependency order and
    // hands each what it needs through its constructor (docs/architecture.md shows the
    // arrows). Nothing below reaches back up to this class; LayeringTests checks it.
    public sealed unsafe class Kernel : Cosmos.System.Kernel
    {
        public const string Version = Abi.Uname.Release;
        public const byte ExitAllPassed = 0;
        public const byte ExitSelfTestFailed = 1;
        public const byte ExitCrash = 3; // as CrashReport's

        // The address the deliberate page fault reads: in the unmapped gap of the kernel half.
        public const ulong DeliberateFaultAddress = 0xFFFF8F00DEAD0000;

        // What BeforeRun builds. The scheduler is also kept in s_scheduler for the
        // other CPUs' entry (JoinScheduler, a bare function pointer).
        private Scheduling.Scheduler _scheduler;
        private static Scheduling.Scheduler s_scheduler;
        private Processes.ProgramRunner _programs;
        // Booted with `lab` or `bench`: the lab's syscalls answer (Syscalls/LabSyscalls.cs).
        private bool _labSyscalls;
        private Scheduling.LockValidator _lockValidator; // null unless booted with lockdep
        private Scheduling.LockStatistics _lockStatistics;

        private readonly Multiboot2 _boot;
        private FileSystem.FileTree _tree; // built once the scheduler runs; run=/PATH looks programs up in it
        private readonly Cosmos.System.KernelOptions _options;
        private readonly Platform.KernelConsole _console;
        private bool _allPassed = true;
        private bool _programsPassed = true; // under `lab`: racelab's own verdict counts too

        // Every option this kernel reads (the list above); anything else is reported.
        private static readonly string[] KnownOptions = { "exit", "run", "strategy", "selftest", "lab", "bench", "lockdep" };

        public Kernel(Multiboot2 boot, Cosmos.System.KernelOptions options, Platform.KernelConsole console)
        {
            _boot = boot;
            _options = options;
            _console = console;
        }

        protected override void BeforeRun()
        {
            bool exitWhenDone = _options.Has("exit");
            CrashReport.ExitQemuOnCrash = exitWhenDone;

            // On a line of its own: the loader may leave the serial cursor mid-line (GRUB
            // does when its menu is left with Enter).
            Console.WriteLine();
            Console.WriteLine("CosmosKernel " + Version + " booted (x86-64, NativeAOT C#)");
            Console.WriteLine("boot: loader \"" + _boot.LoaderName + "\", command line \"" + _options.Text + "\"");
            string[] unknown = _options.Unknown(KnownOptions);
            if (unknown.Length > 0)
            {
                string known = KnownOptions[0];
                for (int i = 1; i < KnownOptions.Length; i++)
                    known = known + ", " + KnownOptions[i];
                for (int i = 0; i < unknown.Length; i++)
                    Console.WriteLine("boot: unknown option \"" + unknown[i] + "\" ignored (options: " + known + ")");
            }
            ReportConsole();
            Console.WriteLine("boot: " + (_boot.UsableMemoryBytes / (1024 * 1024)).ToString() + " MiB usable RAM in "
                + _boot.MemoryMap.Length.ToString() + " memory map entries");

            // Lock contention counters, always on: before any other CPU runs.
            _lockStatistics = new Scheduling.LockStatistics();
            Threading.LockClasses.Statistics = _lockStatistics;
            if (_options.Has("lockdep"))
            {
                // Before any other CPU runs and before the subsystems make their locks.
                _lockValidator = new Scheduling.LockValidator();
                Threading.LockClasses.Validator = _lockValidator;
                Console.WriteLine("lockdep: the lock validator is on");
            }
            Console.WriteLine("cpu: SMEP " + (CpuProtections.Smep ? "on" : "off (not supported)") + ", SMAP " + (CpuProtections.Smap ? "on" : "off (not supported)"));
            _allPassed &= RuntimeSelfTest.Run();
            _allPassed &= MemorySelfTest.Run();

            Syscalls.SyscallTable.Install(); // the TSS and syscall MSRs, before any thread switch
            // Kernel stacks come from frames; the shootdown their freeing needs finds the
            // CPUs through the scheduler, so it is attached once the scheduler exists
            // (the first stack is freed only when a thread exits, long after).
            var stacks = new Platform.KernelStacks(Platform.KernelMemory.Frames, Platform.KernelMemory.KernelTable);
            var scheduler = new Scheduling.Scheduler(stacks, Platform.KernelMemory.Frames.TotalFrames);
            _scheduler = s_scheduler = scheduler;
            var shootdown = new Platform.KernelTlbShootdown(scheduler);
            Processes.Limits.Initialize(Platform.KernelMemory.Frames.TotalFrames);
            stacks.AttachShootdown(shootdown);
            // From here on the heap collects garbage: the collector finds every
            // thread's stack through the scheduler.
            Platform.KernelGarbageCollector.Install(scheduler);

            var vmm = new Memory.Vmm(Platform.KernelMemory.Physical, Platform.KernelMemory.Frames, Platform.KernelMemory.KernelTable,
                shootdown, scheduler, new Platform.KernelUserMemoryAccess(scheduler));
            Platform.UserPageFaults.Install(scheduler);
            _labSyscalls = _options.Has("lab") || _options.Has("bench");
            bool strategyFixed = _options.Get("strategy") != null;
            string strategyName = _options.Get("strategy") ?? "pagelock";
            Memory.UserCopy.CopyStrategy strategy = Memory.UserCopy.UserCopier.StrategyByName(strategyName);
            if (strategy == null)
            {
                Console.WriteLine("vmm: unknown strategy \"" + strategyName + "\" (choose pagelock, mmlock, extable, pin or naive); using pagelock");
                strategy = new Memory.UserCopy.PageLockStrategy();
            }
            var copier = new Memory.UserCopy.UserCopier(strategy);
            Console.WriteLine("vmm: user-copy strategy " + strategy.Name);
            _allPassed &= GarbageCollectorSelfTest.Run();
            _allPassed &= VmmSelfTest.Run(vmm);
            _allPassed &= ThreadsSelfTest.Run(scheduler, vmm);

            string deliberate = _options.Get("selftest");
            if (deliberate == "pagefault")
            {
                Console.WriteLine("selftest: reading 0x" + DeliberateFaultAddress.ToString("X16") + " to show the crash report");
                Native.FaultReadQword(DeliberateFaultAddress);
            }
            else if (deliberate == "hang")
            {
                // For the harness test: a boot that never ends must be stopped by its timeout.
                Console.WriteLine("selftest: hanging on purpose");
                Native.HaltForever();
            }
            else if (deliberate == "naive-fault")
            {
                // The naive strategy against an unmapped user buffer: the fault has no
                // recovery, so the kernel stops with a crash report (what the race lab shows).
                Memory.AddressSpace space = Memory.AddressSpace.Create(vmm);
                Native.WriteCr3(space.Table.Root);
                byte* buffer = stackalloc byte[16];
                Console.WriteLine("selftest: naive copy_from_user from unmapped 0x10000000");
                new Memory.UserCopy.UserCopier(new Memory.UserCopy.NaiveStrategy()).CopyFromUser(space, buffer, 0x10000000, 16);
            }
            else if (deliberate == "smap")
            {
                // A kernel read of a mapped user page outside the user-copy routine:
                // with SMAP on, a protection-violation page fault.
                Memory.AddressSpace space = Memory.AddressSpace.Create(vmm);
                Native.WriteCr3(space.Table.Root);
                long page = space.Map(0x20000000, 4096, Abi.Prot.Read | Abi.Prot.Write,
                    Abi.MapFlags.Private | Abi.MapFlags.Anonymous | Abi.MapFlags.Fixed, null, 0);
                byte one = 1;
                copier.CopyToUser(space, (ulong)page, &one, 1);
                Console.WriteLine("selftest: the kernel reads user memory at 0x20000000 directly");
                Native.FaultReadQword((ulong)page);
                Console.WriteLine("selftest: SMAP did not stop a direct kernel read of user memory");
            }
            else if (deliberate == "lock-inversion")
            {
                // Two locks taken in one order, then in the other, by one thread, one
                // after the other: never a deadlock in this run, but two threads doing
                // the same at once would be one. Booted with lockdep, the validator stops
                // the kernel at the second order, naming both locks and both paths.
                var first = new Threading.FifoMutex(scheduler, 2, "selftest first");
                var second = new Threading.FifoMutex(scheduler, 2, "selftest second");
                Console.WriteLine("selftest: taking \"selftest first\", then \"selftest second\"");
                first.Lock();
                second.Lock();
                second.Unlock();
                first.Unlock();
                Console.WriteLine("selftest: taking them the other way round");
                second.Lock();
                first.Lock();
                Console.WriteLine("selftest: the lock validator did not stop the inversion (booted without lockdep?)");
                first.Unlock();
                second.Unlock();
            }
            else if (deliberate == "spin-sleep")
            {
                // A spin lock held while the thread sleeps (here: a one-tick sleep).
                var spin = new Threading.SpinLock(scheduler, "selftest spin");
                Console.WriteLine("selftest: sleeping while holding \"selftest spin\"");
                spin.Acquire();
                scheduler.Sleep(1);
                spin.Release();
                Console.WriteLine("selftest: the lock validator did not stop the sleep (booted without lockdep?)");
            }
            else if (deliberate == "heap-exhaust")
            {
                // Keep allocating until the kernel heap is full: the panic must say so
                // and stop the machine (issue 16, item 6: it hung without a word,
                // its message built by an allocation that waited for the heap's lock).
                Console.WriteLine("selftest: filling the kernel heap");
                object[] kept = null;
                while (true)
                {
                    var link = new object[1024];
                    link[0] = kept;
                    kept = link;
                }
            }
            else if (deliberate == "ud")
            {
                Console.WriteLine("selftest: executing ud2 to show the crash report");
                Native.FaultInvalidOpcode();
            }

            Console.WriteLine(_allPassed ? "boot: all self-tests passed" : "boot: SOME SELF-TESTS FAILED");

            Pit.CalibrateTsc();
            Console.WriteLine("timer: TSC at " + (Pit.TscPerSecond / 1000000).ToString() + " MHz, scheduler tick " + Scheduling.Scheduler.TickHz.ToString() + " Hz");
            // The other CPUs start now; they idle until init makes work.
            int cpus = Platform.ApplicationProcessors.StartAll(_boot.AcpiRsdp, &JoinScheduler);
            scheduler.PrepareOtherCpus();
            Console.WriteLine("smp: " + cpus.ToString() + (cpus == 1 ? " CPU" : " CPUs") + " online");
            if (cpus > 1)
                _allPassed &= ThreadsSelfTest.RunOnOtherCpus(scheduler);
            // The process layer, then the syscalls on top of it.
            var ramdisk = new Processes.Ramdisk(_boot.Modules);
            var futexes = new Processes.Futexes(scheduler, copier);
            // The console's input side: the keyboard and COM1 type on one terminal
            // (80x25: the VGA text screen's size; TIOCSWINSZ may say otherwise).
            var terminal = new Files.Terminal(scheduler, copier, _console, 25, 80);
            FileSystem.FileTree tree = BuildFileTree(scheduler, copier, vmm, ramdisk, terminal);
            _tree = tree;
            _programs = new Processes.ProgramRunner(scheduler, vmm, copier, futexes, ramdisk,
                new Processes.ProcessTable(scheduler, scheduler.ThreadLimit), _console, terminal, tree);
            terminal.Sessions = _programs;
            Files.ConsoleInput.Start(terminal, scheduler);
            var signals = new Processes.SignalDelivery(_programs, copier, scheduler);
            new Processes.UserFaults(_programs, signals); // user code's exceptions and page faults from here on
            new Syscalls.SyscallTable(_programs, signals, scheduler, vmm, copier, futexes, ramdisk, tree, _lockStatistics, _labSyscalls, strategyFixed);
            scheduler.StartTimer();
            string defaultProgram = _options.Has("bench") ? "bench" : _options.Has("lab") ? "racelab" : "init"; // init starts the others
            RunPrograms(_options.Get("run") ?? defaultProgram);
            // Only naive has no recovery, so an oops is naive's. The lab over every
            // strategy runs naive on purpose: there its oopses are the expected result,
            // not the kernel's failure (a lab fixed to naive still reports them).
            bool oopsesExpected = _labSyscalls && !strategyFixed;
            if (CrashReport.Oopses > 0)
                Console.WriteLine("boot: " + CrashReport.Oopses.ToString() + " kernel oops(es)" + (oopsesExpected
                    ? " under naive, as the race lab expects"
                    : ": the kernel went on, but it is not to be trusted"));
            ReportHeap();
            if (_lockValidator != null)
                Console.WriteLine("lockdep: " + _lockValidator.Checks.ToString() + " lock operations checked, "
                    + _lockValidator.OrdersRecorded.ToString() + " orders between " + Threading.LockClasses.Count.ToString()
                    + " lock classes recorded, no inversion");
            if (exitWhenDone)
                QemuDebugExit.Exit(CrashReport.Oopses > 0 && !oopsesExpected ? ExitCrash
                    : _allPassed && _programsPassed ? ExitAllPassed : ExitSelfTestFailed);
        }

        // The file tree: the initramfs (the GRUB module named "initramfs", if there is
        // one), the modules as /modules and /slow, /dev, /proc and /tmp.
        private unsafe FileSystem.FileTree BuildFileTree(Scheduling.Scheduler scheduler, Memory.UserCopy.UserCopier copier,
            Memory.Vmm vmm, Processes.Ramdisk ramdisk, Files.Terminal terminal)
        {
            var tree = new FileSystem.FileTree(vmm, copier);
            int entries = 0;
            for (int i = 0; i < _boot.Modules.Length; i++)
            {
                if (_boot.Modules[i].Name != "initramfs")
                    continue;
                byte* data = (byte*)Multiboot2.PhysicalToVirtual(_boot.Modules[i].Start);
                entries = FileSystem.Initramfs.Unpack(tree, data, _boot.Modules[i].End - _boot.Modules[i].Start);
                if (entries < 0)
                    Console.WriteLine("initramfs: not a cpio \"newc\" archive, or cut short: unpacked in part");
            }
            ramdisk.AddTo(tree);
            FileSystem.StandardFiles.AddTo(tree, new Files.ConsoleDevice(copier, _console, terminal), copier, vmm, scheduler);
            Console.WriteLine("files: " + (entries > 0 ? entries.ToString() + " entries from the initramfs, " : "no initramfs, ")
                + _boot.Modules.Length.ToString() + " modules in /modules");
            return tree;
        }

        // Run the named GRUB modules (comma-separated) one after another in ring 3.
        // An entry NAME:ARG1:ARG2 gives the program argv { NAME, ARG1, ARG2 } (so a
        // fuzzer's seed replays from the command line; the options' words have no spaces).
        // The exit status says whether what was asked for ran: a name that is no module,
        // or a module that is not a program, fails it; so does a failing program when it
        // was asked for alone (in a list, one may fail on purpose: segv), or under `lab`.
        private void RunPrograms(string names)
        {
            bool alone = names.IndexOf(',') < 0;
            int start = 0;
            while (start < names.Length)
            {
                int comma = names.IndexOf(',', start);
                int end = comma < 0 ? names.Length : comma;
                string[] argv = SplitArguments(names.Substring(start, end - start));
                string name = argv[0];
                start = end + 1;
                if (name.Length == 0)
                    continue;
                bool found = false;
                if (name[0] == '/')
                {
                    RunFile(name, argv, alone);
                    continue;
                }
                for (int i = 0; i < _boot.Modules.Length && !found; i++)
                {
                    if (_boot.Modules[i].Name != name)
                        continue;
                    found = true;
                    Console.WriteLine("init: running " + name);
                    Processes.Process process = _programs.Spawn(_boot.Modules[i], 0, argv);
                    if (process == null)
                        _programsPassed = false; // not a program (Spawn said why): what was asked did not run
                    else if (_programs.WaitAndReap(process) != 0 && (_labSyscalls || alone))
                        _programsPassed = false; // the lab's verdict, or the one program asked for failed
                }
                if (!found)
                {
                    Console.WriteLine("init: no program named \"" + name + "\" (GRUB modules: " + ModuleNames() + ")");
                    _programsPassed = false;
                }
            }
        }

        // run=/PATH: a program in the file tree (/bin/sh, a busybox applet), its argv[0]
        // the path, as a shell gives it.
        private void RunFile(string path, string[] argv, bool alone)
        {
            long found = _tree.LookupFile(_tree.Root, path, true, out FileSystem.FileNode file);
            var image = default(Memory.FileBacking);
            string error = found == -Abi.Errno.ENOENT ? "no such file"
                : found != 0 ? "not a regular file"
                : (file.Mode & Abi.FileModes.AnyExecute) == 0 ? "not executable"
                : file.Backing(shared: false, writable: false, out image) != 0 ? "out of memory" : null;
            Processes.Process process = null;
            if (error == null)
            {
                Console.WriteLine("init: running " + path);
                int slash = path.Length - 1;
                while (path[slash] != '/')
                    slash--;
                process = _programs.Spawn(image, path.Substring(slash + 1), 0, argv);
            }
            else
            {
                Console.WriteLine("init: cannot run " + path + ": " + error);
            }
            file?.Unhold();
            if (process == null)
                _programsPassed = false;
            else if (_programs.WaitAndReap(process) != 0 && (_labSyscalls || alone))
                _programsPassed = false;
        }

        // "NAME:ARG1:ARG2" -> { NAME, ARG1, ARG2 }: argv[0] is the module name, as for a
        // program run without arguments.
        private static string[] SplitArguments(string entry)
        {
            int count = 1;
            for (int i = 0; i < entry.Length; i++)
                if (entry[i] == ':')
                    count++;
            var argv = new string[count];
            int start = 0;
            for (int n = 0; n < count; n++)
            {
                int colon = entry.IndexOf(':', start);
                int end = colon < 0 ? entry.Length : colon;
                argv[n] = entry.Substring(start, end - start);
                start = end + 1;
            }
            return argv;
        }

        // The kernel heap at the end of the run: what the collector did and what is live.
        private static void ReportHeap()
        {
            Internal.Runtime.RuntimeHeap.Collect();
            ulong pauseMicroseconds = Platform.KernelGarbageCollector.LongestPauseCycles / (Pit.TscPerSecond / 1000000);
            Console.WriteLine("heap: " + Internal.Runtime.RuntimeHeap.Collections.ToString() + " collections, "
                + (Internal.Runtime.RuntimeHeap.BytesFreed >> 10).ToString() + " KiB freed, "
                + (Internal.Runtime.RuntimeHeap.LiveBytesAfterCollection >> 10).ToString() + " KiB live of "
                + (Internal.Runtime.RuntimeHeap.Capacity >> 10).ToString() + " KiB, longest pause "
                + pauseMicroseconds.ToString() + " us, " + Internal.Runtime.RuntimeHeap.PoisonViolations.ToString()
                + " writes into freed blocks");
        }

        // Where the console goes. A framebuffer console also says how many pixels it drew
        // and how many it finds in the framebuffer: the same number, if the framebuffer
        // really is where GRUB said (counted before the first scroll, which moves some).
        private void ReportConsole()
        {
            if (_console.Inner is not MirroredConsole mirrored)
                return;
            string check = "";
            FramebufferConsole framebuffer = Boot.EntryPoint.FramebufferConsole;
            if (framebuffer != null)
                check = "; " + framebuffer.PixelsDrawn.ToString() + " pixels drawn, " + framebuffer.CountForegroundPixels().ToString() + " found";
            Console.WriteLine("console: " + mirrored.Description + check);
        }

        private string ModuleNames()
        {
            string list = "";
            for (int i = 0; i < _boot.Modules.Length; i++)
                list = list + (i == 0 ? "" : ", ") + _boot.Modules[i].Name;
            return list.Length == 0 ? "none" : list;
        }

        // An application processor joins the scheduler (which takes its own lock) and
        // runs its idle thread.
        private static void JoinScheduler(int cpu, ulong stackBottom, ulong stackTop)
            => s_scheduler.RunOnThisCpu(cpu, stackBottom, stackTop);

        // Nothing left for the boot thread: sleep (its CPU runs other threads meanwhile).
        protected override void Run()
        {
            _scheduler.Sleep(Scheduling.Scheduler.TickHz);
        }
    }
}
