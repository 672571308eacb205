using Cosmos.HAL;

namespace CosmosKernel.Processes
{
    // The registers a forked child or a cloned thread returns to ring 3 with (its
    // creator's at the syscall, rax = 0; a thread's on its own stack): on the heap until
    // the child first runs, which copies them onto its kernel stack and resumes ring 3
    // with them (ProgramRunner.ResumeChild). Linux gives a clone child every register
    // of its parent, and musl's clone stub relies on it (the thread's function is in r9).
    public sealed class ChildRegisters
    {
        public SyscallFrame Frame;
    }
}
