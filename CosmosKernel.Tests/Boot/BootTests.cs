using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The ISO boots in QEMU, prints its banner, runs its runtime self-test and reports
// through isa-debug-exit.
[TestFixture]
public class BootTests
{
    private BootResult _boot = null!;

    [OneTimeSetUp]
    public void BootOnce() => _boot = KernelBoot.RunToExit("exit");

    [Test]
    public void PrintsTheBannerOnSerial()
    {
        Assert.That(_boot.Lines, Has.Some.Match(@"^CosmosKernel \d+\.\d+\.\d+ booted \(x86-64, NativeAOT C#\)$"), _boot.Describe());
    }

    [Test]
    public void BiosBootWritesToTheVgaTextScreen()
    {
        // grub.cfg keeps text mode under BIOS although the kernel accepts a framebuffer.
        Assert.That(_boot.Lines, Has.Some.EqualTo("console: VGA text 80x25 and COM1"), _boot.Describe());
    }

    [Test]
    public void TheLauncherDoesNotWaitOutTheGrubMenu()
    {
        Assert.That(_boot.Lines, Has.Some.Contains(QemuRunner.GrubCountdown), "GRUB's menu showed\n" + _boot.Describe());
        Assert.That(_boot.Lines, Has.None.Contains("automatically in 1s"), "the launcher pressed Enter at the first countdown line\n" + _boot.Describe());
    }

    [Test]
    public void SeesGrubAndTheMemoryMap()
    {
        Assert.That(_boot.Lines, Has.Some.StartsWith("boot: loader \"GRUB"), _boot.Describe());
        Match memory = _boot.Lines.Select(l => Regex.Match(l, @"^boot: (\d+) MiB usable RAM")).First(m => m.Success);
        // QEMU was given 256 MiB; BIOS and the VGA hole take a little of it.
        Assert.That(int.Parse(memory.Groups[1].Value), Is.InRange(200, 256));
    }

    [Test]
    public void RuntimeSelfTestPassesEveryCheck()
    {
        Match summary = _boot.Lines.Select(l => Regex.Match(l, @"^selftest runtime: (\d+)/(\d+) checks passed$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no runtime self-test summary\n" + _boot.Describe());
        int passed = int.Parse(summary.Groups[1].Value), total = int.Parse(summary.Groups[2].Value);
        Assert.That(total, Is.GreaterThanOrEqualTo(30), "the self-test should exercise the whole feature list");
        Assert.That(passed, Is.EqualTo(total), _boot.Describe());
        Assert.That(_boot.Lines, Has.None.Contains("FAILED"));
    }

    [TestCase("memory", 15)]
    [TestCase("vmm", 50)]
    [TestCase("threads", 9)]
    [TestCase("gc", 9)]
    public void SelfTestSuitePassesEveryCheck(string suite, int minimumChecks)
    {
        Match summary = _boot.Lines.Select(l => Regex.Match(l, "^selftest " + suite + @": (\d+)/(\d+) checks passed$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no " + suite + " self-test summary\n" + _boot.Describe());
        Assert.That(int.Parse(summary.Groups[2].Value), Is.GreaterThanOrEqualTo(minimumChecks));
        Assert.That(summary.Groups[1].Value, Is.EqualTo(summary.Groups[2].Value), _boot.Describe());
    }

    [Test]
    public void KernelOwnsPagingAndTheFrames()
    {
        Match memory = _boot.Lines.Select(l => Regex.Match(l, @"^memory: (\d+) MiB in frames, (\d+) MiB free, NX (on|off)$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no memory summary\n" + _boot.Describe());
        Assert.That(int.Parse(memory.Groups[1].Value), Is.InRange(200, 256), "the frame allocator manages the usable RAM");
        Assert.That(memory.Groups[3].Value, Is.EqualTo("on"), "QEMU -cpu max has NX");
    }

    [Test]
    public void SmepAndSmapAreOnWhereTheCpuHasThem()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("cpu: SMEP on, SMAP on"), "QEMU -cpu max has both");
    }

    [Test]
    public void DefaultUserCopyStrategyIsPageLock()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("vmm: user-copy strategy pagelock"));
    }

    [Test]
    public void ExitsQemuWithStatusZeroWhenAllPassed()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("boot: all self-tests passed"));
        Assert.That(_boot.KernelStatus, Is.EqualTo(0), _boot.Describe());
        Assert.That(_boot.QemuExitCode, Is.EqualTo(1), "isa-debug-exit reports (status << 1) | 1");
    }
}

// The strategy chosen on the kernel command line is the one in use, and the VMM
// self-test (real page tables, real page faults) passes under each.
[TestFixture]
public class StrategyBootTests
{
    [TestCase("mmlock")]
    [TestCase("extable")]
    [TestCase("pin")]
    [TestCase("naive")]
    public void VmmSelfTestPassesUnder(string strategy)
    {
        BootResult boot = KernelBoot.RunToExit("exit strategy=" + strategy);
        Assert.That(boot.Lines, Has.Some.EqualTo("vmm: user-copy strategy " + strategy), boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^selftest vmm: (\d+)/\1 checks passed$"), boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }

    [Test]
    public void AnUnknownStrategyIsReportedAndTheDefaultUsed()
    {
        BootResult boot = KernelBoot.RunToExit("exit strategy=bogus");
        Assert.That(boot.Lines, Has.Some.StartsWith("vmm: unknown strategy \"bogus\""));
        Assert.That(boot.Lines, Has.Some.EqualTo("vmm: user-copy strategy pagelock"));
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}
