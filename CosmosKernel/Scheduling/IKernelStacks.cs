namespace CosmosKernel.Scheduling
{
    // Where kernel threads' stacks come from (Platform/KernelStacks.cs maps them from
    // frames). The scheduler takes one per thread and gives it back once the thread
    // has exited and no CPU runs on it any more.
    public unsafe interface IKernelStacks
    {
        // The bottom of a new stack of Scheduler.StackSize bytes, or null when memory is
        // short (the thread is not created: EAGAIN).
        byte* Allocate();

        void Free(byte* bottom);
    }
}
