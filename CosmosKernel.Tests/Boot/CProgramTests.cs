using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The C regression programs (CosmosKernel.Userland/CTests, static musl executables):
// each must pass every one of its checks on Linux (so the expectations are Linux's)
// and on CosmosKernel, on one CPU and on two. Every *.c file there is one program.
public static class CPrograms
{
    public static IEnumerable<string> Names =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "CosmosKernel.Userland", "CTests"), "*.c")
            .Select(path => Path.GetFileNameWithoutExtension(path)).Order();

    public static string ProgramPath(string name) => Path.Combine(RepoPaths.Root, "artifacts", "programs", name + ".elf");

    // The program's own verdict (check.h): no failed check and the summary "N/N checks passed".
    public static void AssertEveryCheckPassed(IEnumerable<string> lines, string program, string log)
    {
        Match summary = lines.Select(l => Regex.Match(l.Trim(), "^" + program + @": (\d+)/(\d+) checks passed$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no summary line from " + program + "\n" + log);
        Assert.That(lines.Where(l => l.Trim().StartsWith(program + ": FAILED")), Is.Empty, log);
        Assert.That(int.Parse(summary.Groups[2].Value), Is.GreaterThan(0));
        Assert.That(summary.Groups[1].Value, Is.EqualTo(summary.Groups[2].Value), log);
    }
}

[TestFixture(1)]
[TestFixture(2)]
public class CProgramsOnCosmosKernelTests
{
    private readonly int _cpus;
    private BootResult _boot = null!;

    public CProgramsOnCosmosKernelTests(int cpus) => _cpus = cpus;

    // One boot runs every program in turn.
    [OneTimeSetUp]
    public void RunEveryProgram() => _boot = KernelBoot.Run("exit run=" + string.Join(",", CPrograms.Names), _cpus);

    [TestCaseSource(typeof(CPrograms), nameof(CPrograms.Names))]
    public void PassesEveryCheckAndExitsWithZero(string program)
    {
        CPrograms.AssertEveryCheckPassed(_boot.Lines, program, _boot.Describe());
        Assert.That(_boot.Lines, Has.Some.Match(@"^process \d+ \(" + program + @"\) exited with status 0$"), _boot.Describe());
        Assert.That(_boot.Crash, Is.Null, "no kernel crash\n" + _boot.Describe());
    }

    // Issue 13: a syscall without a handler answers ENOSYS and the kernel names it, once
    // per process. enosys.c calls afs_syscall (183) twice and tuxcall (184) once, and its
    // forked child afs_syscall once: one line per process and number.
    [Test]
    public void AnUnimplementedSyscallIsNamedOncePerProcess()
    {
        List<Match> lines = _boot.Lines.Select(l => Regex.Match(l.Trim(), @"^process (\d+) \(enosys\): syscall (\d+) \((\w+)\) not implemented, -ENOSYS$"))
            .Where(m => m.Success).ToList();
        List<Match> afs = lines.Where(m => m.Groups[2].Value == "183").ToList();
        Assert.That(afs.Select(m => m.Groups[3].Value), Is.EqualTo(new[] { "afs_syscall", "afs_syscall" }), "183 named once by the parent and once by its child\n" + _boot.Describe());
        Assert.That(afs.Select(m => m.Groups[1].Value).Distinct().Count(), Is.EqualTo(2), "by two processes\n" + _boot.Describe());
        Assert.That(lines.Where(m => m.Groups[2].Value == "184").Select(m => m.Groups[3].Value), Is.EqualTo(new[] { "tuxcall" }),
            "184, called once, named once\n" + _boot.Describe());
    }

    // musl's stdio writes with writev: printf's line reaches the console (it printed
    // nothing when writev was ENOSYS).
    [Test]
    public void MuslPrintfReachesTheConsole()
    {
        Assert.That(_boot.Lines.Select(l => l.Trim()), Has.Member("fds: hello from musl's printf"), _boot.Describe());
    }
}

[TestFixture]
public class CProgramsOnLinuxTests
{
    [TestCaseSource(typeof(CPrograms), nameof(CPrograms.Names))]
    public void PassesEveryCheckAndExitsWithZeroOnLinux(string program)
    {
        LinuxRun run = LinuxRunner.RunAsync(CPrograms.ProgramPath(program), cpus: 2, TimeSpan.FromSeconds(120), echo: null).GetAwaiter().GetResult();
        TestContext.Out.WriteLine(run.Describe());
        if (run.Failure != null)
            Assert.Fail(run.Describe());
        CPrograms.AssertEveryCheckPassed(run.Lines, program, run.Describe());
        Assert.That(run.ExitStatus, Is.EqualTo(0), "the exit status Linux reported\n" + run.Describe());
    }
}
