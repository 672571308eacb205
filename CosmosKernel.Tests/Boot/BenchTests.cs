using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The benchmark program runs to the end and measures every strategy at every size,
// and the report built from its lines has a row per strategy and its charts. No
// assertion on the figures themselves: these machines are too noisy for that.
[TestFixture]
public class BenchTests
{
    private BootResult _boot = null!;
    private BenchmarkReport _report = null!;

    [OneTimeSetUp]
    public void BootTheBenchmarks()
    {
        _boot = KernelBoot.RunToExit("exit bench", cpus: 1);
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
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
