using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The race lab on the real kernel (one CPU): a thread unmaps the buffer another thread
// of the same process is reading into from a pipe, at the kernel copy's first
// scheduling point. Each strategy must show its own outcome, and the safe ones must
// keep every invariant; naive must crash the kernel.
[TestFixture]
public class RaceLabTests
{
    private static Match RaceLine(BootResult boot) =>
        boot.Lines.Select(l => Regex.Match(l, @"^RACE scenario=munmap-during-read strategy=(\w+) read=(-?\d+) munmap=(-?\d+) munmap_during_copy=(yes|no) poison_violations=(\d+) double_frees=(\d+)$"))
            .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no RACE line\n" + boot.Describe());

    [TestCase("pagelock", 16384, "no", TestName = "pagelock: munmap waits, the read is whole")]
    [TestCase("mmlock", 16384, "no", TestName = "mmlock: munmap waits, the read is whole")]
    [TestCase("extable", 4096, "yes", TestName = "extable: munmap goes first, the read stops at the hole")]
    [TestCase("pin", 16384, "yes", TestName = "pin: munmap goes first, the copy finishes into pinned frames")]
    public void MunmapDuringRead(string strategy, int expectedRead, string munmapDuringCopy)
    {
        BootResult boot = KernelBoot.RunToExit("exit run=racelab strategy=" + strategy);
        Match race = RaceLine(boot);
        Assert.That(race.Groups[1].Value, Is.EqualTo(strategy));
        Assert.That(int.Parse(race.Groups[2].Value), Is.EqualTo(expectedRead), boot.Describe());
        Assert.That(race.Groups[3].Value, Is.EqualTo("0"), "munmap succeeds");
        Assert.That(race.Groups[4].Value, Is.EqualTo(munmapDuringCopy));
        Assert.That(race.Groups[5].Value, Is.EqualTo("0"), "no write into a freed frame");
        Assert.That(race.Groups[6].Value, Is.EqualTo("0"), "no frame freed twice");
        Assert.That(boot.Crash, Is.Null);
        Assert.That(boot.KernelStatus, Is.EqualTo(0));
    }

    [Test(Description = "naive: the copy faults on the unmapped buffer with no recovery")]
    public void NaiveCrashesTheKernel()
    {
        BootResult boot = KernelBoot.RunToExit("exit run=racelab strategy=naive");
        CrashReport crash = boot.Crash ?? throw new AssertionException("naive should crash\n" + boot.Describe());
        Assert.That(crash.Vector, Is.EqualTo(14));
        Assert.That(boot.Lines, Has.Some.Contains("kernel-mode fault on user address").And.Contains("with no recovery (not mapped)"));
        Assert.That(InstructionDecoder.Decode(crash.CodeBytes, crash.Rip), Is.EqualTo("rep movsb [rdi],[rsi]"));
        Assert.That(boot.KernelStatus, Is.EqualTo(3));
    }
}
