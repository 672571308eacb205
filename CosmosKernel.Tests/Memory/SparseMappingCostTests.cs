using CosmosKernel.Abi;
using CosmosKernel.Memory;

namespace CosmosKernel.Tests.Memory;

// Cost proportional to what was touched (issue 16, item 7): munmap, fork, exit and
// mprotect of a huge mapping that is barely touched skip the page tables that do not
// exist instead of looking at every 4 KiB page. Measured in page-table entries read
// (PageTable.EntriesRead), not in time: the machines running the tests are noisy.
[TestFixture]
public unsafe class SparseMappingCostTests : VmmTestBase
{
    private const ulong Huge = 64UL << 30; // 16 Mi pages

    // Three touched pages live in at most 3 page tables and 3 page directories of 512
    // entries, under one PDPT (64 entries of it cover 64 GiB): an operation that scans
    // them twice (the copy-lock check, then the work) reads about 6,500 entries.
    // Walking every page would read 3 entries per page: 48 Mi.
    private const long Budget = 20_000;

    private ulong[] MapHugeAndTouchThreePages(int flags)
    {
        long mapped = Space.Map(0, Huge, RW, flags, null, 0);
        Assert.That(mapped, Is.GreaterThan(0));
        ulong start = (ulong)mapped;
        ulong[] touched = { start, start + Huge / 2 + 7 * 4096, start + Huge - 4096 };
        for (int i = 0; i < touched.Length; i++)
            Write(touched[i], (byte)(i + 1));
        return touched;
    }

    private static long Cost(AddressSpace space, long before)
    {
        long cost = space.Table.EntriesRead - before;
        TestContext.Out.WriteLine("page-table entries read: " + cost);
        return cost;
    }

    [TestCase(PrivateAnon, TestName = "fork, mprotect, munmap and exit of an untouched 64 GiB private mapping read few page-table entries")]
    [TestCase(MapFlags.Shared | MapFlags.Anonymous, TestName = "fork, mprotect, munmap and exit of an untouched 64 GiB shared mapping read few page-table entries")]
    public void HugeBarelyTouchedMappingCostsWhatWasTouched(int flags)
    {
        ulong[] touched = MapHugeAndTouchThreePages(flags);
        ulong start = touched[0];

        long before = Space.Table.EntriesRead;
        AddressSpace child = Space.CloneForFork()!;
        Assert.That(child, Is.Not.Null);
        Assert.That(Cost(Space, before), Is.LessThan(Budget), "fork");

        before = Space.Table.EntriesRead;
        Assert.That(Space.Protect(start, Huge, Prot.Read), Is.EqualTo(0));
        Assert.That(Cost(Space, before), Is.LessThan(Budget), "mprotect");
        Assert.That(Machine.UserWrite(touched[1], 9), Is.False, "the touched pages became read-only");
        Assert.That(Read(touched[2]), Is.EqualTo(3));

        Machine.Cpus[0].SwitchTo(child);
        for (int i = 0; i < touched.Length; i++)
            Assert.That(Read(touched[i]), Is.EqualTo(i + 1), "the child sees what the parent wrote before fork");
        before = child.Table.EntriesRead;
        child.Destroy();
        Assert.That(Cost(child, before), Is.LessThan(Budget), "exit");
        Machine.Cpus[0].SwitchTo(Space);

        before = Space.Table.EntriesRead;
        Assert.That(Space.Unmap(start, Huge), Is.EqualTo(0));
        Assert.That(Cost(Space, before), Is.LessThan(Budget), "munmap");
        Assert.That(Machine.UserRead(touched[1], out _), Is.False, "unmapped");
        AssertCleanShutdown();
    }
}
