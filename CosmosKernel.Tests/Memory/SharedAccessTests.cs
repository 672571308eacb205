using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Tests.Simulation;

namespace CosmosKernel.Tests.Memory;

// A bug only access-level interleaving can find (issue 12): a page-table entry updated
// by a plain read and write instead of a compare-exchange (PageTable's
// LostUpdateForTesting). pagelock locks a page of a copy with UpdateFlags under MmLock
// held for reading, so another thread of the process may fault on the same page at
// the same time; here it breaks copy-on-write: a new frame goes into the entry and
// the old one loses a reference. A plain write computed from the entry read before
// that puts the old frame back: the new frame leaks and the old one, still shared
// with the forked child, is freed twice. No lock is taken between UpdateFlags' read
// and its write, so a simulator that switches only at lock operations never runs the
// fault there.
[TestFixture]
public unsafe class SharedAccessTests
{
    private const int Seeds = 200;

    // About this race's length in scheduling points (measured: the tests print the
    // steps); Pct draws its priority change points over these.
    private const long PctSteps = 60;

    private sealed record Outcome(bool Broken, long Steps, string Trace, long SharedAccessPoints);

    // After fork, a kernel copy from the parent's page on CPU 0 (pagelock) while a
    // thread of the parent writes that page on CPU 1 (breaking copy-on-write).
    private static Outcome Run(int seed, DeterministicScheduler.Exploration exploration, bool interleaveSharedAccesses, bool lostUpdate)
    {
        var scheduler = new DeterministicScheduler(seed, exploration: exploration, pctSteps: PctSteps, interleaveSharedAccesses: interleaveSharedAccesses);
        using var machine = new SimulatedMachine(cpus: 2, ramMiB: 8, scheduler);
        ulong usedAtStart = machine.Frames.UsedFrames;
        var copier = new UserCopier(new PageLockStrategy());
        AddressSpace parent = AddressSpace.Create(machine.Vmm)!;
        machine.Cpus[0].SwitchTo(parent);
        machine.Cpus[1].SwitchTo(parent);
        ulong page = (ulong)parent.Map(0, 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous, null, 0);
        Assert.That(machine.UserWrite(page, 5), Is.True);
        AddressSpace child = parent.CloneForFork()!;
        parent.Table.LostUpdateForTesting = lostUpdate;
        byte[] kernelBuffer = new byte[64];
        DeterministicScheduler.RunResult result;
        fixed (byte* kernel = kernelBuffer)
        {
            byte* k = kernel;
            int copy = scheduler.Spawn(() => copier.CopyFromUser(parent, k, page, 64));
            int user = scheduler.Spawn(() => machine.UserWrite(page + 1, 7));
            machine.Pin(copy, 0);
            machine.Pin(user, 1);
            result = scheduler.Run();
        }
        Assert.That(result.Failure, Is.Null, $"seed {seed}: {result.Failure}");
        bool written = machine.UserRead(page + 1, out byte seen) && seen == 7;
        byte* childBytes = machine.Physical.Map(Pte.Frame(child.Table.Get(page)));
        bool childKept = childBytes[0] == 5 && childBytes[1] == 0;
        parent.Destroy();
        child.Destroy();
        bool broken = !written || !childKept || machine.Frames.DoubleFrees != 0 || (long)machine.Frames.UsedFrames != (long)usedAtStart;
        return new Outcome(broken, result.Steps, string.Join(",", result.Trace), scheduler.SharedAccessPointsTaken);
    }

    private static (int Caught, int Interleavings, long AverageSteps, long AveragePoints) Explore(DeterministicScheduler.Exploration exploration, bool interleaveSharedAccesses, bool lostUpdate)
    {
        int caught = 0;
        long steps = 0, points = 0;
        var interleavings = new HashSet<string>();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            Outcome outcome = Run(seed, exploration, interleaveSharedAccesses, lostUpdate);
            caught += outcome.Broken ? 1 : 0;
            interleavings.Add(outcome.Trace);
            steps += outcome.Steps;
            points += outcome.SharedAccessPoints;
        }
        TestContext.Out.WriteLine($"{exploration}, shared accesses {(interleaveSharedAccesses ? "interleaved" : "not interleaved")}, {(lostUpdate ? "lost update" : "compare-exchange")}: "
            + $"broken in {caught} of {Seeds} seeds; {interleavings.Count} distinct interleavings, {steps / Seeds} steps ({points / Seeds} at shared accesses) on average");
        return (caught, interleavings.Count, steps / Seeds, points / Seeds);
    }

    [TestCase(DeterministicScheduler.Exploration.RandomWalk)]
    [TestCase(DeterministicScheduler.Exploration.Pct)]
    public void ALostPageTableUpdateIsCaughtOnlyWithAccessLevelInterleaving(DeterministicScheduler.Exploration exploration)
    {
        var found = Explore(exploration, interleaveSharedAccesses: true, lostUpdate: true);
        Assert.That(found.Caught, Is.GreaterThan(0), "with a scheduling point at each page-table access the simulator must find the lost update");
        var blind = Explore(exploration, interleaveSharedAccesses: false, lostUpdate: true);
        Assert.That(blind.Caught, Is.EqualTo(0), "switching only at lock operations cannot put the fault between UpdateFlags' read and write");
    }

    [TestCase(DeterministicScheduler.Exploration.RandomWalk)]
    [TestCase(DeterministicScheduler.Exploration.Pct)]
    public void TheCompareExchangeHoldsInEveryInterleaving(DeterministicScheduler.Exploration exploration)
    {
        var correct = Explore(exploration, interleaveSharedAccesses: true, lostUpdate: false);
        Assert.That(correct.Caught, Is.EqualTo(0), "UpdateFlags' compare-exchange sees the fault's entry and retries");
        Assert.That(correct.Interleavings, Is.GreaterThan(Seeds / 4), "the seeds explore different interleavings");
    }
}
