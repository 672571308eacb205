namespace CosmosKernel.Memory
{
    // The one interface through which the VMM invalidates TLB entries. It is called
    // after every change that weakens a PTE (user bit cleared, unmapped, write
    // removed, frame replaced) and before the old frame can be reused. One CPU:
    // `invlpg`. Several CPUs: IPIs to exactly the CPUs that may cache the address
    // space. The simulated machine keeps one TLB per CPU, so a missing call is a
    // visible bug there.
    public interface ITlbShootdown
    {
        void InvalidatePage(AddressSpace space, ulong virtualAddress);
        // Every page in [start, end) (page aligned): one shootdown for many pages, so
        // other CPUs are interrupted once per batch, not once per page.
        void InvalidateRange(AddressSpace space, ulong start, ulong end);
        void InvalidateAll(AddressSpace space);
        // This CPU's TLB only, no IPI: for a weakening whose shootdown to the other CPUs
        // follows later in a batch (pagelock's window), so that at least the thread that
        // runs next on this CPU already sees it.
        void InvalidateLocal(AddressSpace space, ulong virtualAddress);
    }
}
