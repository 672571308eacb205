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
