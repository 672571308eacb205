using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Programs that deadlock among themselves (threads waiting on futexes nobody wakes, a
// read of a pipe whose write end the reader holds, a parent waiting for such a child)
// leave every thread of the machine waiting, with nothing that could wake one. Before,
// the kernel then panicked ("every thread is blocked"): any program could crash it.
// Now the deadlocked process (only it: not a parent that merely waits for it) is
// killed with SIGKILL and a report, and the kernel and the other programs go on.
[TestFixture(1)]
[TestFixture(2)]
public class DeadlockTests
{
    private readonly int _cpus;

    public DeadlockTests(int cpus) => _cpus = cpus;

    [Test]
    public void DeadlockedProgramIsKilledAndTheKernelGoesOn()
    {
        BootResult boot = KernelBoot.Run("exit run=deadlock,hello", _cpus);
        string log = boot.Describe();
        Assert.That(boot.Crash, Is.Null, "no kernel crash or panic\n" + log);
        Assert.That(boot.Lines, Has.Some.EqualTo("deadlock: futex: killed by signal 9 (as expected)"), log);
        Assert.That(boot.Lines, Has.Some.EqualTo("deadlock: pipe: killed by signal 9 (as expected)"), log);
        Assert.That(boot.Lines, Has.Some.EqualTo("deadlock: nested: exited with status 0 (as expected)"), log);
        Assert.That(boot.Lines.Count(l => l.StartsWith("KILLED ") && l.EndsWith(" name=deadlock signal=9 deadlock")), Is.EqualTo(3),
            "one report per deadlocked process, none for the parents that only waited\n" + log);
        Assert.That(boot.Lines, Has.Some.Match(@"^process \d+ \(deadlock\) exited with status 0$"), log);
        Assert.That(boot.Lines, Has.Some.Match(@"^process \d+ \(hello\) exited with status 0$"), "the next program ran\n" + log);
        Assert.That(boot.KernelStatus, Is.EqualTo(0), log);
    }
}
