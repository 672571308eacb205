using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The race lab on the real kernel: in every run of a scenario, one thread moves 16 KiB
// between a pipe and a buffer while another thread of the same process unmaps,
// re-protects or forks the buffer, or reads it in user mode. On one CPU the attack
// lands at the kernel copy's first scheduling point, so each strategy shows one exact
// outcome; on four CPUs the attack runs in parallel with jittered timing, so the
// outcomes vary, and what must hold is every invariant.
[TestFixture]
public class RaceLabTests
{
    // The copy scenarios; the double-fetch pair is checked on its own.
    private static readonly string[] Scenarios =
        { "munmap-during-write", "munmap-during-read", "mprotect-during-read", "munmap-during-load", "fork-during-read", "touch-locked-page" };

    // Attacks that take the buffer away (or make it read-only) before the copy ends.
    private static bool Destructive(string scenario) => scenario.StartsWith("munmap") || scenario.StartsWith("mprotect");

    private sealed record Cell(string Scenario, string Strategy, int Cpus, int Runs, int Whole, int Partial, int Efault, int Waited,
        int PoisonViolations, int DoubleFrees, int FramesLeaked, int BadData, int TornReads, int KernelOops, int Rejected, int Exploited, long FileLoads, int AttackErrors);

    private static Cell RaceLine(BootResult boot, string scenario, string? strategy = null)
    {
        Match m = boot.Lines.Select(l => Regex.Match(l, "^RACE scenario=" + scenario
                + " strategy=(" + (strategy ?? @"\w+") + @") cpus=(\d+) runs=(\d+) whole=(\d+) partial=(\d+) efault=(\d+) waited=(\d+)"
                + @" poison_violations=(\d+) double_frees=(\d+) frames_leaked=(-?\d+) bad_data=(\d+) torn_reads=(\d+) kernel_oops=(\d+) rejected=(\d+) exploited=(\d+) file_loads=(\d+) attack_errors=(\d+) ms=(\d+)$"))
            .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no RACE line for " + scenario + " " + strategy + "\n" + boot.Describe());
        int N(int group) => int.Parse(m.Groups[group].Value);
        return new Cell(scenario, m.Groups[1].Value, N(2), N(3), N(4), N(5), N(6), N(7), N(8), N(9), N(10), N(11), N(12), N(13), N(14), N(15), long.Parse(m.Groups[16].Value), N(17));
    }

    private static void AssertInvariants(Cell cell, BootResult boot, bool copyOutcomes = true)
    {
        string where = cell.Scenario + " under " + cell.Strategy + " on " + cell.Cpus + " CPU(s)\n" + boot.Describe();
        Assert.That(cell.KernelOops, Is.EqualTo(0), "no kernel oops: " + where);
        Assert.That(cell.AttackErrors, Is.EqualTo(0), "munmap, mprotect and fork succeed: " + where);
        Assert.That(cell.Runs, Is.EqualTo(16), where);
        if (copyOutcomes)
            Assert.That(cell.Whole + cell.Partial + cell.Efault, Is.EqualTo(cell.Runs), "every run ends whole, partial or EFAULT: " + where);
        Assert.That(cell.PoisonViolations, Is.EqualTo(0), "no write into a freed frame: " + where);
        Assert.That(cell.DoubleFrees, Is.EqualTo(0), "no frame freed twice: " + where);
        Assert.That(cell.FramesLeaked, Is.EqualTo(0), "every frame comes back when the scenario's process exits: " + where);
        Assert.That(cell.BadData, Is.EqualTo(0), "a whole read leaves exactly the pipe's bytes: " + where);
        Assert.That(cell.TornReads, Is.EqualTo(0), "a user read sees old or new bytes, nothing else: " + where);
    }

    // Scenario 4: the kernel fetches a request once, so a flipped length is either the
    // validated one or rejected; the demo's deliberate double fetch uses a length it never
    // validated (on one CPU the flip lands at its scheduling point, unless a timer tick
    // let the attacker in before the first fetch).
    private static void AssertDoubleFetch(BootResult boot, string strategy, bool oneCpu)
    {
        Cell once = RaceLine(boot, "double-fetch", strategy);
        AssertInvariants(once, boot, copyOutcomes: false);
        Assert.That(once.Exploited, Is.EqualTo(0), "fetched once, an unvalidated length is never used\n" + boot.Describe());
        Assert.That(once.Whole + once.Rejected, Is.EqualTo(once.Runs));
        Cell twice = RaceLine(boot, "double-fetch-bug", strategy);
        AssertInvariants(twice, boot, copyOutcomes: false);
        Assert.That(twice.Whole + twice.Rejected + twice.Exploited, Is.EqualTo(twice.Runs));
        if (oneCpu)
            Assert.That(twice.Exploited, Is.GreaterThan(twice.Runs / 2), "the deliberate double fetch is exploited\n" + boot.Describe());
    }

    // Scenario 8: four threads copy through their own pipes and buffers. The copies never
    // share a page, so per-page locks never make one wait; mmlock's one address-space lock
    // does. With page faults and copies on several CPUs at once (there is no kernel
    // lock), the other strategies' short MmLock sections (locking a copy's pages, pinning
    // a window) may collide now and then, more often when the host has fewer cores than
    // the 4 vCPUs and parks a vCPU inside one (pin: 16 to 48 waits in 4-CPU runs on a
    // 2-core host): fewer than a quarter of the 384 copies, where mmlock's copies wait
    // nearly every time (about 400). (Throughput is printed, not asserted.)
    private const int ContentionCopies = 4 * 48 * 2;

    private static void AssertContention(BootResult boot, string strategy)
    {
        Match m = boot.Lines.Select(l => Regex.Match(l, "^CONTENTION strategy=" + strategy
                + @" cpus=(\d+) threads=4 kib_per_s_1=(\d+) kib_per_s_n=(\d+) scaling_percent=(\d+) mm_lock_waits=(\d+) page_lock_waits=(\d+) short_copies=(\d+)$"))
            .FirstOrDefault(x => x.Success) ?? throw new AssertionException("no CONTENTION line for " + strategy + "\n" + boot.Describe());
        Assert.That(m.Groups[7].Value, Is.EqualTo("0"), "every copy is whole");
        Assert.That(m.Groups[6].Value, Is.EqualTo("0"), "disjoint copies never wait for a page lock");
        if (strategy == "mmlock")
            Assert.That(int.Parse(m.Groups[5].Value), Is.GreaterThan(0), "copies of one process wait for its one address-space lock\n" + boot.Describe());
        else
            Assert.That(int.Parse(m.Groups[5].Value), Is.LessThan(ContentionCopies / 4),
                strategy + " copies do not hold the address-space lock while they copy\n" + boot.Describe());
    }

    // Scenario 9, the seed's: threads in their own areas (map, fault, copy, unmap) all
    // finish their rounds whole; then one thread copies 8 pages of a file behind a slow
    // store (10 ms per page load) while the others go on. Every page loads exactly once
    // and arrives intact. Under mmlock the copy holds the address-space lock across each
    // load, so the others wait for it (the kernel's count); under the per-page
    // strategies the load runs without it and the others keep working: on average at
    // least a round per page load (each load takes 10 ms or more; a round takes well
    // under one). The throughput and wait cycles are printed, not asserted.
    private static void AssertAreas(BootResult boot, string strategy)
    {
        Match areas = boot.Lines.Select(l => Regex.Match(l, "^AREAS strategy=" + strategy
                + @" cpus=\d+ threads=(\d+) rounds_per_s_1=(\d+) rounds_per_s_n=(\d+) scaling_percent=\d+ mm_lock_waits=\d+ mm_lock_wait_cycles=\d+ failures=(\d+)$"))
            .FirstOrDefault(x => x.Success) ?? throw new AssertionException("no AREAS line for " + strategy + "\n" + boot.Describe());
        Assert.That(areas.Groups[4].Value, Is.EqualTo("0"), "every round of every thread is whole");
        Assert.That(long.Parse(areas.Groups[2].Value), Is.GreaterThan(0));
        Assert.That(long.Parse(areas.Groups[3].Value), Is.GreaterThan(0));
        Match slow = boot.Lines.Select(l => Regex.Match(l, "^SLOWPAGEIN strategy=" + strategy
                + @" cpus=\d+ other_threads=(\d+) slow_pages=(\d+) file_loads=(\d+) slow_ms=\d+ others_rounds_during=(\d+) others_rounds_after=\d+ progress_percent=\d+ mm_lock_waits=(\d+) mm_lock_wait_cycles=\d+ bad_data=(\d+) failures=(\d+)$"))
            .FirstOrDefault(x => x.Success) ?? throw new AssertionException("no SLOWPAGEIN line for " + strategy + "\n" + boot.Describe());
        int pages = int.Parse(slow.Groups[2].Value);
        Assert.That(slow.Groups[3].Value, Is.EqualTo(pages.ToString()), "each slow page is loaded once, by its copy\n" + boot.Describe());
        Assert.That(slow.Groups[6].Value, Is.EqualTo("0"), "every page arrives with the file's bytes");
        Assert.That(slow.Groups[7].Value, Is.EqualTo("0"), "the other threads' rounds are whole");
        if (strategy == "mmlock")
            Assert.That(long.Parse(slow.Groups[5].Value), Is.GreaterThan(0),
                "mmlock holds the address-space lock across a page load: the other threads wait for it\n" + boot.Describe());
        else
            Assert.That(long.Parse(slow.Groups[4].Value), Is.GreaterThanOrEqualTo(pages),
                strategy + " loads a page without the address-space lock: the other threads keep working meanwhile\n" + boot.Describe());
    }

    // Scenario 8, fairness: with the FIFO mutex no waiter is overtaken by more than the
    // three other threads; with the test-and-set spinlock the releaser barges back in
    // ahead of the waiters.
    private static void AssertFairness(BootResult boot)
    {
        Match Line(string kind) => boot.Lines.Select(l => Regex.Match(l, "^FAIRNESS lock=" + kind
                + @" threads=4 acquisitions=(\d+) worst_overtaken=(\d+) worst_wait_cycles=(\d+) median_wait_cycles=(\d+)$"))
            .FirstOrDefault(x => x.Success) ?? throw new AssertionException("no FAIRNESS line for " + kind + "\n" + boot.Describe());
        Match fifo = Line("fifo"), spin = Line("spin");
        Assert.That(fifo.Groups[1].Value, Is.EqualTo("400"));
        Assert.That(int.Parse(fifo.Groups[2].Value), Is.LessThanOrEqualTo(3), "FIFO: a waiter is overtaken only by those queued before it");
        Assert.That(spin.Groups[1].Value, Is.EqualTo("400"));
        Assert.That(int.Parse(spin.Groups[2].Value), Is.GreaterThan(3), "the spinlock lets a waiter be overtaken again and again\n" + boot.Describe());
    }

    private static BootResult Lab(string strategy, int cpus, string? iso = null)
    {
        BootResult boot = LabBoot(strategy, cpus, iso);
        AssertDoubleFetch(boot, strategy, oneCpu: cpus == 1);
        AssertContention(boot, strategy);
        AssertAreas(boot, strategy);
        AssertFairness(boot);
        if (cpus == 1 || strategy is "pagelock" or "mmlock" or "pin")
            Assert.That(RaceLine(boot, "munmap-during-load").FileLoads, Is.GreaterThan(0),
                "the copy into the file mapping loads its pages on demand\n" + boot.Describe());
        return boot;
    }

    private static BootResult LabBoot(string strategy, int cpus, string? iso = null)
    {
        BootResult boot = KernelBoot.RunToExit("exit lab strategy=" + strategy, cpus, iso);
        Assert.That(boot.Crash, Is.Null, boot.Describe());
        Assert.That(boot.Lines, Has.Some.EqualTo("process 1 (racelab) exited with status 0"), boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0));
        Assert.That(boot.Lines, Has.Some.Match(@"^lockdep: [1-9]\d* lock operations checked, [1-9]\d* orders between \d+ lock classes recorded, no inversion$"),
            "the lab ran under the lock validator, which saw the locks and found no inversion\n" + boot.Describe());
        return boot;
    }

    [TestCase("pagelock", TestName = "pagelock on 1 CPU: every attack waits for the copy, every copy is whole")]
    [TestCase("mmlock", TestName = "mmlock on 1 CPU: every attack waits for the copy, every copy is whole")]
    public void LockingStrategiesOnOneCpu(string strategy)
    {
        BootResult boot = Lab(strategy, 1);
        foreach (string scenario in Scenarios)
        {
            Cell cell = RaceLine(boot, scenario);
            AssertInvariants(cell, boot);
            Assert.That(cell.Whole, Is.EqualTo(cell.Runs), scenario);
            Assert.That(cell.Waited, Is.EqualTo(cell.Runs), scenario + ": the kernel's wait counters show the attack waited");
        }
    }

    [Test(Description = "extable on 1 CPU: a destructive attack goes first and every copy stops at the first attacked page")]
    public void ExtableOnOneCpu()
    {
        BootResult boot = Lab("extable", 1);
        foreach (string scenario in Scenarios)
        {
            Cell cell = RaceLine(boot, scenario);
            AssertInvariants(cell, boot);
            Assert.That(cell.Waited, Is.EqualTo(0), scenario + ": nothing waits for an extable copy");
            if (Destructive(scenario))
                Assert.That(cell.Partial, Is.EqualTo(cell.Runs), scenario + ": a short read or write");
            else
                Assert.That(cell.Whole, Is.EqualTo(cell.Runs), scenario);
        }
    }

    [Test(Description = "pin on 1 CPU: the attack goes first and every copy finishes through its pinned frames")]
    public void PinOnOneCpu()
    {
        BootResult boot = Lab("pin", 1);
        foreach (string scenario in Scenarios)
        {
            Cell cell = RaceLine(boot, scenario);
            AssertInvariants(cell, boot);
            Assert.That(cell.Waited, Is.EqualTo(0), scenario);
            Assert.That(cell.Whole, Is.EqualTo(cell.Runs), scenario);
        }
    }

    [TestCase("pagelock")]
    [TestCase("mmlock")]
    [TestCase("extable")]
    [TestCase("pin")]
    public void OnFourCpusEveryInvariantHolds(string strategy)
    {
        BootResult boot = Lab(strategy, 4);
        foreach (string scenario in Scenarios)
        {
            Cell cell = RaceLine(boot, scenario);
            Assert.That(cell.Cpus, Is.EqualTo(4));
            AssertInvariants(cell, boot);
            if (strategy is "pagelock" or "mmlock")
                Assert.That(cell.Partial, Is.EqualTo(0), scenario + ": a locked copy is never cut short (the attack lands before it or waits)");
        }
    }

    // F5 builds Debug (dotnet run --project CosmosKernel): the Debug kernel must pass the
    // lab as the Release one does (issue 15: it once leaked a frame in munmap-during-write
    // on 4 CPUs, every time). Built once per run into artifacts/debug/.
    private static bool s_debugBuilt;

    [TestCase("pagelock", 4)]
    [TestCase("mmlock", 2)]
    public void TheDebugKernelPassesTheLab(string strategy, int cpus)
    {
        if (!s_debugBuilt)
        {
            KernelBuild.Run(RepoPaths.DebugIso, "-c", "Debug", "-p:ArtifactsDir=" + RepoPaths.DebugArtifacts + "/");
            s_debugBuilt = true;
        }
        BootResult boot = Lab(strategy, cpus, RepoPaths.DebugIso);
        foreach (string scenario in Scenarios)
        {
            Cell cell = RaceLine(boot, scenario);
            Assert.That(cell.Cpus, Is.EqualTo(cpus));
            AssertInvariants(cell, boot);
        }
    }

    [Test(Description = "naive: the copy faults on the unmapped buffer with no recovery; the oops kills that scenario's process and the lab goes on")]
    public void NaiveOopsesAndTheLabGoesOn()
    {
        BootResult boot = KernelBoot.RunToExit("exit lab strategy=naive");
        CrashReport crash = boot.Crash ?? throw new AssertionException("naive should crash\n" + boot.Describe());
        Assert.That(crash.Vector, Is.EqualTo(14));
        Assert.That(boot.Lines, Has.Some.Contains("kernel-mode fault on user address").And.Contains("with no recovery (not mapped)"));
        Assert.That(InstructionDecoder.Decode(crash.CodeBytes, crash.Rip), Is.EqualTo("rep movsb [rdi],[rsi]"));
        Assert.That(RaceLine(boot, "munmap-during-read").KernelOops, Is.EqualTo(1), "scenario 2 catches naive");
        foreach (string scenario in Scenarios)
            RaceLine(boot, scenario); // every scenario still ran
        Assert.That(boot.Lines, Has.Some.Match(@"^boot: \d+ kernel oops\(es\)"));
        Assert.That(boot.KernelStatus, Is.EqualTo(3), "the exit status says the kernel crashed");
    }

    [Test(Description = "naive on four CPUs: the jittered munmaps and mprotects catch it (an oops, or a write into a freed frame)")]
    public void NaiveIsCaughtOnFourCpus()
    {
        // Each run's timing is jittered, so which destructive scenario lands first varies
        // with the host's load (scenario 2 alone missed once in 16 runs on a busy host):
        // naive must be caught by at least one of them.
        BootResult boot = KernelBoot.RunToExit("exit lab strategy=naive", 4);
        int caught = 0;
        foreach (string scenario in Scenarios)
        {
            Cell cell = RaceLine(boot, scenario);
            if (Destructive(scenario))
                caught += cell.KernelOops + cell.PoisonViolations;
        }
        Assert.That(caught, Is.GreaterThan(0), "naive is caught by a destructive scenario\n" + boot.Describe());
    }

    [Test(Description = "lab: every scenario under every strategy in one boot on four CPUs, with a summary table")]
    public void TheWholeLabInOneBoot()
    {
        BootResult boot = KernelBoot.RunToExit("exit lab", 4);
        foreach (string strategy in new[] { "pagelock", "mmlock", "extable", "pin" })
        {
            foreach (string scenario in Scenarios)
                AssertInvariants(RaceLine(boot, scenario, strategy), boot);
            AssertDoubleFetch(boot, strategy, oneCpu: false);
        }
        foreach (string scenario in Scenarios)
            RaceLine(boot, scenario, "naive");
        Assert.That(boot.Lines, Has.Some.StartsWith("racelab: summary on 4 CPUs"));
        Assert.That(boot.Lines, Has.Some.Match(@"^  scenario\s+pagelock\s+mmlock\s+extable\s+pin\s+naive\s*$"));
        Assert.That(boot.Lines, Has.Some.EqualTo("process 1 (racelab) exited with status 0"), "every strategy but naive kept every invariant");
        Assert.That(boot.KernelStatus, Is.EqualTo(0), "naive's oopses are what the lab expects");
        AssertHeapCollected(boot);
    }

    // The lab makes and drops thousands of kernel objects (processes, pipes, threads):
    // the collector ran, gave most of it back, and nothing wrote into a freed block.
    private static void AssertHeapCollected(BootResult boot)
    {
        Match heap = boot.Lines.Select(l => Regex.Match(l, @"^heap: (\d+) collections, (\d+) KiB freed, (\d+) KiB live of (\d+) KiB, longest pause \d+ us, (\d+) writes into freed blocks$"))
            .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no heap line\n" + boot.Describe());
        long N(int group) => long.Parse(heap.Groups[group].Value);
        Assert.That(N(1), Is.GreaterThan(0), "the collector ran");
        Assert.That(N(2), Is.GreaterThan(4 * N(3)), "over a lab, most of what was made went back: at least four times what is live at the end was freed");
        Assert.That(N(3), Is.LessThan(N(4) / 4), "what is live at the end is a small part of the heap");
        Assert.That(N(5), Is.EqualTo(0), "no write into a freed block");
    }
}
