using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The syscall fuzzer (CosmosKernel.Userland/Fuzz/fuzz.c, docs/userland.md) for a bounded
// time on 1 and 2 CPUs under each safe user-copy strategy: every implemented syscall
// and unknown numbers with hostile arguments, from several threads while others unmap,
// re-protect and remap the buffers being copied, a pattern through a pipe, forks,
// threads, kills. What a user checks afterwards: the kernel did not crash (and ended
// with status 0), nothing stalled, the pipe's reader got exactly a prefix of what was
// written and at the end all of it, and the kernel holds no more frames, heap,
// processes or threads than before.
//
// The seed is random per test run, printed with the command that replays it; set
// COSMOS_FUZZ_SEED to pin it (every case then uses that seed).
[TestFixture]
public class FuzzTests
{
    // Seconds of fuzzing per case (the boot, the warm-up and the final checks come on
    // top: about 20 s a case under TCG).
    private const int Seconds = 15;
    // The fuzzer's watchdog reports a round that does not end within 62 s; a kernel that
    // hangs altogether is stopped by this timeout.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(Seconds + 165);
    // What a collection may still keep of the kernel heap (the fuzzer's own bound).
    private const long HeapSlackBytes = 8 * 1024;

    private static readonly ulong? PinnedSeed =
        ulong.TryParse(Environment.GetEnvironmentVariable("COSMOS_FUZZ_SEED"), out ulong pinned) ? pinned : null;

    private static ulong SeedFor() => PinnedSeed ?? (ulong)Random.Shared.NextInt64(1, 1_000_000_000_000);

    [TestCase("pagelock", 1)]
    [TestCase("pagelock", 2)]
    [TestCase("mmlock", 1)]
    [TestCase("mmlock", 2)]
    [TestCase("extable", 1)]
    [TestCase("extable", 2)]
    [TestCase("pin", 1)]
    [TestCase("pin", 2)]
    public void NoCrashNoStallNoWrongDataNothingLeaked(string strategy, int cpus)
    {
        ulong seed = SeedFor();
        string options = "exit lab strategy=" + strategy + " run=fuzz:" + seed + ":" + Seconds;
        string replay = "seed " + seed + "; replay: COSMOS_FUZZ_SEED=" + seed
            + " dotnet test CosmosKernel.Tests -c Release --filter \"Name~NoCrashNoStall&Name~" + strategy + "\""
            + ", or: dotnet run --project CosmosKernel.Launcher -c Release -- run --headless --smp " + cpus + " --options \"" + options + "\"";
        TestContext.Out.WriteLine("fuzz: " + replay);
        BootResult boot = KernelBoot.Run(options, cpus, Timeout);
        string context = replay + "\n" + boot.Describe();

        Assert.That(boot.TimedOut, Is.False, "the kernel hung: QEMU was stopped after " + Timeout.TotalSeconds + " s; " + context);
        Assert.That(boot.Crash, Is.Null, "no kernel crash or oops; " + context);
        Match m = boot.Lines.Select(l => Regex.Match(l, @"^FUZZ seed=(\d+) calls=(\d+) rounds=(\d+) kill_rounds=(\d+) frames_leaked=(-?\d+)"
                + @" heap_leaked_bytes=(-?\d+) poison=(-?\d+) double_frees=(-?\d+) stalls=(\d+) bad_data=(\d+) killed=(\d+)"
                + @" processes_leaked=(-?\d+) threads_leaked=(-?\d+)$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no FUZZ line: the fuzzer did not finish; " + context);
        long N(int group) => long.Parse(m.Groups[group].Value);
        Assert.That(m.Groups[1].Value, Is.EqualTo(seed.ToString()), "the fuzzer ran the seed from its arguments; " + context);
        Assert.That(boot.Lines, Has.Some.EqualTo("fuzz: seed " + seed), "the seed is the fuzzer's first line; " + context);
        Assert.That(N(3), Is.GreaterThan(0), "rounds; " + context);
        Assert.That(N(2), Is.GreaterThan(N(3)), "calls; " + context);
        Assert.That(N(9), Is.EqualTo(0), "no round stalled (the fuzzer's watchdog); " + context);
        Assert.That(N(10), Is.EqualTo(0), "the pipe's reader got a prefix of what was written, then all of it; every answer checked was right; " + context);
        Assert.That(N(11), Is.EqualTo(0), "no round's process (nor a grandchild) was killed by a signal; " + context);
        Assert.That(N(5), Is.EqualTo(0), "every frame came back; " + context);
        Assert.That(N(6), Is.LessThanOrEqualTo(HeapSlackBytes), "the kernel heap came back (after a collection); " + context);
        Assert.That(N(7), Is.EqualTo(0), "nothing written into a freed frame or heap block; " + context);
        Assert.That(N(8), Is.EqualTo(0), "no frame freed twice; " + context);
        Assert.That(N(12), Is.EqualTo(0), "every process was reaped; " + context);
        Assert.That(N(13), Is.EqualTo(0), "every thread ended; " + context);
        Assert.That(boot.Lines, Has.Some.EqualTo("fuzz: no crash, no stall, nothing leaked"), context);
        Assert.That(boot.Lines, Has.Some.Match(@"^process \d+ \(fuzz\) exited with status 0$"), context);
        Assert.That(boot.KernelStatus, Is.EqualTo(0), "the kernel's exit status; " + context);
    }
}
