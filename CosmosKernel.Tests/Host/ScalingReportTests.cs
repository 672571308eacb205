using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The launcher's `scaling` command writes docs/benchmarks.md's scaling section from the
// lines the runs printed (ScalingReport). What a reader relies on: each figure in the
// tables is the one the run printed, in the right column; a target says met or missed
// from the measured best ratio; a run that printed nothing shows a dash, not a number;
// the rest of benchmarks.md is left as it was.
[TestFixture]
public class ScalingReportTests
{
    private static readonly string[] Log =
    {
        "host: 2 cores",
        "scaling-run: pagelock",
        "SCALING mode=processes work=faults unit=faults one_best_per_s=75947 two_best_per_s=130560 ratio_best=1.91 ratio_median=1.70 ratio_worst=1.57 rounds=5",
        "SCALING_LOCKS mode=processes work=faults \"process table\"=2.6_cycles/faults,1_waits \"scheduler\"=0.6_cycles/faults,10_waits",
        "SCALING mode=processes work=pipe unit=bytes one_best_per_s=55978667 two_best_per_s=82520747 ratio_best=1.65 ratio_median=1.48 ratio_worst=1.47 rounds=5",
        "SCALING mode=threads work=faults unit=faults one_best_per_s=75093 two_best_per_s=88747 ratio_best=1.63 ratio_median=1.40 ratio_worst=1.22 rounds=5",
        "SCALING_LOCKS mode=threads work=faults \"mm lock\"=468.0_cycles/faults,614_waits \"TLB shootdown\"=200.4_cycles/faults,1368_waits",
        "SCALING mode=threads work=mmap unit=mmap+munmap one_best_per_s=68427 two_best_per_s=39573 ratio_best=0.61 ratio_median=0.59 ratio_worst=0.55 rounds=5",
        "SCALING_LOCKS mode=threads work=mmap none",
        "scaling-run: mmlock",
        "SCALING mode=threads work=faults unit=faults one_best_per_s=70000 two_best_per_s=80000 ratio_best=1.14 ratio_median=1.10 ratio_worst=1.01 rounds=5",
        "scaling-run: linux",
        "SCALING mode=processes work=faults unit=faults one_best_per_s=36693 two_best_per_s=64000 ratio_best=2.03 ratio_median=1.74 ratio_worst=1.44 rounds=5",
    };

    private static string Section() =>
        ScalingReport.Parse(Log).Markdown("the command", "the machine", "2026-12-04");

    [Test]
    public void EachRunsFiguresLandInItsOwnColumn()
    {
        string md = Section();
        Assert.That(md, Does.Contain("| faults | 1.91 / 1.70 / 1.57 | — | 2.03 / 1.74 / 1.44 |"), md);
        Assert.That(md, Does.Contain("| faults | 1.63 / 1.40 / 1.22 | 1.14 / 1.10 / 1.01 | — |"), md);
        Assert.That(md, Does.Contain("| work | CosmosKernel, pagelock | CosmosKernel, mmlock | Linux |"), md);
        Assert.That(md, Does.Contain("**The host has 2 cores, so 2 virtual CPUs is the honest maximum**"), md);
        Assert.That(md, Does.Contain("`the command`"), md);
    }

    [Test]
    public void TargetsSayMetOrMissedFromTheBestRatio()
    {
        string md = Section();
        Assert.That(md, Does.Contain("- 2 processes, faults, at least 1.70x (pagelock): met (1.91x)"), md);
        Assert.That(md, Does.Contain("- 2 processes, pipe, at least 1.70x (pagelock): **missed** (1.65x)"), md);
        Assert.That(md, Does.Contain("- 2 processes, getpid, at least 1.70x (pagelock): not measured"), md);
        Assert.That(md, Does.Contain("- 2 threads, faults, at least 1.60x: pagelock met (1.63x)"), md);
    }

    [Test]
    public void TheLockProfileAndTheAbsoluteThroughputComeFromTheLines()
    {
        string md = Section();
        Assert.That(md, Does.Contain("| faults | mm lock 468 (614); TLB shootdown 200 (1368) | — | process table 2.6 (1); scheduler 0.6 (10) |"), md);
        Assert.That(md, Does.Contain("| mmap | none | — | — |"), md);
        Assert.That(md, Does.Contain("| faults | faults per second | 75,947 | 36,693 | 2.07x |"), md);
    }

    [Test]
    public void ARunMissingAWorkIsNamed()
    {
        ScalingReport report = ScalingReport.Parse(Log);
        Assert.That(report.Missing("mmlock"), Does.Contain("processes/faults").And.Contain("threads/pipe").And.Not.Contain("threads/faults"));
        Assert.That(report.Strategies, Is.EqualTo(new[] { "pagelock", "mmlock" }));
    }

    [Test]
    public void OnlyTheMarkedSectionOfBenchmarksMdIsReplaced()
    {
        string docs = Path.Combine(Path.GetTempPath(), "scaling-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(docs);
        try
        {
            string path = Path.Combine(docs, "benchmarks.md");
            File.WriteAllText(path, "# Benchmarks\n\nbefore\n\n" + ScalingReport.BeginMarker + "\nold figures\n" + ScalingReport.EndMarker + "\n\nafter: prose\n");
            ScalingReport.Parse(Log).WriteInto(docs, "the command", "the machine", "2026-12-04");
            string written = File.ReadAllText(path);
            Assert.That(written, Does.StartWith("# Benchmarks\n\nbefore\n\n" + ScalingReport.BeginMarker));
            Assert.That(written, Does.EndWith(ScalingReport.EndMarker + "\n\nafter: prose\n"));
            Assert.That(written, Does.Not.Contain("old figures"));
            Assert.That(written, Does.Contain("| faults | 1.91 / 1.70 / 1.57 |"));
        }
        finally
        {
            Directory.Delete(docs, recursive: true);
        }
    }
}
