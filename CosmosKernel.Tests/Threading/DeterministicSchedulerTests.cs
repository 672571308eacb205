using CosmosKernel.Tests.Simulation;

namespace CosmosKernel.Tests.Threading;

// The scheduler the race tests trust: seeded, replayable, and actually exploring.
[TestFixture]
public class DeterministicSchedulerTests
{
    private static IReadOnlyList<int> RunThreeYielders(int seed) => RunYielders(new DeterministicScheduler(seed), 3, 10);

    // `threads` threads that each yield `yields` times; the run's trace.
    private static IReadOnlyList<int> RunYielders(DeterministicScheduler scheduler, int threads, int yields)
    {
        for (int t = 0; t < threads; t++)
            scheduler.Spawn(() =>
            {
                for (int i = 0; i < yields; i++)
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

    // Pct: the highest-priority thread runs until a change point drops it, so a run of
    // two yielding threads has at most depth + 1 stretches (each of the depth - 1 change
    // points switches once, and so does a thread's end), and different seeds put the
    // switches in different places.
    private static int Stretches(IReadOnlyList<int> trace) =>
        trace.Count == 0 ? 0 : 1 + Enumerable.Range(1, trace.Count - 1).Count(i => trace[i] != trace[i - 1]);

    [Test]
    public void PctRunsTheHighestPriorityThreadUntilAChangePoint()
    {
        var stretches = new List<int>();
        var traces = new HashSet<string>();
        for (int seed = 1; seed <= 50; seed++)
        {
            IReadOnlyList<int> trace = RunYielders(
                new DeterministicScheduler(seed, exploration: DeterministicScheduler.Exploration.Pct, pctDepth: 3, pctSteps: 40), 2, 20);
            stretches.Add(Stretches(trace));
            traces.Add(string.Join(",", trace));
        }
        Assert.That(stretches, Has.All.InRange(2, 4), "at most depth + 1 stretches");
        Assert.That(stretches, Has.Some.GreaterThan(2), "change points switch threads");
        Assert.That(traces.Count, Is.GreaterThan(10), "seeds place the switches differently");
    }

    [Test]
    public void PctWithoutChangePointsRunsOneThreadToItsEnd()
    {
        IReadOnlyList<int> trace = RunYielders(new DeterministicScheduler(5, exploration: DeterministicScheduler.Exploration.Pct, pctDepth: 1), 3, 10);
        Assert.That(Stretches(trace), Is.EqualTo(3), string.Join(",", trace));
    }

    // A thread that waits for another by yielding in a loop must not starve it, whatever
    // their priorities: Pct drops a thread picked PctFairnessBound times in a row.
    [Test]
    public void PctLetsALowerPriorityThreadEndAYieldingWait()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var scheduler = new DeterministicScheduler(seed, exploration: DeterministicScheduler.Exploration.Pct, pctDepth: 1);
            bool flag = false;
            scheduler.Spawn(() =>
            {
                while (!flag)
                    scheduler.Yield();
            }, "waiter");
            scheduler.Spawn(() => flag = true, "setter");
            var result = scheduler.Run(maxSteps: 10 * DeterministicScheduler.PctFairnessBound);
            Assert.That(result.Failure, Is.Null, $"seed {seed}");
        }
    }
}
