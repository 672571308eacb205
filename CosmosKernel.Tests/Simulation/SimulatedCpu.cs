using CosmosKernel.Memory;

namespace CosmosKernel.Tests.Simulation;

// One simulated CPU: the address space it runs (CR3) and a TLB that keeps every
// translation it filled until it is invalidated, with the permissions it had then.
// That is what makes a missing TLB shootdown visible.
public sealed class SimulatedCpu
{
    public readonly int Id;
    public AddressSpace? Space;
    private readonly Dictionary<ulong, ulong> _tlb = new(); // page -> PTE at fill time

    public SimulatedCpu(int id) => Id = id;

    public int TlbEntries => _tlb.Count;

    // Bumped by every invalidation: a walk that began before one may not fill what it
    // read (Translate).
    public long Invalidations { get; private set; }

    public void SwitchTo(AddressSpace? space)
    {
        Space = space;
        Invalidations++;
        _tlb.Clear(); // a CR3 write without PCID flushes non-global entries
    }

    public bool TryGetTlb(ulong page, out ulong pte) => _tlb.TryGetValue(page, out pte);
    public void Fill(ulong page, ulong pte) => _tlb[page] = pte;
    public void Invalidate(ulong page)
    {
        Invalidations++;
        _tlb.Remove(page);
    }

    // Every cached page in [start, end): looks at the entries the TLB holds, so a
    // sparse range spanning gigabytes costs what the TLB caches, not its length.
    public void InvalidateRange(ulong start, ulong end)
    {
        Invalidations++;
        foreach (ulong page in _tlb.Keys.Where(page => page >= start && page < end).ToList())
            _tlb.Remove(page);
    }
    public void InvalidateAll()
    {
        Invalidations++;
        _tlb.Clear();
    }
}
