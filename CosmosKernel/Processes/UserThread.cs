using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // What the process layer keeps for a kernel thread that runs user code: its
    // process, where it enters ring 3, its user-visible thread id and the clone words.
    // Hung on KernelThread.Owner, so the scheduler carries no process state. Written
    // before the thread starts, then by the thread itself (set_tid_address, its first
    // return to ring 3).
    public sealed class UserThread : ThreadOwner
    {
        public readonly KernelThread Kernel;
        public readonly Process Process;
        public ulong Entry, Stack;         // where it first enters ring 3
        public ulong Rflags;               // RFLAGS it enters ring 3 with
        public int Tid;                    // the thread id user space sees (gettid)
        public ulong ClearChildTid;        // CLONE_CHILD_CLEARTID, set_tid_address: zeroed and futex-woken at exit
        public ulong SetChildTid;          // a forking clone's CLONE_CHILD_SETTID: written by the child as it first enters ring 3
        public ulong RobustList;           // set_robust_list's head (kept, not walked at exit)
        // Signals (Processes/SignalDelivery.cs). The mask is written by the thread itself
        // only; Pending bits are set by senders and taken by the thread, atomically.
        public ulong SignalMask;           // blocked signals (bit n - 1 for signal n)
        public readonly PendingSignals Pending = new PendingSignals(); // sent to this thread (tgkill, tkill)
        public ulong AltStackBase, AltStackSize; // sigaltstack; AltStackSize 0: none
        public ChildRegisters ChildRegisters; // a forked child's or clone's first return to ring 3, then null

        public UserThread(KernelThread kernel, Process process)
        {
            Kernel = kernel;
            Process = process;
        }

        // Set by another thread's execve (Linux's de_thread): this thread ends at its
        // next way back to ring 3, as at its process's end, and its waits end now.
        // Written under the process table's lock, read without it.
        public bool EndedByExec;

        // Whether this thread is to end: its process is ending, or another thread's
        // execve ends it.
        public bool Ending => System.Threading.Volatile.Read(ref Process.Exiting) || System.Threading.Volatile.Read(ref EndedByExec);

        // Whether a wait for a program's action should end now: the thread is ending,
        // or a signal that a handler will take is pending here (the wait returns EINTR,
        // and the handler runs on the way back to ring 3).
        public bool Interrupted => Ending || ((Pending.Bits | Process.Pending.Bits) & ~SignalMask) != 0;

        // Its kernel stack is back (Scheduler.FinishSwitch): the process's memory is all
        // back once every thread's is (ProgramRunner waits for that before reaping).
        public override void StackReleased() => System.Threading.Interlocked.Decrement(ref Process.StacksPending);

        // The user thread behind `thread`, or null for a kernel thread.
        public static UserThread Of(KernelThread thread) => thread == null ? null : thread.Owner as UserThread;
    }
}
