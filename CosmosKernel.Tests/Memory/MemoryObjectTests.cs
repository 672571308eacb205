using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Tests.Simulation;

namespace CosmosKernel.Tests.Memory;

// MAP_SHARED|MAP_ANONYMOUS memory has one backing object (issue 16, item 3): a page
// first touched after fork, by either process, is the same page for both; the object
// lives while any region maps it and then gives every frame back.
[TestFixture]
public unsafe class MemoryObjectTests : VmmTestBase
{
    private const int SharedAnon = MapFlags.Shared | MapFlags.Anonymous;

    private void RunIn(AddressSpace space) => Machine.Cpus[0].SwitchTo(space);

    private ulong MapShared(ulong length)
    {
        long address = Space.Map(0, length, RW, SharedAnon, null, 0);
        Assert.That(address, Is.GreaterThan(0));
        return (ulong)address;
    }

    [Test]
    public void PagesFirstTouchedAfterForkAreSharedBothWays()
    {
        ulong p = MapShared(2 * 4096);
        AddressSpace child = Space.CloneForFork()!;

        RunIn(child);
        Write(p + 10, (byte)'C');      // first touch of page 0, in the child
        RunIn(Space);
        Assert.That(Read(p + 10), Is.EqualTo((byte)'C'), "the parent sees the child's write");
        Write(p + 4096 + 20, (byte)'P'); // first touch of page 1, in the parent
        RunIn(child);
        Assert.That(Read(p + 4096 + 20), Is.EqualTo((byte)'P'), "the child sees the parent's write");

        child.Destroy();
        RunIn(Space);
        Assert.That(Read(p + 10), Is.EqualTo((byte)'C'), "the page outlives the child's mapping");
        AssertCleanShutdown();
    }

    // munmap and mprotect of parts split a region; every piece maps the same object,
    // at its own offset, and the object lives until the last piece in any process goes.
    [Test]
    public void PiecesOfASplitMappingStaySharedAndTheLastOneFreesTheFrames()
    {
        ulong p = MapShared(4 * 4096);
        Write(p, 1);
        AddressSpace child = Space.CloneForFork()!;

        RunIn(child);
        Assert.That(child.Protect(p + 4096, 4096, Prot.Read), Is.EqualTo(0));
        Assert.That(child.Unmap(p + 3 * 4096, 4096), Is.EqualTo(0));
        Assert.That(child.RegionCount, Is.EqualTo(3));
        Write(p + 2 * 4096, 3);

        RunIn(Space);
        Write(p + 4096, 2);
        Write(p + 3 * 4096, 4);
        Assert.That(Read(p + 2 * 4096), Is.EqualTo(3), "the child's piece after the split is still the shared page");
        ulong usedWithAllPages = Machine.Frames.UsedFrames;
        Assert.That(Space.Unmap(p, 4 * 4096), Is.EqualTo(0), "the parent lets go of the whole mapping");
        Assert.That(Machine.Frames.UsedFrames, Is.EqualTo(usedWithAllPages), "the child's pieces keep every page alive");

        RunIn(child);
        Assert.That(Read(p), Is.EqualTo(1));
        Assert.That(Read(p + 4096), Is.EqualTo(2));
        Assert.That(Read(p + 2 * 4096), Is.EqualTo(3));
        child.Destroy();
        RunIn(Space);
        AssertCleanShutdown(); // every frame of the object is back, none freed twice
    }

    [Test]
    public void ABarelyTouched64GiBSharedMappingCostsAFewFrames()
    {
        const ulong huge = 64UL << 30;
        ulong used = Machine.Frames.UsedFrames;
        ulong p = MapShared(huge);
        AddressSpace child = Space.CloneForFork()!;
        ulong[] touched = { p + 5 * 4096, p + huge / 2 + 3, p + huge - 1 };
        RunIn(child);
        for (int i = 0; i < touched.Length; i++)
            Write(touched[i], (byte)(i + 1));
        RunIn(Space);
        for (int i = 0; i < touched.Length; i++)
            Assert.That(Read(touched[i]), Is.EqualTo(i + 1), "written by the child before the parent touched it");
        // 3 data frames, the object's index (a few 4 KiB tables per touched page) and
        // both processes' page tables (likewise): a few dozen frames, not 16 Mi.
        Assert.That(Machine.Frames.UsedFrames - used, Is.LessThan(48UL));
        child.Destroy();
        RunIn(Space);
        AssertCleanShutdown();
    }

    [Test]
    public void AFixedMappingOverPartOfASharedMappingReplacesOnlyThatPart()
    {
        ulong p = MapShared(3 * 4096);
        AddressSpace child = Space.CloneForFork()!;
        Assert.That(Space.Map(p + 4096, 4096, RW, PrivateAnon | MapFlags.Fixed, null, 0), Is.EqualTo((long)(p + 4096)));
        Write(p + 4096, 7);   // private now: the child does not see it
        Write(p + 2 * 4096, 8); // still shared
        RunIn(child);
        Assert.That(Read(p + 4096), Is.EqualTo(0));
        Assert.That(Read(p + 2 * 4096), Is.EqualTo(8));
        child.Destroy();
        RunIn(Space);
        AssertCleanShutdown();
    }

    // A file that shrinks (ftruncate) unmaps its pages past the new end from every
    // mapping in every address space, private copies of them too (Linux's truncate,
    // through its reverse map), so a touch there is a bus error; the pages before the
    // end stay; no frame is leaked. Without the reverse map the old pages stayed mapped.
    [Test]
    public void AShrinkingFileUnmapsItsPagesPastTheEndFromEveryMapping()
    {
        var file = new MemoryObject(Machine.Vmm, 16, limit: 4);
        file.Retain(); // the file's own count, as its node holds
        var backing = new FileBacking { Pages = file, Writable = true, Name = "f", Length = 4 * 4096 };
        long shared = Space.Map(0, 4 * 4096, RW, MapFlags.Shared, backing, 0);
        long copied = Space.Map(0, 4 * 4096, RW, MapFlags.Private, backing, 0);
        Assert.That(shared, Is.GreaterThan(0));
        Assert.That(copied, Is.GreaterThan(0));
        ulong s = (ulong)shared, p = (ulong)copied;
        Write(s + 4096, 5);
        Write(s + 3 * 4096, 7);
        Write(p + 3 * 4096, 9); // a private copy of the last page
        AddressSpace child = Space.CloneForFork()!;
        RunIn(child);
        Assert.That(Read(s + 3 * 4096), Is.EqualTo(7), "the child maps the page too");

        file.SetLimit(2);

        Assert.That(Machine.UserRead(s + 3 * 4096, out _), Is.False, "the child's shared mapping: unmapped, past the end");
        RunIn(Space);
        Assert.That(Machine.UserRead(s + 3 * 4096, out _), Is.False, "the parent's shared mapping");
        Assert.That(Machine.UserRead(p + 3 * 4096, out _), Is.False, "the parent's private copy");
        Assert.That(Machine.UserBusErrors, Is.EqualTo(3), "bus errors, not segfaults");
        Assert.That(Read(s + 4096), Is.EqualTo(5), "a page before the end keeps its bytes");
        child.Destroy();
        file.Release();
        AssertCleanShutdown();
    }

}

// Parent and child touch the same untouched shared page at the same time, on two
// simulated CPUs, over many interleavings: both must end up with the same frame.
[TestFixture]
public unsafe class MemoryObjectRaceTests
{
    [Test]
    public void TwoProcessesFaultingTheSamePageAtOnceGetOnePage()
    {
        for (int seed = 1; seed <= 60; seed++)
        {
            var scheduler = new DeterministicScheduler(seed);
            using var machine = new SimulatedMachine(cpus: 2, ramMiB: 8, scheduler);
            ulong usedAtStart = machine.Frames.UsedFrames;
            AddressSpace parent = AddressSpace.Create(machine.Vmm)!;
            ulong p = (ulong)parent.Map(0, 4096, Prot.Read | Prot.Write, MapFlags.Shared | MapFlags.Anonymous, null, 0);
            AddressSpace child = parent.CloneForFork()!;
            machine.Cpus[0].SwitchTo(parent);
            machine.Cpus[1].SwitchTo(child);
            int delay = new Random(seed).Next(0, 4);
            int a = scheduler.Spawn(() => machine.UserWrite(p + 1, 0xA));
            int b = scheduler.Spawn(() =>
            {
                for (int i = 0; i < delay; i++)
                    scheduler.Yield();
                machine.UserWrite(p + 2, 0xB);
            });
            machine.Pin(a, 0);
            machine.Pin(b, 1);
            Assert.That(scheduler.Run().Failure, Is.Null, $"seed {seed}");

            Assert.That(Pte.Frame(parent.Table.Get(p)), Is.EqualTo(Pte.Frame(child.Table.Get(p))), $"seed {seed}: one frame for both");
            byte* page = machine.Physical.Map(Pte.Frame(parent.Table.Get(p)));
            Assert.That(page[1] == 0xA && page[2] == 0xB, $"seed {seed}: both writes are in it");
            machine.Cpus[0].SwitchTo(null);
            machine.Cpus[1].SwitchTo(null);
            child.Destroy();
            parent.Destroy();
            Assert.That(machine.Frames.UsedFrames, Is.EqualTo(usedAtStart), $"seed {seed}: frames leaked");
            Assert.That(machine.Frames.DoubleFrees, Is.EqualTo(0), $"seed {seed}: frames freed twice");
        }
    }
}
