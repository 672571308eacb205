using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// What the kernel does with what it was asked (issue 15): quotes around a value are
// not part of it, an unknown option is reported, a request that cannot be carried out
// ends in a failing status (never 0), and a machine with too little RAM is told so.
[TestFixture]
public class KernelOptionsTests
{
    [Test]
    public void QuotesAreStrippedAndUnknownOptionsReported()
    {
        BootResult boot = KernelBoot.RunToExit("exit run=\"hello\" frobnicate=1 verbose");
        Assert.That(boot.Lines, Has.Some.Match(@"^process \d+ \(hello\) exited with status 0$"), "run=\"hello\" runs hello\n" + boot.Describe());
        Assert.That(boot.Lines, Has.Some.StartsWith("boot: unknown option \"frobnicate=1\" ignored"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.StartsWith("boot: unknown option \"verbose\" ignored"), boot.Describe());
        Assert.That(boot.Lines, Has.None.Contains("unknown option \"exit\"").And.None.Contains("unknown option \"run="), boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }

    [Test]
    public void AModuleThatIsNoProgramFails()
    {
        BootResult boot = KernelBoot.RunToExit("exit run=font");
        Assert.That(boot.Lines, Has.Some.StartsWith("exec font: "), "the reason is printed\n" + boot.Describe());
        Assert.That(boot.Crash, Is.Null, boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(1), boot.Describe());
    }

    [Test]
    public void AProgramAskedForAloneThatFailsFailsTheBoot()
    {
        BootResult alone = KernelBoot.RunToExit("exit run=segv");
        Assert.That(alone.Lines, Has.Some.Match(@"^process \d+ \(segv\) killed by signal 11$"), alone.Describe());
        Assert.That(alone.KernelStatus, Is.EqualTo(1), "segv asked for alone, and it was killed\n" + alone.Describe());
        BootResult inAList = KernelBoot.RunToExit("exit run=segv,hello");
        Assert.That(inAList.KernelStatus, Is.EqualTo(0), "in a list a program may fail on purpose\n" + inAList.Describe());
    }

    [Test]
    public void TooLittleRamIsSaidInWords()
    {
        BootResult boot = KernelBoot.Run("exit run=hello", memoryMiB: 48);
        Assert.That(boot.TimedOut, Is.False, boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^boot: \d+ MiB of usable RAM is too little: CosmosKernel needs a machine with at least 64 MiB$"), boot.Describe());
        Assert.That(boot.Lines, Has.None.Contains("selftest"), "stopped before the self-tests\n" + boot.Describe());
        Assert.That(boot.Crash, Is.Null, boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(1), boot.Describe());
    }
}
