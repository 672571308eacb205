using System.CommandLine;
using CosmosKernel.Launcher;

// dotnet run --project CosmosKernel.Launcher -- <command>
//   run         boot the ISO in QEMU (a window where there is a display, else headless)
//   boot-time   boot several times headless and report the median time to the banner
//   bench       the benchmarks, into docs/benchmarks.md
//   linux       run a C test program as /init on Debian's Linux kernel under the same QEMU
var smp = new Option<int>("--smp") { Description = "virtual CPUs", DefaultValueFactory = _ => 4 };
var memory = new Option<int>("--memory") { Description = "guest RAM in MiB", DefaultValueFactory = _ => 256 };
var kernelOptions = new Option<string>("--options") { Description = "kernel command-line options (fw_cfg; they replace the GRUB entry's). Default: lab, the race lab under every strategy", DefaultValueFactory = _ => "" };
var headless = new Option<bool>("--headless") { Description = "no QEMU window; serial on this terminal; exit when the kernel is done" };
var timeout = new Option<int>("--timeout") { Description = "seconds before a headless boot is stopped", DefaultValueFactory = _ => 300 };
var uefi = new Option<bool>("--uefi") { Description = "boot with OVMF (UEFI) instead of BIOS" };
var gdb = new Option<bool>("--gdb") { Description = "wait for gdb on localhost:1234 (gdb artifacts/kernel.elf -ex 'target remote :1234')" };
var noPlugs = new Option<bool>("--no-plugs") { Description = "boot artifacts/no-plugs/CosmosKernel.iso, the kernel built with -p:CosmosPlugs=false (the Cosmos layer's defaults)" };
var bootSmp = new Option<int>("--smp") { Description = "virtual CPUs", DefaultValueFactory = _ => 1 };
var runs = new Option<int>("--runs") { Description = "number of boots", DefaultValueFactory = _ => 5 };
var shell = new Option<bool>("--shell") { Description = "boot to busybox's /bin/sh with a prompt (run=/usr/bin/setsid:-c:/bin/sh); headless, what is typed here goes to the kernel's terminal over the serial line" };
var keepMenu = new Option<bool>("--keep-menu") { Description = "wait out GRUB's menu countdown (2 s) as a person at the screen would, instead of pressing Enter at once" };

var run = new Command("run", "Boot artifacts/CosmosKernel.iso in QEMU") { smp, memory, kernelOptions, headless, timeout, uefi, gdb, noPlugs, shell };
run.SetAction(async (parse, cancel) => await Launcher.Guard(async () =>
{
    if (Launcher.CheckMachine(parse.GetValue(smp), parse.GetValue(memory)) is string wrong)
    {
        Console.Error.WriteLine("launcher: " + wrong);
        return 2;
    }
    bool display = !parse.GetValue(headless) && Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 };
    string extra = parse.GetValue(kernelOptions) ?? "";
    bool toShell = parse.GetValue(shell);
    // COSMOS_GDB=1 is --gdb for an IDE's launch profile (CosmosKernel/Properties/
    // launchSettings.json): F5 runs `dotnet run --project CosmosKernel`, whose run
    // command is the launcher, and dotnet run does not pass a profile's arguments on.
    bool waitForGdb = parse.GetValue(gdb) || Environment.GetEnvironmentVariable("COSMOS_GDB") == "1";
    if (toShell)
        extra = (QemuOptions.ShellOptions + " " + extra).Trim();
    if (!display)
    {
        // Headless, options go through fw_cfg and replace the GRUB menu's default entry:
        // say what it would have run (the race lab), and end QEMU when the kernel is done.
        if (extra.Length == 0)
            extra = "lab";
        extra = (extra + " exit").Trim();
    }
    var options = new QemuOptions
    {
        IsoPath = parse.GetValue(noPlugs) ? RepoPaths.NoPlugsIso : RepoPaths.Iso,
        Cpus = parse.GetValue(smp),
        MemoryMiB = parse.GetValue(memory),
        KernelOptions = extra,
        Display = display,
        // No timeout with a person at the window, at the shell or at gdb (a debugging
        // session lasts as long as it lasts).
        Timeout = display || toShell || waitForGdb ? TimeSpan.FromDays(1) : TimeSpan.FromSeconds(parse.GetValue(timeout)),
        ForwardInput = toShell && !display,
        UefiFirmware = parse.GetValue(uefi) ? Firmware.FindOvmf() : null,
        WaitForGdb = waitForGdb,
        SkipBootMenu = !display,
        Echo = Console.Out,
    };
    Console.WriteLine($"launcher: booting {options.IsoPath} in QEMU ({options.Cpus} CPU, {options.MemoryMiB} MiB, TCG{(display ? ", window" : ", headless")}{(options.WaitForGdb ? ", waiting for gdb on :" + options.GdbPort : "")})");
    BootResult result = await QemuRunner.BootAsync(options, cancel);
    Console.WriteLine();
    if (result.Crash is CrashReport crash)
        Console.WriteLine(CrashExplainer.Explain(crash, KernelSymbols.Load(parse.GetValue(noPlugs) ? RepoPaths.NoPlugsKernelElf : RepoPaths.KernelElf)));
    if (result.Lines.Any(l => l.StartsWith("lockdep: ", StringComparison.Ordinal) && l.Contains(": path 0x", StringComparison.Ordinal)))
        foreach (string line in LockdepReport.Decode(result.Lines, KernelSymbols.Load(RepoPaths.KernelElf)))
            Console.WriteLine(line);
    if (result.TimedOut)
    {
        Console.WriteLine($"launcher: stopped QEMU after {options.Timeout.TotalSeconds:F0} s");
        return 124;
    }
    if (cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine("launcher: interrupted; QEMU stopped");
        return 130;
    }
    if (result.KernelStatus is int status)
    {
        Console.WriteLine($"launcher: kernel exited with status {status} ({status switch { 0 => parse.GetValue(noPlugs) ? "stopped cleanly on the Cosmos layer's defaults" : "all self-tests passed", 3 => "a kernel crash or oops, see above", _ => "failure" }})");
        return status;
    }
    // No status from the kernel: QEMU failed, or the machine stopped another way. Never
    // a success.
    Console.Error.WriteLine($"launcher: QEMU exited with code {result.QemuExitCode} and the kernel reported no exit status"
        + (result.QemuErrors.Length > 0 ? "; QEMU said: " + result.QemuErrors : ""));
    return result.QemuExitCode != 0 ? result.QemuExitCode : 1;
}));

var bootTime = new Command("boot-time", "Median time from QEMU start to the kernel banner over several headless boots") { runs, bootSmp, keepMenu };
bootTime.SetAction(async (parse, cancel) => await Launcher.Guard(async () =>
{
    var times = new List<double>();
    for (int i = 0; i < parse.GetValue(runs); i++)
    {
        var result = await QemuRunner.BootAsync(new QemuOptions { IsoPath = RepoPaths.Iso, Cpus = parse.GetValue(bootSmp), KernelOptions = "exit", Timeout = TimeSpan.FromMinutes(2), SkipBootMenu = !parse.GetValue(keepMenu) }, cancel);
        if (result.TimeToBanner is not TimeSpan t)
        {
            Console.Error.WriteLine("no banner:\n" + result.Describe());
            return 1;
        }
        times.Add(t.TotalSeconds);
        Console.WriteLine($"boot {i + 1}: banner after {t.TotalSeconds:F2} s (QEMU ran {result.Elapsed.TotalSeconds:F2} s)");
    }
    times.Sort();
    Console.WriteLine($"median time to banner: {times[times.Count / 2]:F2} s over {times.Count} boots");
    return 0;
}));

var benchSmp = new Option<int>("--smp") { Description = "virtual CPUs", DefaultValueFactory = _ => 4 };
var machine = new Option<string?>("--machine") { Description = "the machine, as docs/benchmarks.md names it (default: this host's CPU model and cores; required with --from-log)" };
var fromLog = new Option<string?>("--from-log") { Description = "do not boot: rebuild the report from a saved serial log (such as docs/benchmarks-lines.txt)" };
var bench = new Command("bench", "Boot the benchmarks (kernel option bench) and regenerate docs/benchmarks.md, its charts and docs/benchmarks-lines.txt") { benchSmp, machine, fromLog };
bench.SetAction(async (parse, cancel) => await Launcher.Guard(async () =>
{
    int cpus = parse.GetValue(benchSmp);
    IReadOnlyList<string> lines;
    string? logPath = parse.GetValue(fromLog);
    if (logPath != null)
    {
        lines = File.ReadAllLines(logPath);
        Console.WriteLine($"launcher: rebuilding the report from {logPath}");
    }
    else
    {
        var options = new QemuOptions { IsoPath = RepoPaths.Iso, Cpus = cpus, KernelOptions = "bench exit", Timeout = TimeSpan.FromMinutes(30), Echo = Console.Out };
        Console.WriteLine($"launcher: booting the benchmarks on {cpus} CPUs (QEMU TCG; several minutes)");
        if (cpus > Environment.ProcessorCount)
            Console.WriteLine($"launcher: {cpus} virtual CPUs on {Environment.ProcessorCount} host cores: figures with more busy CPUs than cores measure the host's scheduling too");
        BootResult result = await QemuRunner.BootAsync(options, cancel);
        if (result.KernelStatus != 0 || !result.Lines.Contains("bench: done"))
        {
            Console.Error.WriteLine("launcher: the benchmark boot failed; docs/benchmarks.md is unchanged\n" + result.Describe());
            return 1;
        }
        lines = result.Lines.Prepend(BenchmarkReport.HostLine(Environment.ProcessorCount)).ToList();
    }
    var report = BenchmarkReport.Parse(lines);
    if (report.Copies.Count == 0)
    {
        Console.Error.WriteLine("launcher: no BENCH lines found; docs/benchmarks.md is unchanged");
        return 1;
    }
    string command = "dotnet run --project CosmosKernel.Launcher -c Release -- bench --smp " + report.Cpus;
    string docs = Path.Combine(RepoPaths.Root, "docs");
    string? machineName = parse.GetValue(machine);
    if (machineName == null && logPath != null)
    {
        Console.Error.WriteLine("launcher: --from-log needs --machine: a saved log does not say which machine it was measured on; docs/benchmarks.md is unchanged");
        return 2;
    }
    report.WriteInto(docs, command, machineName ?? BenchmarkReport.DescribeHost(Environment.ProcessorCount), DateTime.UtcNow.ToString("yyyy-MM-dd"));
    if (logPath == null)
        File.WriteAllLines(Path.Combine(docs, "benchmarks-lines.txt"), BenchmarkReport.MachineReadable(lines));
    Console.WriteLine("launcher: wrote docs/benchmarks.md and its charts (docs/benchmarks-*.svg)"
        + (logPath == null ? ", and the lines they come from (docs/benchmarks-lines.txt)" : ""));
    return 0;
}));

var linuxProgram = new Option<string>("--program") { Description = "the program: a name in artifacts/programs (rflags for rflags.elf), or a path to a static x86-64 executable", Required = true };
var linuxSmp = new Option<int>("--smp") { Description = "virtual CPUs", DefaultValueFactory = _ => 2 };
var linuxTimeout = new Option<int>("--timeout") { Description = "seconds before the run is stopped (and failed)", DefaultValueFactory = _ => 120 };
var linux = new Command("linux", "Run a static test program as /init on Debian's Linux kernel (downloaded once into artifacts/linux) under the same QEMU; the last line is EXIT status=N as Linux reported it") { linuxProgram, linuxSmp, linuxTimeout };
linux.SetAction(async (parse, cancel) =>
{
    string name = parse.GetValue(linuxProgram)!;
    string program = name.Contains('/') ? Path.GetFullPath(name) : Path.Combine(RepoPaths.Root, "artifacts", "programs", name + ".elf");
    int cpus = parse.GetValue(linuxSmp);
    Console.WriteLine($"launcher: running {program} as /init on Linux in QEMU ({cpus} CPU, TCG)");
    LinuxRun result = await LinuxRunner.RunAsync(program, cpus, TimeSpan.FromSeconds(parse.GetValue(linuxTimeout)), Console.Out, cancel);
    Console.WriteLine();
    if (result.Failure != null)
    {
        // No EXIT line: there is no exit status that Linux reported.
        Console.Error.WriteLine("launcher: " + result.Failure);
        return result.Boot?.TimedOut == true ? 124 : 1;
    }
    Console.WriteLine($"launcher: {Path.GetFileName(program)} ended on {result.Kernel} after {result.Boot!.Elapsed.TotalSeconds:F1} s (QEMU start to exit)");
    Console.WriteLine(result.ExitLine);
    return result.ExitStatus ?? 128 + result.Signal!.Value;
});

var scalingRounds = new Option<int>("--rounds") { Description = "rounds per measurement on CosmosKernel (the Linux run uses the program's default, 5)", DefaultValueFactory = _ => 5 };
var scalingStrategies = new Option<string>("--strategies") { Description = "the user-copy strategies to boot, comma-separated; the first is the one compared with Linux", DefaultValueFactory = _ => string.Join(",", ScalingReport.DefaultStrategies) };
var scalingNoLinux = new Option<bool>("--no-linux") { Description = "leave Linux out (no download, no Linux column)" };
var scalingMachine = new Option<string?>("--machine") { Description = "the machine, as docs/benchmarks.md names it (default: this host; required with --from-log)" };
var scalingFromLog = new Option<string?>("--from-log") { Description = "do not boot: rebuild the section from a saved log (such as docs/scaling-lines.txt)" };
var scaling = new Command("scaling", "Boot the scaling benchmark (1 against 2 processes and threads) under each strategy on 2 CPUs, run it on Linux under the same QEMU, and regenerate its section of docs/benchmarks.md and docs/scaling-lines.txt") { scalingRounds, scalingStrategies, scalingNoLinux, scalingMachine, scalingFromLog };
scaling.SetAction(async (parse, cancel) => await Launcher.Guard(async () =>
{
    const int cpus = 2;
    var lines = new List<string>();
    string? logPath = parse.GetValue(scalingFromLog);
    string? machineName = parse.GetValue(scalingMachine);
    if (logPath != null)
    {
        if (machineName == null)
        {
            Console.Error.WriteLine("launcher: --from-log needs --machine: a saved log does not say which machine it was measured on; docs/benchmarks.md is unchanged");
            return 2;
        }
        lines.AddRange(File.ReadAllLines(logPath));
        Console.WriteLine($"launcher: rebuilding the scaling section from {logPath}");
    }
    else
    {
        int rounds = parse.GetValue(scalingRounds);
        if (rounds < 1 || rounds > 50)
        {
            Console.Error.WriteLine($"launcher: --rounds {rounds}: the program takes 1 to 50 rounds");
            return 2;
        }
        lines.Add(BenchmarkReport.HostLine(Environment.ProcessorCount));
        foreach (string strategy in parse.GetValue(scalingStrategies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Console.WriteLine($"launcher: scaling under {strategy} on {cpus} CPUs ({rounds} rounds)");
            var options = new QemuOptions { IsoPath = RepoPaths.Iso, Cpus = cpus, KernelOptions = $"exit strategy={strategy} run=scaling:{rounds}", Timeout = TimeSpan.FromMinutes(20), Echo = Console.Out };
            BootResult boot = await QemuRunner.BootAsync(options, cancel);
            var run = new List<string> { ScalingReport.RunPrefix + strategy };
            run.AddRange(boot.Lines.Where(l => l.TrimStart().StartsWith("SCALING", StringComparison.Ordinal)).Select(l => l.Trim()));
            string? missing = ScalingReport.Parse(run).Missing(strategy);
            if (boot.KernelStatus != 0 || missing != null)
            {
                Console.Error.WriteLine($"launcher: the scaling boot under {strategy} failed ({missing ?? "kernel status " + (boot.KernelStatus?.ToString() ?? "none")}); docs/benchmarks.md is unchanged\n" + boot.Describe());
                return 1;
            }
            lines.AddRange(run);
        }
        if (!parse.GetValue(scalingNoLinux))
        {
            string program = Path.Combine(RepoPaths.Root, "artifacts", "programs", "scaling.elf");
            Console.WriteLine($"launcher: scaling on Linux on {cpus} CPUs");
            LinuxRun result = await LinuxRunner.RunAsync(program, cpus, TimeSpan.FromMinutes(10), Console.Out, cancel);
            var run = new List<string> { ScalingReport.RunPrefix + ScalingReport.Linux };
            run.AddRange(result.Lines.Where(l => l.TrimStart().StartsWith("SCALING", StringComparison.Ordinal)).Select(l => l.Trim()));
            string? missing = ScalingReport.Parse(run).Missing(ScalingReport.Linux);
            if (result.Failure != null || result.ExitStatus != 0 || missing != null)
            {
                Console.Error.WriteLine($"launcher: the Linux run failed ({result.Failure ?? missing ?? result.ExitLine}); docs/benchmarks.md is unchanged (--no-linux leaves Linux out)\n" + result.Describe());
                return 1;
            }
            lines.AddRange(run);
        }
    }
    var report = ScalingReport.Parse(lines);
    if (report.Lines.Count == 0)
    {
        Console.Error.WriteLine("launcher: no SCALING lines found; docs/benchmarks.md is unchanged");
        return 1;
    }
    string docs = Path.Combine(RepoPaths.Root, "docs");
    string command = "dotnet run --project CosmosKernel.Launcher -c Release -- scaling";
    report.WriteInto(docs, command, machineName ?? BenchmarkReport.DescribeHost(Environment.ProcessorCount), DateTime.UtcNow.ToString("yyyy-MM-dd"));
    if (logPath == null)
        File.WriteAllLines(Path.Combine(docs, "scaling-lines.txt"), lines);
    Console.WriteLine("launcher: wrote the scaling section of docs/benchmarks.md" + (logPath == null ? " and docs/scaling-lines.txt" : ""));
    return 0;
}));

var root = new RootCommand("CosmosKernel launcher: boots the kernel ISO in QEMU") { run, bootTime, bench, linux, scaling };
return await root.Parse(args).InvokeAsync();

static class Launcher
{
    // The machines the kernel supports (HAL Gdt.MaxCpus; Boot/EntryPoint.MinimumMemoryMiB,
    // which the kernel also checks itself): refused here with a clear message rather than
    // by QEMU or by a kernel that cannot boot (docs/troubleshooting.md).
    public const int MaxCpus = 16;
    public const int MinimumMemoryMiB = 64;

    public static string? CheckMachine(int cpus, int memoryMiB)
    {
        if (cpus < 1 || cpus > MaxCpus)
            return $"--smp {cpus}: the kernel runs on 1 to {MaxCpus} CPUs";
        if (memoryMiB < MinimumMemoryMiB)
            return $"--memory {memoryMiB}: the kernel needs at least {MinimumMemoryMiB} MiB";
        return null;
    }

    // Setup problems (no ISO, no QEMU, no OVMF) as one line, not a stack trace.
    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (LauncherSetupException e)
        {
            Console.Error.WriteLine("launcher: " + e.Message);
            return 2;
        }
    }
}
