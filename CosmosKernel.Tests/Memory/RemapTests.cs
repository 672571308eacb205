using CosmosKernel.Abi;
using CosmosKernel.Memory;

namespace CosmosKernel.Tests.Memory;

// mremap on the real VMM code over simulated RAM: a move takes the page-table entries
// along (no frame copied, none leaked), the old range is shot down before anyone can
// reuse it, growing in place and shrinking change only the region, and a forked
// child's move leaves the parent's copy-on-write page alone. (The errnos and Linux's
// behaviour are checked by CTests/mremap.c on both kernels.)
[TestFixture]
public unsafe class RemapTests : VmmTestBase
{
    private const ulong Page = Paging.PageSize;

    [Test]
    public void AMoveTakesTheFramesAlongAndShootsTheOldRangeDown()
    {
        ulong address = MapAnonymous(2);
        MapAnonymous(1); // right after it (the simulator's gaps are found upwards): it cannot grow in place
        Write(address, 11);
        Write(address + Page, 22);
        ulong used = Machine.Frames.UsedFrames;
        ulong frame = Pte.Frame(Space.Table.Get(address));

        long moved = Space.Remap(address, 2 * Page, 4 * Page, 0, 0);
        Assert.That(moved, Is.EqualTo(-Errno.ENOMEM), "no room to grow and no MREMAP_MAYMOVE");
        moved = Space.Remap(address, 2 * Page, 4 * Page, MremapFlags.MayMove, 0);
        Assert.That(moved, Is.GreaterThan(0).And.Not.EqualTo((long)address));
        ulong target = (ulong)moved;
        Assert.That(Pte.Frame(Space.Table.Get(target)), Is.EqualTo(frame), "the same frame, not a copy");
        Assert.That(Machine.Frames.UsedFrames, Is.EqualTo(used), "no frame allocated or freed by the move");
        Assert.That(Read(target), Is.EqualTo(11));
        Assert.That(Read(target + Page), Is.EqualTo(22));
        Assert.That(Read(target + 3 * Page), Is.EqualTo(0), "the grown part faults in zeros");
        Assert.That(Machine.UserRead(address, out _), Is.False, "the old range is gone (SIGSEGV), TLB included");
        AssertCleanShutdown();
    }

    [Test]
    public void WithoutTheShootdownTheOldAddressWouldStillReachTheFrame()
    {
        // The negative control: the simulated TLB really keeps the old translation.
        ulong address = MapAnonymous(1);
        Write(address, 5);
        Machine.DropShootdowns = true;
        ulong target = (ulong)Space.Remap(address, Page, Page, MremapFlags.MayMove | MremapFlags.Fixed, address + 16 * Page);
        Assert.That(target, Is.EqualTo(address + 16 * Page));
        Assert.That(Machine.UserRead(address, out byte stale), Is.True, "a stale TLB entry reads the moved page");
        Assert.That(stale, Is.EqualTo(5));
        Machine.DropShootdowns = false;
        Machine.Cpus[0].InvalidateAll();
        Assert.That(Machine.UserRead(address, out _), Is.False);
        Assert.That(Read(target), Is.EqualTo(5));
        AssertCleanShutdown();
    }

    [Test]
    public void GrowingInPlaceAndShrinkingChangeOnlyTheRegion()
    {
        ulong address = MapAnonymous(4);
        Assert.That(Space.Unmap(address + 2 * Page, 2 * Page), Is.EqualTo(0));
        Write(address, 1);
        Write(address + Page, 2);
        Assert.That(Space.Remap(address, 2 * Page, 4 * Page, 0, 0), Is.EqualTo((long)address), "grows in place");
        Assert.That(Space.RegionCount, Is.EqualTo(1));
        Write(address + 3 * Page, 4);
        ulong used = Machine.Frames.UsedFrames;
        Assert.That(Space.Remap(address, 4 * Page, Page, 0, 0), Is.EqualTo((long)address), "shrinks in place");
        Assert.That(Machine.Frames.UsedFrames, Is.EqualTo(used - 2), "the two touched pages of the tail are freed");
        Assert.That(Read(address), Is.EqualTo(1));
        Assert.That(Machine.UserRead(address + Page, out _), Is.False);
        AssertCleanShutdown();
    }

    [Test]
    public void AForkedChildsMoveLeavesTheParentsPageAlone()
    {
        ulong address = MapAnonymous(1);
        Write(address, 7);
        AddressSpace child = Space.CloneForFork()!;
        Machine.Cpus[0].SwitchTo(child);
        ulong target = (ulong)child.Remap(address, Page, Page, MremapFlags.MayMove | MremapFlags.Fixed, address + 8 * Page);
        Assert.That(target, Is.EqualTo(address + 8 * Page));
        Assert.That(Read(target), Is.EqualTo(7), "the child's copy-on-write page moved");
        Write(target, 8); // breaks copy-on-write at the new address
        Machine.Cpus[0].SwitchTo(Space);
        Assert.That(Read(address), Is.EqualTo(7), "the parent's page is its own");
        child.Destroy();
        AssertCleanShutdown();
    }

    [Test]
    public void SharedMemoryGrownPastItsObjectIsBeyondTheEnd()
    {
        long shared = Space.Map(0, Page, RW, MapFlags.Shared | MapFlags.Anonymous, null, 0);
        Write((ulong)shared, 3);
        long duplicate = Space.Remap((ulong)shared, 0, 2 * Page, MremapFlags.MayMove, 0);
        Assert.That(duplicate, Is.GreaterThan(0).And.Not.EqualTo(shared), "an old length of 0: a second mapping");
        Assert.That(Read((ulong)duplicate), Is.EqualTo(3), "of the same page");
        Assert.That(Space.HandleFault((ulong)duplicate + Page, Access.Read, userMode: true), Is.EqualTo(FaultResult.BeyondEndOfFile),
            "past the object's one page: SIGBUS");
        ulong privatePage = MapAnonymous(1);
        Assert.That(Space.Remap(privatePage, 0, Page, MremapFlags.MayMove, 0), Is.EqualTo(-Errno.EINVAL));
        AssertCleanShutdown();
    }
}
