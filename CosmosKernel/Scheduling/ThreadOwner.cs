namespace CosmosKernel.Scheduling
{
    // Something a higher layer keeps per thread (see KernelThread.Owner).
    // The scheduler never looks inside: it only asks whether there is one. A typed
    // slot, not an `object`, so what hangs there is a declared part of a thread.
    public abstract class ThreadOwner
    {
        // The thread ended and its stack is back (after the switch away from it, on
        // the CPU it ended on, without any lock): the last of its memory. Once called,
        // the thread is no longer the owner's.
        public virtual void StackReleased()
        {
        }
    }
}
