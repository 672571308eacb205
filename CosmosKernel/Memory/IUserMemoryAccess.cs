namespace CosmosKernel.Memory
{
    // How kernel code reads and writes user memory through the MMU, as the CPU would:
    // the real kernel uses plain loads and stores in the address space loaded in CR3
    // (with an exception-table fixup for recoverable copies); the simulated machine
    // translates through its per-CPU TLB and the page tables in simulated RAM.
    //
    // A fault on the way goes to space.HandleFault (kernel mode). If it cannot be
    // resolved: with `recover` the copy stops there (extable); without, it is a kernel
    // panic (the real kernel stops; the simulator records it and stops the copy).
    // Both return the number of bytes NOT copied.
    public unsafe interface IUserMemoryAccess
    {
        ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length, bool recover);
        ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length, bool recover);

        // The pin strategy's copies, between a kernel buffer and pinned frames seen
        // through the direct map of physical memory (they cannot fault). All CopyPinned
        // calls of a window come between BeginPinnedCopy and EndPinnedCopy: the kernel
        // runs that stretch with interrupts on (like the user copies above) and lets
        // ready threads run between pages; the simulator lets other threads run
        // every few bytes.
        void BeginPinnedCopy();
        void CopyPinned(byte* to, byte* from, ulong length);
        void EndPinnedCopy();
    }
}
