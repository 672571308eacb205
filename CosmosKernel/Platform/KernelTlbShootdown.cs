using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Platform
{
    // TLB shootdown on the one CPU that runs now: invalidate locally, and only when
    // the address space is the one loaded in CR3 (another space's entries were
    // flushed by the CR3 write that left it; global pages are kernel-only). The SMP
    // issue adds IPIs to the other CPUs that may cache the space, behind this same
    // interface.
    public sealed class KernelTlbShootdown : ITlbShootdown
    {
        public long Invalidations;

        public void InvalidatePage(AddressSpace space, ulong virtualAddress)
        {
            Invalidations++;
            if (Native.ReadCr3() == space.Table.Root)
                Native.InvalidatePage(virtualAddress);
        }

        public void InvalidateAll(AddressSpace space)
        {
            Invalidations++;
            ulong cr3 = Native.ReadCr3();
            if (cr3 == space.Table.Root)
                Native.WriteCr3(cr3);
        }
    }
}
