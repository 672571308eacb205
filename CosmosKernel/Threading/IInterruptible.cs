namespace CosmosKernel.Threading
{
    // Whoever waits for a lock on a program's behalf and must stop waiting when told:
    // its process is ending, or a signal for a handler came (a pipe's side lock, whose
    // holder may sleep for data that never comes: Files/Pipe). FifoMutex.LockInterruptible
    // asks it each time it wakes.
    public interface IInterruptible
    {
        bool Interrupted { get; }
    }
}
