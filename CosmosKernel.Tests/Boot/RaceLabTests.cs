using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The race lab on the real kernel (one CPU): while one thread moves 16 KiB between a
// pipe and a buffer, another thread of the same process unmaps or re-protects the
// buffer at the kernel copy's first scheduling point. Each strategy must show its own
// outcome in every scenario, the safe ones keeping every invariant; naive must crash.
[TestFixture]
public class RaceLabTests
{
    private static readonly string[] Scenarios = { "munmap-during-write", "munmap-during-read", "mprotect-during-read" };

    private static Match RaceLine(BootResult boot, string scenario) =>
        boot.Lines.Select(l => Regex.Match(l, "^RACE scenario=" + scenario
                + @" strategy=(\w+) copied=(-?\d+) attack=(-?\d+) attack_waited=(yes|no) poison_violations=(\d+) double_frees=(\d+)$"))
            .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no RACE line for " + scenario + "\n" + boot.Describe());

    [TestCase("pagelock", 16384, "yes", TestName = "pagelock: the attack waits, every copy is whole")]
    [TestCase("mmlock", 16384, "yes", TestName = "mmlock: the attack waits, every copy is whole")]
    [TestCase("extable", 4096, "no", TestName = "extable: the attack goes first, every copy stops at the first attacked page")]
    [TestCase("pin", 16384, "no", TestName = "pin: the attack goes first, every copy finishes through its pinned frames")]
    public void EveryScenario(string strategy, int expectedCopied, string attackWaited)
    {
        BootResult boot = KernelBoot.RunToExit("exit run=racelab strategy=" + strategy);
        foreach (string scenario in Scenarios)
        {
            Match race = RaceLine(boot, scenario);
            Assert.That(race.Groups[1].Value, Is.EqualTo(strategy));
            Assert.That(int.Parse(race.Groups[2].Value), Is.EqualTo(expectedCopied), scenario + "\n" + boot.Describe());
            Assert.That(race.Groups[3].Value, Is.EqualTo("0"), scenario + ": the attack (munmap, mprotect) succeeds");
            Assert.That(race.Groups[4].Value, Is.EqualTo(attackWaited), scenario + ": the kernel's wait counters");
            Assert.That(race.Groups[5].Value, Is.EqualTo("0"), scenario + ": no write into a freed frame");
            Assert.That(race.Groups[6].Value, Is.EqualTo("0"), scenario + ": no frame freed twice");
        }
        Assert.That(boot.Crash, Is.Null);
        Assert.That(boot.Lines, Has.Some.EqualTo("process 1 (racelab) exited with status 0"));
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
