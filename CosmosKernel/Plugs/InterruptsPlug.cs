using Cosmos.HAL;
using Cosmos.Plugs;

namespace CosmosKernel.Plugs
{
    // The kernel's exception handling in place of the Cosmos layer's crash-only default
    // (docs/plugs.md): a fault of a user program ends that program with a signal
    // (Processes/UserFaults); a fault in kernel mode is the kernel's crash report
    // (Diagnostics/CrashReport), with its registers, code bytes and exit status.
    [Plug("Cosmos.HAL.Idt")]
    public static unsafe class InterruptsPlug
    {
        public static void HandleException(InterruptFrame* frame) => Processes.UserFaults.OnException(frame);
    }
}
