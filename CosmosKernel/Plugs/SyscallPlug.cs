using Cosmos.HAL;
using Cosmos.Plugs;

namespace CosmosKernel.Plugs
{
    // The kernel's syscall entry in place of the Cosmos layer's (which has no user
    // programs; docs/plugs.md): Linux's syscall table (which takes the kernel lock for
    // the syscalls that still need it), and the kernel lock around every interrupt from
    // ring 3 that is not lock-free.
    [Plug("Cosmos.HAL.UserMode")]
    public static unsafe class SyscallPlug
    {
        public static void HandleSyscall(SyscallFrame* frame) => Syscalls.SyscallTable.Dispatch(frame);

        public static void EnterKernel() => Scheduling.KernelLock.Acquire();

        public static void LeaveKernel() => Scheduling.KernelLock.Release();
    }
}
