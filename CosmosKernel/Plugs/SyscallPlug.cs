using Cosmos.HAL;
using Cosmos.Plugs;

namespace CosmosKernel.Plugs
{
    // The kernel's syscall entry in place of the Cosmos layer's (which has no user
    // programs; docs/plugs.md): Linux's syscall table.
    [Plug("Cosmos.HAL.UserMode")]
    public static unsafe class SyscallPlug
    {
        public static void HandleSyscall(SyscallFrame* frame) => Syscalls.SyscallTable.Dispatch(frame);
    }
}
