using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Tests.Simulation;

namespace CosmosKernel.Tests.Memory;

// The races the VMM exists for, on the simulated 2-CPU machine, over many seeded
// interleavings: a kernel copy on CPU 0 while a second thread of the same process on
// CPU 1 unmaps, re-protects, forks or touches the buffer. pagelock, mmlock, extable
// and pin must hold every invariant in every interleaving; naive must be caught.
[TestFixture]
public unsafe class RaceTests
{
    private const int Seeds = 60;
    private const int BufferPages = 3;
    private const ulong CopyLength = BufferPages * 4096 - 200;

    public enum Attack { MunmapDuringCopyToUser, MunmapDuringCopyFromUser, MprotectReadOnlyDuringCopyToUser, MprotectNoneDuringCopyFromUser, UserWritesDuringCopyFromUser, ForkDuringCopyToUser, MunmapDuringDemandLoad }

    private static readonly string[] SafeStrategies = { "pagelock", "mmlock", "extable", "pin" };

    public static IEnumerable<TestCaseData> SafeCases() =>
        from strategy in SafeStrategies
        from attack in Enum.GetValues<Attack>()
        select new TestCaseData(strategy, attack).SetName($"{strategy} holds every invariant: {attack}");

    // Each case reports how many distinct interleavings its seeds covered (the
    // sequences of threads the simulator picked, switching at every scheduling point
    // and before every lock operation), and fails if most seeds replayed one.
    [TestCaseSource(nameof(SafeCases))]
    public void SafeStrategiesHoldEveryInvariant(string strategy, Attack attack)
    {
        foreach (var exploration in Enum.GetValues<DeterministicScheduler.Exploration>())
        {
            var interleavings = new HashSet<string>();
            long steps = 0;
            for (int seed = 1; seed <= Seeds; seed++)
            {
                RaceOutcome outcome = RaceOutcome.Run(strategy, attack, seed, exploration: exploration);
                outcome.AssertInvariants();
                interleavings.Add(outcome.Trace);
                steps += outcome.Steps;
            }
            TestContext.Out.WriteLine($"{strategy}, {attack}, {exploration}: {interleavings.Count} distinct interleavings in {Seeds} seeds, {steps / Seeds} steps on average");
            Assert.That(interleavings.Count, Is.GreaterThan(Seeds / 2), exploration + ": the seeds explore different interleavings");
        }
    }

    [TestCase(DeterministicScheduler.Exploration.RandomWalk)]
    [TestCase(DeterministicScheduler.Exploration.Pct)]
    public void NaiveIsCaughtWhenTheBufferIsUnmappedDuringARead(DeterministicScheduler.Exploration exploration)
    {
        int caught = 0;
        string? first = null;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            RaceOutcome outcome = RaceOutcome.Run("naive", Attack.MunmapDuringCopyToUser, seed, exploration: exploration);
            if (outcome.KernelPanics > 0 || outcome.WritesToFreedFrames > 0)
            {
                caught++;
                first ??= $"seed {seed}: {outcome.FirstPanic}";
            }
        }
        TestContext.Out.WriteLine($"naive broke in {caught} of {Seeds} interleavings; first: {first}");
        Assert.That(caught, Is.GreaterThan(0), "the simulator should find the interleaving in which naive panics");
    }

    // A removed lock: munmap that no longer waits for pagelock's page locks frees the
    // frames a copy is writing into (issue 12: a removed lock must be caught).
    [TestCase(DeterministicScheduler.Exploration.RandomWalk)]
    [TestCase(DeterministicScheduler.Exploration.Pct)]
    public void PageLockWithoutItsLockWaitLetsMunmapFreeAFrameUnderTheCopy(DeterministicScheduler.Exploration exploration)
    {
        int caught = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            RaceOutcome outcome = RaceOutcome.Run("pagelock", Attack.MunmapDuringCopyToUser, seed, skipPageLockWaits: true, exploration: exploration);
            if (outcome.WritesToFreedFrames > 0 || outcome.KernelPanics > 0 || !outcome.DataMatches || outcome.FramesLeaked != 0)
                caught++;
        }
        TestContext.Out.WriteLine($"without the page-lock wait, {caught} of {Seeds} interleavings broke an invariant");
        Assert.That(caught, Is.GreaterThan(0), "the simulator should find the interleaving in which munmap frees a frame under the copy");
    }

    [TestCase(DeterministicScheduler.Exploration.RandomWalk)]
    [TestCase(DeterministicScheduler.Exploration.Pct)]
    public void PageLockWithoutItsShootdownLetsAUserThreadTouchALockedPage(DeterministicScheduler.Exploration exploration)
    {
        int violations = 0;
        for (int seed = 1; seed <= Seeds && violations == 0; seed++)
            violations += RaceOutcome.Run("pagelock", Attack.UserWritesDuringCopyFromUser, seed, skipPageLockShootdown: true, exploration: exploration).UserAccessesToLockedPages;
        Assert.That(violations, Is.GreaterThan(0), "a missing shootdown must be visible to the simulator");
    }

    [TestCase(DeterministicScheduler.Exploration.RandomWalk)]
    [TestCase(DeterministicScheduler.Exploration.Pct)]
    public void MunmapWithoutItsShootdownLetsACopyWriteIntoAFreedFrame(DeterministicScheduler.Exploration exploration)
    {
        int violations = 0;
        for (int seed = 1; seed <= Seeds && violations == 0; seed++)
            violations += RaceOutcome.Run("extable", Attack.MunmapDuringCopyToUser, seed, dropAllShootdowns: true, exploration: exploration).WritesToFreedFrames;
        Assert.That(violations, Is.GreaterThan(0), "a missing shootdown must be visible to the simulator");
    }

    // Scenario 7: a user thread touches a page the kernel holds locked (pagelock): it
    // sleeps on the page's queue and, when it resumes, sees the data the copy wrote.
    [Test]
    public void AUserThreadOnALockedPageSleepsAndResumesWithTheCopiedData()
    {
        int waitedAndSawData = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var scheduler = new DeterministicScheduler(seed);
            using var machine = new SimulatedMachine(cpus: 2, ramMiB: 8, scheduler);
            var copier = new UserCopier(new PageLockStrategy());
            AddressSpace space = AddressSpace.Create(machine.Vmm)!;
            machine.Cpus[0].SwitchTo(space);
            machine.Cpus[1].SwitchTo(space);
            ulong buffer = (ulong)space.Map(0, 2 * 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous, null, 0);
            byte[] data = Enumerable.Range(0, 6000).Select(i => (byte)(i % 200 + 1)).ToArray();
            byte seen = 0;
            long waitsBefore = 0, waitsAfter = 0;
            bool lockedWhenTouched = false;
            int delay = new Random(seed).Next(0, 60);
            fixed (byte* source = data)
            {
                byte* s = source;
                int copyThread = scheduler.Spawn(() => copier.CopyToUser(space, buffer, s, 6000));
                int userThread = scheduler.Spawn(() =>
                {
                    for (int i = 0; i < delay; i++)
                        scheduler.Yield();
                    lockedWhenTouched = (space.Table.Get(buffer + 4096) & Pte.CopyLocked) != 0;
                    waitsBefore = space.PageLockWaits;
                    machine.UserRead(buffer + 5000, out seen);
                    waitsAfter = space.PageLockWaits;
                });
                machine.Pin(copyThread, 0);
                machine.Pin(userThread, 1);
                Assert.That(scheduler.Run().Failure, Is.Null);
            }
            Assert.That(machine.UserAccessesToLockedPages, Is.EqualTo(0), $"seed {seed}");
            if (lockedWhenTouched)
            {
                Assert.That(waitsAfter, Is.GreaterThan(waitsBefore), $"seed {seed}: the user thread must wait on the locked page");
                Assert.That(seen, Is.EqualTo(data[5000]), $"seed {seed}: after waiting it sees the copied byte");
                waitedAndSawData++;
            }
            space.Destroy();
        }
        Assert.That(waitedAndSawData, Is.GreaterThan(0), "some interleaving should have the user thread hit the locked page");
        TestContext.Out.WriteLine($"the user thread hit a locked page in {waitedAndSawData} of {Seeds} interleavings");
    }

    [Test]
    public void SameSeedReplaysTheSameOutcome()
    {
        RaceOutcome a = RaceOutcome.Run("extable", Attack.MunmapDuringCopyToUser, 7);
        RaceOutcome b = RaceOutcome.Run("extable", Attack.MunmapDuringCopyToUser, 7);
        Assert.That(b.BytesNotCopied, Is.EqualTo(a.BytesNotCopied));
        Assert.That(b.Steps, Is.EqualTo(a.Steps));
    }

    [Test]
    public void PageLockMakesMunmapWaitSoTheCopyIsWhole()
    {
        int waited = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            RaceOutcome outcome = RaceOutcome.Run("pagelock", Attack.MunmapDuringCopyToUser, seed);
            if (outcome.PageLockWaits > 0)
            {
                waited++;
                Assert.That(outcome.BytesNotCopied, Is.EqualTo(0UL), $"seed {seed}: munmap waited, so the locked window was copied whole");
            }
        }
        Assert.That(waited, Is.GreaterThan(0), "some interleaving should make munmap wait for a locked page");
    }
}

// One run of one attack under one strategy and seed, with everything the invariants need.
public sealed unsafe class RaceOutcome
{
    public string Strategy = "";
    public RaceTests.Attack Attack;
    public int Seed;
    public int KernelPanics;
    public string? FirstPanic;
    public int WritesToFreedFrames;
    public int UserAccessesToLockedPages;
    public ulong DoubleFrees;
    public long FramesLeaked;
    public ulong BytesNotCopied;
    public bool DataMatches = true;
    public long PageLockWaits;
    public long Steps;
    public string? SchedulerFailure;
    public string Trace = ""; // the interleaving: the threads the simulator picked, in order

    public void AssertInvariants()
    {
        string where = $"{Strategy}, {Attack}, seed {Seed}";
        Assert.That(SchedulerFailure, Is.Null, where + ": " + SchedulerFailure);
        Assert.That(KernelPanics, Is.EqualTo(0), where + ": kernel panic: " + FirstPanic);
        Assert.That(WritesToFreedFrames, Is.EqualTo(0), where + ": write into a freed frame");
        Assert.That(UserAccessesToLockedPages, Is.EqualTo(0), where + ": user access to a locked page");
        Assert.That(DoubleFrees, Is.EqualTo(0UL), where + ": frame freed twice");
        Assert.That(FramesLeaked, Is.EqualTo(0), where + ": frames leaked");
        Assert.That(DataMatches, Is.True, where + ": copied bytes differ from the source");
    }

    // About the length of one race in scheduling points (measured: RaceTests prints the
    // steps): Pct draws its priority change points over these.
    public const long PctSteps = 400;

    public static RaceOutcome Run(string strategyName, RaceTests.Attack attack, int seed, bool skipPageLockShootdown = false, bool dropAllShootdowns = false,
        bool skipPageLockWaits = false, DeterministicScheduler.Exploration exploration = DeterministicScheduler.Exploration.RandomWalk)
    {
        var scheduler = new DeterministicScheduler(seed, exploration: exploration, pctSteps: PctSteps);
        using var machine = new SimulatedMachine(cpus: 2, ramMiB: 8, scheduler);
        var outcome = new RaceOutcome { Strategy = strategyName, Attack = attack, Seed = seed };
        CopyStrategy strategy = UserCopier.StrategyByName(strategyName)!;
        if (strategy is PageLockStrategy pageLock)
            pageLock.SkipShootdownForTesting = skipPageLockShootdown;
        machine.DropShootdowns = dropAllShootdowns;
        var copier = new UserCopier(strategy);
        ulong usedAtStart = machine.Frames.UsedFrames;

        AddressSpace space = AddressSpace.Create(machine.Vmm)!;
        space.SkipPageLockWaitsForTesting = skipPageLockWaits;
        machine.Cpus[0].SwitchTo(space);
        machine.Cpus[1].SwitchTo(space);

        byte[] fileBytes = new byte[16 * 4096];
        for (int i = 0; i < fileBytes.Length; i++)
            fileBytes[i] = (byte)(i * 13 + 1);
        byte[] kernelBuffer = new byte[RaceTestsLength];
        byte[] pattern = new byte[RaceTestsLength];
        for (int i = 0; i < pattern.Length; i++)
            pattern[i] = (byte)(i * 7 + 3);
        var random = new Random(seed);
        int attackerDelay = random.Next(0, 400);

        fixed (byte* fileData = fileBytes)
        fixed (byte* kernel = kernelBuffer)
        fixed (byte* source = pattern)
        {
            var file = new RamdiskFile("race.bin", fileData, (ulong)fileBytes.Length);
            byte* kernelPtr = kernel;
            byte* sourcePtr = source;
            ulong buffer;
            if (attack == RaceTests.Attack.MunmapDuringDemandLoad)
                buffer = (ulong)space.Map(0, 4 * 4096, Prot.Read, MapFlags.Private, file, 0);
            else
                buffer = (ulong)space.Map(0, 4 * 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous, null, 0);
            ulong user = buffer + 100;
            AddressSpace? child = null;
            bool readDirection = attack is RaceTests.Attack.MunmapDuringCopyToUser or RaceTests.Attack.MprotectReadOnlyDuringCopyToUser or RaceTests.Attack.ForkDuringCopyToUser;

            int copier0 = scheduler.Spawn(() =>
            {
                if (readDirection)
                    outcome.BytesNotCopied = copier.CopyToUser(space, user, sourcePtr, RaceTestsLength);
                else
                    outcome.BytesNotCopied = copier.CopyFromUser(space, kernelPtr, user, RaceTestsLength);
            });
            int attacker = scheduler.Spawn(() =>
            {
                if (attack == RaceTests.Attack.UserWritesDuringCopyFromUser)
                    for (ulong page = 0; page < 3; page++)
                        machine.UserWrite(user + page * 4096, pattern[page * 4096]); // the thread has used its buffer before
                for (int i = 0; i < attackerDelay; i++)
                    machine.Vmm.Threads.Yield();
                switch (attack)
                {
                    case RaceTests.Attack.MunmapDuringCopyToUser:
                    case RaceTests.Attack.MunmapDuringCopyFromUser:
                    case RaceTests.Attack.MunmapDuringDemandLoad:
                        space.Unmap(buffer, 4 * 4096);
                        break;
                    case RaceTests.Attack.MprotectReadOnlyDuringCopyToUser:
                        space.Protect(buffer, 4 * 4096, Prot.Read);
                        break;
                    case RaceTests.Attack.MprotectNoneDuringCopyFromUser:
                        space.Protect(buffer, 4 * 4096, Prot.None);
                        break;
                    case RaceTests.Attack.UserWritesDuringCopyFromUser:
                        for (int pass = 0; pass < 3; pass++)
                            for (ulong i = 0; i < 3 * 4096; i += 509)
                                machine.UserWrite(user + i, 0xAB);
                        break;
                    case RaceTests.Attack.ForkDuringCopyToUser:
                        child = space.CloneForFork();
                        break;
                }
            });
            machine.Pin(copier0, 0);
            machine.Pin(attacker, 1);
            if (attack == RaceTests.Attack.UserWritesDuringCopyFromUser || attack == RaceTests.Attack.MunmapDuringCopyFromUser || attack == RaceTests.Attack.MprotectNoneDuringCopyFromUser)
            {
                // Give the buffer known contents before the race starts.
                Prefill(space, machine, buffer, 4, user, pattern);
            }
            var result = scheduler.Run(maxSteps: 2_000_000);
            outcome.SchedulerFailure = result.Failure;
            outcome.Steps = result.Steps;
            outcome.Trace = string.Join(",", result.Trace);

            // The copied prefix must equal the source (unless user writes raced with it);
            // a file-backed buffer holds the file's bytes from offset 100.
            ulong copied = RaceTestsLength - outcome.BytesNotCopied;
            if (!readDirection && attack != RaceTests.Attack.UserWritesDuringCopyFromUser)
                for (ulong i = 0; i < copied && outcome.DataMatches; i++)
                    outcome.DataMatches = kernel[i] == (attack == RaceTests.Attack.MunmapDuringDemandLoad ? fileBytes[100 + (int)i] : pattern[i]);
            if (!readDirection)
                for (ulong i = copied; i < RaceTestsLength && outcome.DataMatches; i++)
                    outcome.DataMatches = kernel[i] == 0; // zero-filled tail

            outcome.PageLockWaits = space.PageLockWaits;
            child?.Destroy();
            space.Destroy();
        }
        outcome.KernelPanics = machine.KernelPanics;
        outcome.FirstPanic = machine.FirstPanic;
        outcome.UserAccessesToLockedPages = machine.UserAccessesToLockedPages;
        outcome.WritesToFreedFrames = machine.KernelWritesToFreeFrames + machine.Frames.CheckFreeFrames() + (int)machine.Frames.PoisonViolations;
        outcome.DoubleFrees = machine.Frames.DoubleFrees;
        outcome.FramesLeaked = (long)machine.Frames.UsedFrames - (long)usedAtStart;
        return outcome;
    }

    private const ulong RaceTestsLength = 3 * 4096 - 200;

    // Map the buffer's pages and give them known contents before the race starts
    // (straight into the page table: no thread runs yet, so no lock is needed).
    private static void Prefill(AddressSpace space, SimulatedMachine machine, ulong buffer, int pages, ulong user, byte[] pattern)
    {
        for (int p = 0; p < pages; p++)
        {
            ulong frame = machine.Frames.Allocate(zero: true);
            space.Table.Map(buffer + (ulong)p * 4096, frame, Pte.User | Pte.Writable | Pte.NoExecute);
        }
        for (int i = 0; i < pattern.Length; i++)
        {
            ulong va = user + (ulong)i;
            *machine.Physical.Map(Pte.Frame(space.Table.Get(Paging.PageDown(va))) + (va & Paging.PageMask)) = pattern[i];
        }
    }
}
