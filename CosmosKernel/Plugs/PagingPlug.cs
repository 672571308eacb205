using Cosmos.HAL;
using Cosmos.Plugs;

namespace CosmosKernel.Plugs
{
    // The kernel's paging in place of the Cosmos layer's boot map (docs/plugs.md): the
    // build step rewrites Cosmos.HAL.VirtualMemory's methods to call these.
    [Plug("Cosmos.HAL.VirtualMemory")]
    public static unsafe class PagingPlug
    {
        // The frame allocator and the kernel's own page tables (Platform/KernelMemory):
        // the identity map is gone afterwards, so the lower half is for user address spaces.
        public static bool TakeOver(Multiboot2 boot, ulong bootInfoPhysical, ulong bootInfoSize)
        {
            Platform.KernelMemory.Initialize(boot, bootInfoPhysical, bootInfoSize);
            return true;
        }

        // The VMM's page faults: demand paging, copy-on-write, page locks and user-copy
        // recovery (Platform/UserPageFaults). Until the VMM exists (early boot) a page
        // fault is a kernel bug: the kernel's crash report.
        public static void HandlePageFault(InterruptFrame* frame)
        {
            if (Platform.UserPageFaults.Installed)
                Platform.UserPageFaults.Handle(frame);
            else
                Processes.UserFaults.OnException(frame);
        }
    }
}
