using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The scaling benchmark (CosmosKernel.Userland/Bench/scaling.c; issue 12): 1 against 2,
// as processes and as threads of one process, for faults, null syscalls, pipe copies
// and mmap+munmap. Its ratios are
// measurements, not asserted (no timed assertions on a noisy 2-core host); what is
// checked is what a user relies on: every kind of work runs in 1 and in 2 processes at
// once without a failed syscall or a kernel crash, and each gets its line with a
// throughput above zero, followed by its lock profile (the lock classes waited for
// longest, from cosmos_lock_stats: named classes, or "none"). There is no kernel lock:
// the paths it drives run on two CPUs at once.
[TestFixture(1)]
[TestFixture(2)]
public class ScalingBenchmarkTests
{
    private readonly int _cpus;

    public ScalingBenchmarkTests(int cpus) => _cpus = cpus;

    [Test]
    public void EveryWorkRunsInOneAndTwoProcessesAndThreadsAndIsReported()
    {
        BootResult boot = KernelBoot.Run("exit run=scaling:1", _cpus);
        string log = boot.Describe();
        Assert.That(boot.Crash, Is.Null, "no kernel crash or panic\n" + log);
        foreach (string mode in new[] { "processes", "threads" })
        foreach (string work in new[] { "faults", "getpid", "pipe", "mmap" })
        {
            Match line = boot.Lines.Select(l => Regex.Match(l.Trim(),
                    @"^SCALING mode=" + mode + " work=" + work + @" unit=\S+ one_best_per_s=(\d+) two_best_per_s=(\d+) ratio_best=[\d.]+ ratio_median=[\d.]+ ratio_worst=[\d.]+ rounds=1$"))
                .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no SCALING line for " + work + " in " + mode + "\n" + log);
            Assert.That(long.Parse(line.Groups[1].Value), Is.GreaterThan(0), work + " in 1 of the " + mode + "\n" + log);
            Assert.That(long.Parse(line.Groups[2].Value), Is.GreaterThan(0), work + " in 2 " + mode + " at once\n" + log);
            Assert.That(boot.Lines.Select(l => l.Trim()), Has.Some.Match(@"^SCALING_LOCKS mode=" + mode + " work=" + work
                + @"(( ""[^""]+""=[\d.]+_cycles/\S+,\d+_waits)+| none)$"), "the lock profile of " + work + " in " + mode + "\n" + log);
        }
        Assert.That(boot.Lines, Has.None.Contains("scaling: ").And.Contains(" failed"), log);
        Assert.That(boot.Lines, Has.Some.Match(@"^process \d+ \(scaling\) exited with status 0$"), log);
        Assert.That(boot.KernelStatus, Is.EqualTo(0), log);
    }
}
