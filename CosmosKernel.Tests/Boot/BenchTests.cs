using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The benchmark program runs to the end and measures every strategy at every size,
// scaling on 1 and 2 threads and both locks' fairness, and the report built from its
// lines has a row per strategy and its charts. No assertion on timings: these machines
// are too noisy for that (the FIFO mutex's bound on overtaking is a count, not a time).
[TestFixture]
public class BenchTests
{
    private BootResult _boot = null!;
    private BenchmarkReport _report = null!;

    [OneTimeSetUp]
    public void BootTheBenchmarks()
    {
        _boot = KernelBoot.RunToExit("exit bench", cpus: 2);
        _report = BenchmarkReport.Parse(_boot.Lines);
    }

    [Test]
    public void EveryStrategyIsTimedAtEverySizeAgainstMemcpy()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("bench: done"), _boot.Describe());
        Assert.That(_boot.KernelStatus, Is.EqualTo(0));
        foreach (string strategy in BenchmarkReport.Strategies)
            foreach (int size in BenchmarkReport.Sizes)
                foreach (string direction in new[] { "from_user", "to_user" })
                {
                    var cell = _report.Copies.SingleOrDefault(c => c.Strategy == strategy && c.Size == size && c.Direction == direction && c.BusyCpus == 0);
                    Assert.That(cell, Is.Not.Null, strategy + " " + size + " " + direction + "\n" + _boot.Describe());
                    Assert.That(cell!.CopyCycles, Is.GreaterThan(0));
                    Assert.That(cell.MemcpyCycles, Is.GreaterThan(0));
                }
        Assert.That(_report.Other.Keys, Is.SupersetOf(new[] { "syscall getpid", "fault demand_zero", "fault copy_on_write", "munmap 1 busy 0", "munmap 256 busy 0" }));
        Assert.That(_report.TscMhz, Is.GreaterThan(0));
    }

    // The profile counts what each strategy does to the TLB: pagelock clears user bits,
    // so a copy shoots down the CPU running the process's other thread; the others
    // change no page-table entry, so they never interrupt another CPU.
    [Test]
    public void OnlyPagelockCopiesShootDownOtherCpus()
    {
        foreach (string strategy in BenchmarkReport.Strategies)
            foreach (var cell in _report.Copies.Where(c => c.Strategy == strategy && c.Size == 65536 && c.BusyCpus == 1))
            {
                if (strategy == "pagelock")
                    Assert.That(cell.Shootdowns, Is.GreaterThanOrEqualTo(1), "one shootdown per window of 16 pages\n" + _boot.Describe());
                else
                    Assert.That(cell.Shootdowns, Is.EqualTo(0), strategy);
            }
        Assert.That(_report.Copies.Count(c => c.Size == 65536 && c.BusyCpus == 1), Is.EqualTo(2 * BenchmarkReport.Strategies.Length));
    }

    [Test]
    public void EveryStrategyIsTimedOnOneAndTwoThreads()
    {
        Assert.That(_report.ScalingThreadCounts, Is.EqualTo(new[] { 1, 2 }), _boot.Describe());
        foreach (string strategy in BenchmarkReport.Strategies)
            foreach (int threads in new[] { 1, 2 })
            {
                var run = _report.Scaling.SingleOrDefault(r => r.Strategy == strategy && r.Threads == threads);
                Assert.That(run, Is.Not.Null, strategy + " " + threads + "\n" + _boot.Describe());
                Assert.That(run!.Failures, Is.EqualTo(0), strategy + " " + threads + ": every copy whole");
                Assert.That(run.Cycles, Is.GreaterThan(0));
            }
        Assert.That(_report.Speedup("pin", 2), Is.Not.Null);
    }

    [Test]
    public void TheFifoMutexBoundsOvertakingAndTheSpinlockDoesNot()
    {
        var fifo = _report.Fairness.Single(f => f.Lock == "fifo");
        var spin = _report.Fairness.Single(f => f.Lock == "spin");
        Assert.That(fifo.Acquisitions, Is.EqualTo(400));
        Assert.That(spin.Acquisitions, Is.EqualTo(400));
        Assert.That(fifo.WorstOvertaken, Is.LessThanOrEqualTo(3), "a waiter is overtaken at most by the 3 threads queued before it");
        Assert.That(fifo.MedianWaitCycles, Is.LessThanOrEqualTo(fifo.WorstWaitCycles));
    }

    [Test]
    public void TheReportHasARowPerStrategyAndBothCharts()
    {
        string markdown = _report.Markdown("command", "machine", "date");
        Assert.That(markdown, Does.StartWith(BenchmarkReport.BeginMarker));
        Assert.That(markdown.TrimEnd(), Does.EndWith(BenchmarkReport.EndMarker));
        foreach (string strategy in BenchmarkReport.Strategies)
            Assert.That(markdown, Does.Match(@"\| `" + strategy + @"` \| \d+\.\d\dx \| \d+\.\d\dx \| \d+\.\d\dx \| \d+\.\d\dx \|"));
        Assert.That(_report.SizesChart(), Does.StartWith("<svg").And.Contain("pagelock").And.Contain("<rect"));
        Assert.That(_report.BusyChart(), Does.StartWith("<svg").And.Contain("0 other CPUs busy"));
        Assert.That(_report.ScalingChart(), Does.StartWith("<svg").And.Contain("2 threads"));
        Assert.That(markdown, Does.Contain("### Scaling").And.Contain("### Lock fairness"));
        Assert.That(markdown, Does.Match(@"\| `pin` \| \d+ MiB/s; waits \d+%, \d+% \| \d+ MiB/s \(\d+\.\d\dx\); waits \d+%, \d+% \|"));
    }

    // docs/benchmarks-lines.txt keeps only the machine-readable lines; rebuilding the
    // report from them (bench --from-log) must give the same document.
    [Test]
    public void TheKeptLinesRebuildTheSameReport()
    {
        var kept = BenchmarkReport.MachineReadable(_boot.Lines).ToList();
        Assert.That(kept, Has.All.Match(@"^(BENCH |timer: TSC at |bench: \d+ CPUs)"));
        Assert.That(kept.Count, Is.LessThan(_boot.Lines.Count()));
        Assert.That(BenchmarkReport.Parse(kept).Markdown("c", "m", "d"), Is.EqualTo(_report.Markdown("c", "m", "d")));
    }

    [Test]
    public void RegeneratingKeepsTheHandWrittenPartOfTheDocument()
    {
        string directory = Path.Combine(Path.GetTempPath(), "cosmos-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllText(Path.Combine(directory, "benchmarks.md"), "# Benchmarks\n\nhand-written\n");
            _report.WriteInto(directory, "command", "machine", "date");
            _report.WriteInto(directory, "command", "machine", "date");
            string text = File.ReadAllText(Path.Combine(directory, "benchmarks.md"));
            Assert.That(text, Does.StartWith("# Benchmarks\n\nhand-written\n"));
            Assert.That(text.Split(BenchmarkReport.BeginMarker).Length - 1, Is.EqualTo(1), "regenerated in place, not appended twice");
            Assert.That(File.Exists(Path.Combine(directory, "benchmarks-copy-sizes.svg")));
            Assert.That(File.Exists(Path.Combine(directory, "benchmarks-copy-busy.svg")));
            Assert.That(File.Exists(Path.Combine(directory, "benchmarks-scaling.svg")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
