using CosmosKernel.Abi;
using CosmosKernel.Threading;

namespace CosmosKernel.Processes
{
    // A process's signal dispositions (rt_sigaction): one table shared by all its
    // threads (musl's threads are CLONE_SIGHAND, the only kind of thread here), copied by
    // fork. _lock (a leaf spin lock) guards the table: a handler is read whole while
    // another thread may be changing it.
    public sealed class SignalActions
    {
        public struct Action
        {
            public ulong Handler;  // Signals.Default, Signals.Ignore, or the handler's address
            public ulong Flags;    // SA_*
            public ulong Restorer; // where the handler returns to (musl's __restore_rt)
            public ulong Mask;     // blocked while the handler runs
        }

        private readonly Action[] _actions = new Action[Signals.Count + 1]; // by number; 0 unused
        private readonly SpinLock _lock;

        public SignalActions(IThreadBackend threads) => _lock = new SpinLock(threads, "signal actions");

        public Action Get(int signal)
        {
            _lock.Acquire();
            Action action = _actions[signal];
            _lock.Release();
            return action;
        }

        public void Set(int signal, Action action)
        {
            _lock.Acquire();
            _actions[signal] = action;
            _lock.Release();
        }

        // The action for a signal about to be delivered to a handler; SA_RESETHAND puts
        // the default back for the next one, in the same step.
        public Action TakeForDelivery(int signal)
        {
            _lock.Acquire();
            Action action = _actions[signal];
            if ((action.Flags & Signals.SaResethand) != 0 && action.Handler > Signals.Ignore)
                _actions[signal] = default;
            _lock.Release();
            return action;
        }

        // execve: a handler's address means nothing in the new program, so each caught
        // signal goes back to its default; ignored ones stay ignored (POSIX).
        public void ResetForExec()
        {
            for (int signal = 1; signal <= Signals.Count; signal++)
                if (Get(signal).Handler > Signals.Ignore)
                    Set(signal, default);
        }

        // fork: the child starts with the parent's dispositions.
        public void CopyFrom(SignalActions parent)
        {
            for (int signal = 1; signal <= Signals.Count; signal++)
                Set(signal, parent.Get(signal));
        }
    }
}
