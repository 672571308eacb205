namespace Cosmos.HAL
{
    // Paging as the Cosmos layer ships it: the boot map that the kernel's boot stub
    // built (the low 4 GiB identity-mapped for the jump to the higher half, the same
    // 4 GiB as a direct map at 0xFFFF800000000000, the kernel image in the top 2 GiB).
    // It has no user address spaces, no frame allocator and no demand paging, so by
    // default a page fault is a crash like any other exception.
    //
    // A kernel with a VMM replaces these methods with a [Plug] class
    // (CosmosKernel/Plugs/PagingPlug.cs; docs/plugs.md): its own page tables and its
    // page-fault handling. The bodies here are what runs when nothing plugs them (a
    // kernel built with -p:CosmosPlugs=false).
    public static unsafe class VirtualMemory
    {
        // Take paging over from the boot stub, given the Multiboot2 information (its
        // memory map and modules) and where that information lies. True when the kernel
        // now runs on page tables of its own that can hold user address spaces; the
        // default keeps the boot map and says false.
        public static bool TakeOver(Multiboot2 boot, ulong bootInfoPhysical, ulong bootInfoSize) => false;

        // Vector 14. The default treats it as any other exception (Idt.HandleException:
        // a crash report, unless that is plugged too).
        public static void HandlePageFault(InterruptFrame* frame) => Idt.HandleException(frame);
    }
}
