using Cosmos.HAL;

namespace CosmosKernel.Processes
{
    // The registers a forked child returns to ring 3 with (the parent's, rax = 0): on
    // the heap from fork until the child first runs, which copies them onto its own
    // stack and resumes ring 3 with them (ProgramRunner.ResumeForkedChild).
    public sealed class ForkedRegisters
    {
        public SyscallFrame Frame;
    }
}
