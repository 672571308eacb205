namespace CosmosKernel.Scheduling
{
    // Something a higher layer keeps per thread (see KernelThread.Owner).
    // The scheduler never looks inside: it only asks whether there is one. A typed
    // slot, not an `object`, so what hangs there is a declared part of a thread.
    public abstract class ThreadOwner
    {
    }
}
