using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// A kernel built without its plugs (-p:CosmosPlugs=false) runs on the Cosmos layer's
// defaults: the boot map and crash-report interrupt handling. It must boot, say so,
// refuse user programs in words and stop cleanly; an exception must get the default
// crash report. Built once per run into artifacts/no-plugs/ (Directory.Build.props), so
// the ISO the other tests boot is untouched.
[TestFixture]
public class NoPlugsTests
{
    private string _buildLog = "";

    [OneTimeSetUp]
    public void BuildWithoutPlugs() =>
        _buildLog = KernelBuild.Run(RepoPaths.NoPlugsIso, "-c", "Release", "-p:CosmosPlugs=false");

    [Test]
    public void TheBuildAppliesNoPlugs()
    {
        Assert.That(_buildLog, Does.Not.Contain("plugs applied"), _buildLog);
        Assert.That(_buildLog, Does.Contain("artifacts/no-plugs/CosmosKernel.iso"), _buildLog);
    }

    [Test]
    public void BootsOnTheDefaultsSaysSoAndStopsCleanly()
    {
        BootResult boot = KernelBoot.Run("exit", iso: RepoPaths.NoPlugsIso, lockdep: false);
        Assert.That(boot.TimedOut, Is.False, boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^CosmosKernel \d+\.\d+\.\d+ booted \(x86-64, NativeAOT C#\)$"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.StartsWith("plugs: none applied"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.StartsWith("paging: the boot map"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.EqualTo("interrupts: the default handling: every exception is a crash report"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.EqualTo("user programs cannot run without the kernel's paging plug: not running init"), boot.Describe());
        Assert.That(boot.Lines, Has.None.Contains("Hello from C#"), "a program ran without user address spaces\n" + boot.Describe());
        Assert.That(boot.Crash, Is.Null, boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }

    [Test]
    public void ProgramsAskedForThatCannotRunFailTheStatus()
    {
        BootResult boot = KernelBoot.Run("exit run=hello", iso: RepoPaths.NoPlugsIso, lockdep: false);
        Assert.That(boot.Lines, Has.Some.EqualTo("user programs cannot run without the kernel's paging plug: not running hello"), boot.Describe());
        Assert.That(boot.Lines, Has.None.Contains("Hello from C#"), boot.Describe());
        Assert.That(boot.Crash, Is.Null, boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(1), "what was asked for did not run (as with plugs: Kernel.RunPrograms)\n" + boot.Describe());
    }

    [Test]
    public void AnExceptionGetsTheDefaultCrashReport()
    {
        BootResult boot = KernelBoot.Run("exit selftest=pagefault", iso: RepoPaths.NoPlugsIso, lockdep: false);
        Assert.That(boot.TimedOut, Is.False, boot.Describe());
        Assert.That(boot.Lines, Has.Some.Contains("the Cosmos layer's default interrupt handling: every exception is a crash report"), boot.Describe());
        Assert.That(boot.Crash, Is.Not.Null, boot.Describe());
        Assert.That(boot.Crash!.Vector, Is.EqualTo(14), boot.Describe());
        Assert.That(boot.Crash.Cr2, Is.EqualTo(CosmosKernelDeliberateFault), boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(3), boot.Describe());
    }

    // Kernel.DeliberateFaultAddress: the address selftest=pagefault reads.
    private const ulong CosmosKernelDeliberateFault = 0xFFFF8F00DEAD0000;
}
