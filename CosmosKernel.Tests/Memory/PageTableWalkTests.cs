using CosmosKernel.Memory;

namespace CosmosKernel.Tests.Memory;

// PageTable.NextMapped, the range walk behind munmap, mprotect, fork and exit: it
// finds every non-zero leaf entry of a range in address order and jumps over missing
// PML4, PDPT and PD entries.
[TestFixture]
public unsafe class PageTableWalkTests : VmmTestBase
{
    // Pages at the edges of every level: the first and last entry of a page table, of
    // a page directory, of a PDPT, a second PML4 slot and the last user page.
    private static readonly ulong[] Scattered =
    {
        0x10000,
        0x1FF000,          // last entry of the first page table
        0x200000,          // first entry of the next page table
        0x3FFFF000,        // last page of the first GiB
        0x40000000,        // first page of the second GiB
        0x8000000000,      // PML4 slot 1
        Paging.UserSpaceEnd - Paging.PageSize,
    };

    private PageTable MapScattered()
    {
        PageTable table = PageTable.Create(Machine.Physical, Machine.Frames, null)!;
        foreach (ulong va in Scattered)
            Assert.That(table.Map(va, 0x100000, Pte.User), Is.True);
        return table;
    }

    private static List<ulong> Found(PageTable table, ulong start, ulong end)
    {
        var found = new List<ulong>();
        ulong va = start;
        ulong* entry;
        while ((entry = table.NextMapped(ref va, end)) != null)
        {
            Assert.That(*entry, Is.Not.EqualTo(0UL));
            found.Add(va);
            va += Paging.PageSize;
        }
        return found;
    }

    [Test]
    public void FindsEveryMappedPageInOrderAndSkipsMissingTables()
    {
        PageTable table = MapScattered();
        long before = table.EntriesRead;
        Assert.That(Found(table, 0, Paging.UserSpaceEnd), Is.EqualTo(Scattered));
        // 2 PML4 slots used, 4 PDPTs... a few tables of 512 entries, not 2^35 pages.
        Assert.That(table.EntriesRead - before, Is.LessThan(20 * 512), "whole tables are skipped");
        table.Destroy();
    }

    [Test]
    public void RespectsTheEndsOfTheRange()
    {
        PageTable table = MapScattered();
        Assert.That(Found(table, 0x1FF000, 0x40000000), Is.EqualTo(new ulong[] { 0x1FF000, 0x200000, 0x3FFFF000 }));
        Assert.That(Found(table, 0x1FF000 + 4096, 0x3FFFF000), Is.EqualTo(new ulong[] { 0x200000 }), "end is exclusive");
        Assert.That(Found(table, 0x40001000, 0x8000000000), Is.Empty);
        Assert.That(Found(table, 0x8000000000, 0x8000001000), Is.EqualTo(new ulong[] { 0x8000000000 }));
        table.Destroy();
    }

    [Test]
    public void FindsEntriesThatKeepAFrameWithoutBeingPresent()
    {
        PageTable table = PageTable.Create(Machine.Physical, Machine.Frames, null)!;
        ulong* entry = table.Walk(0x5000000, create: true);
        *entry = 0x100000 | Pte.ProtNone; // a PROT_NONE page: not present, frame kept
        Assert.That(Found(table, 0, Paging.UserSpaceEnd), Is.EqualTo(new ulong[] { 0x5000000 }));
        *entry = 0;
        table.Destroy();
    }
}
