namespace CosmosKernel.Threading
{
    // What the kernel's blocking locks need from whoever runs threads: the running
    // thread's id, a way to sleep until woken, and a scheduling point. The kernel's
    // scheduler implements it (Scheduling/Scheduler.cs);
    // on the host the deterministic scheduler of the tests does.
    public interface IThreadBackend
    {
        // A small non-negative number identifying the running thread.
        int CurrentThreadId { get; }

        // Sleep until Unpark(CurrentThreadId). Permit semantics: an Unpark that came
        // first makes the next Park return at once (at most one permit is kept), so a
        // wake-up between "decide to sleep" and "sleep" is never lost.
        void Park();

        // Park, in a wait that only a program ends (its action, a signal, its end): the
        // kernel's deadlock breaker may end the program then, where a kernel wait that
        // never ends is the kernel's bug (Scheduling/Scheduler.Park(forUser)).
        void ParkInterruptible();

        void Unpark(int threadId);

        // A point where another thread may run.
        void Yield();

        // Whether thread `threadId` is running on another CPU right now (a hint: it may
        // stop the next moment). A FIFO mutex spins for such an owner instead of
        // sleeping. The host simulator runs one thread at a time: always false there.
        bool RunsOnAnotherCpu(int threadId);

        // One step of a short spin: a pause, with interrupts on in the kernel.
        void SpinPause();

        // Sleep at least `milliseconds` (a device's latency: Memory/RamdiskFile). The
        // host simulator has no clock: there it is a scheduling point.
        void Sleep(int milliseconds);
    }
}
