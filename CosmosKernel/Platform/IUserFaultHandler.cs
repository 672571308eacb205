using Cosmos.HAL;

namespace CosmosKernel.Platform
{
    // What the page-fault handler needs from the process layer above it (implemented
    // by Processes/UserFaults, attached at boot): the arrow points down, the call goes up.
    public unsafe interface IUserFaultHandler
    {
        // A page fault raised by user code at `address`: resolve it, or end the program.
        void OnUserPageFault(InterruptFrame* frame, ulong address);

        // Whether the running thread belongs to a process (an oops can be survived).
        bool RunsProcess { get; }

        // A kernel fault with no recovery inside the running process's syscall (an
        // oops): end that process; does not return.
        void KillForOops(InterruptFrame* frame);
    }
}
