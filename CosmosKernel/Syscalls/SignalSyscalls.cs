using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Signals: rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack, kill, tgkill,
    // tkill, with Linux's checks in Linux's order. Sending is ProgramRunner.SendSignal's,
    // delivery Processes/SignalDelivery's.
    public sealed unsafe partial class SyscallTable
    {
        // rt_sigaction(sig, const struct sigaction* act, struct sigaction* oact, size_t
        // sigsetsize): the new action is read first (EFAULT), then the signal checked
        // (EINVAL, and SIGKILL or SIGSTOP cannot be given one); the old one is written
        // after the change.
        private long RtSigaction(Process process, ulong signal, ulong actAddress, ulong oldAddress, ulong setBytes)
        {
            if (setBytes != Signals.SigsetBytes)
                return -Errno.EINVAL;
            ulong* act = stackalloc ulong[4];
            if (actAddress != 0 && _copier.CopyFromUser(process.Space, (byte*)act, actAddress, Signals.SigactionBytes) != 0)
                return -Errno.EFAULT;
            if (signal < 1 || signal > Signals.Count)
                return -Errno.EINVAL;
            int number = (int)signal;
            if (actAddress != 0 && (number == Signals.Kill || number == Signals.Stop))
                return -Errno.EINVAL;
            SignalActions.Action old = process.Actions.Get(number);
            if (actAddress != 0)
            {
                var action = new SignalActions.Action
                {
                    Handler = act[0],
                    Flags = act[1],
                    Restorer = act[2],
                    Mask = act[3] & ~Signals.Unblockable,
                };
                process.Actions.Set(number, action);
                // POSIX: ignoring a pending signal discards it (the caller's own and the
                // process's; another thread's stays until that thread looks).
                if (action.Handler == Signals.Ignore || (action.Handler == Signals.Default && !SignalDelivery.DefaultIsFatal(number)))
                {
                    process.Pending.Take(number, out _);
                    _programs.CurrentThread.Pending.Take(number, out _);
                }
            }
            if (oldAddress != 0)
            {
                ulong* previous = stackalloc ulong[4];
                previous[0] = old.Handler;
                previous[1] = old.Flags;
                previous[2] = old.Restorer;
                previous[3] = old.Mask;
                if (_copier.CopyToUser(process.Space, oldAddress, (byte*)previous, Signals.SigactionBytes) != 0)
                    return -Errno.EFAULT;
            }
            return 0;
        }

        // rt_sigprocmask(how, const sigset_t* set, sigset_t* oldset, size_t sigsetsize), in
        // Linux's order: the new set is read and applied before the old one is written,
        // so a bad oldset fails with EFAULT after the mask changed. A signal it unblocks
        // is delivered on the way back (Dispatch).
        private long RtSigprocmask(Process process, long how, ulong setAddress, ulong oldAddress, ulong setBytes)
        {
            if (setBytes != Signals.SigsetBytes)
                return -Errno.EINVAL;
            UserThread me = _programs.CurrentThread;
            ulong old = me.SignalMask;
            if (setAddress != 0)
            {
                ulong set = 0;
                if (_copier.CopyFromUser(process.Space, (byte*)&set, setAddress, Signals.SigsetBytes) != 0)
                    return -Errno.EFAULT;
                if (how == Signals.SigBlock)
                    set |= old;
                else if (how == Signals.SigUnblock)
                    set = old & ~set;
                else if (how != Signals.SigSetmask)
                    return -Errno.EINVAL;
                me.SignalMask = set & ~Signals.Unblockable;
            }
            if (oldAddress != 0 && _copier.CopyToUser(process.Space, oldAddress, (byte*)&old, Signals.SigsetBytes) != 0)
                return -Errno.EFAULT;
            return 0;
        }

        // kill(pid, sig): pid > 0 that process; 0 the caller's process group; -1 every
        // process but the caller and pid 1; below -1 the group -pid. ESRCH
        // when nobody is there. Everyone is root here: no EPERM.
        private long Kill(long pid, long signal)
        {
            if (signal < 0 || signal > Signals.Count)
                return -Errno.EINVAL;
            if (pid > 0)
            {
                Process target = pid > int.MaxValue ? null : _programs.FindLive((int)pid, 0, out _);
                if (target == null)
                    return -Errno.ESRCH;
                _programs.SendSignal(target, null, (int)signal);
                return 0;
            }
            if (pid <= int.MinValue)
                return -Errno.ESRCH; // -INT_MIN is no process group
            Process[] targets = _programs.FindGroup(pid == 0 ? _programs.Current.Pgid : (int)-pid, everyone: pid == -1);
            for (int i = 0; i < targets.Length; i++)
                _programs.SendSignal(targets[i], null, (int)signal);
            return targets.Length == 0 ? -Errno.ESRCH : 0;
        }

        // A write into a pipe without readers: EPIPE, and SIGPIPE to the writing thread,
        // as Linux's pipe_write (it ends the program unless handled or ignored).
        private long Sigpipe(Process process, long result)
        {
            if (result == -Errno.EPIPE)
                _programs.SendSignal(process, _programs.CurrentThread, Signals.Pipe);
            return result;
        }

        // tgkill(tgid, tid, sig) and tkill(tid, sig): to one thread.
        private long Tgkill(long tgid, long tid, long signal, bool anyProcess)
        {
            if ((!anyProcess && (tgid <= 0 || tgid > int.MaxValue)) || tid <= 0 || tid > int.MaxValue || signal < 0 || signal > Signals.Count)
                return -Errno.EINVAL;
            UserThread thread;
            if (anyProcess)
                thread = _programs.FindThread((int)tid);
            else
                _programs.FindLive((int)tgid, (int)tid, out thread);
            if (thread == null)
                return -Errno.ESRCH;
            _programs.SendSignal(thread.Process, thread, (int)signal);
            return 0;
        }
    }
}
