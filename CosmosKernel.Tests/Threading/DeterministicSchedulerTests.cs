using CosmosKernel.Tests.Simulation;

namespace CosmosKernel.Tests.Threading;

// The scheduler the race tests trust: seeded, replayable, and actually exploring.
[TestFixture]
public class DeterministicSchedulerTests
{
    private static IReadOnlyList<int> RunThreeYielders(int seed)
    {
        var scheduler = new DeterministicScheduler(seed);
        for (int t = 0; t < 3; t++)
            scheduler.Spawn(() =>
            {
                for (int i = 0; i < 10; i++)
                    scheduler.Yield();
            });
        var result = scheduler.Run();
        Assert.That(result.Failure, Is.Null);
        return result.Trace;
    }

    [Test]
    public void TheSameSeedReplaysTheSameInterleaving()
    {
        Assert.That(RunThreeYielders(42), Is.EqualTo(RunThreeYielders(42)));
    }

    [Test]
    public void DifferentSeedsExploreDifferentInterleavings()
    {
        var traces = Enumerable.Range(1, 20).Select(seed => string.Join(",", RunThreeYielders(seed))).ToHashSet();
        Assert.That(traces.Count, Is.GreaterThan(15));
    }

    [Test]
    public void AnExceptionInAThreadEndsTheRunWithTheSeed()
    {
        var scheduler = new DeterministicScheduler(9);
        scheduler.Spawn(() => { scheduler.Yield(); throw new InvalidOperationException("boom"); }, "thrower");
        scheduler.Spawn(() => { for (int i = 0; i < 100; i++) scheduler.Yield(); }, "bystander");
        var result = scheduler.Run();
        Assert.That(result.Completed, Is.False);
        Assert.That(result.Failure, Does.Contain("seed 9").And.Contain("thrower").And.Contain("boom"));
    }

    [Test]
    public void AThreadParkedForeverIsReportedAsADeadlock()
    {
        var scheduler = new DeterministicScheduler(1);
        scheduler.Spawn(() => scheduler.Park(), "sleeper");
        var result = scheduler.Run();
        Assert.That(result.Failure, Does.Contain("deadlock").And.Contain("sleeper"));
    }

    [Test]
    public void ALivelockHitsTheStepLimit()
    {
        var scheduler = new DeterministicScheduler(1);
        scheduler.Spawn(() => { while (true) scheduler.Yield(); }, "spinner");
        var result = scheduler.Run(maxSteps: 500);
        Assert.That(result.Failure, Does.Contain("step limit"));
    }
}
