using CosmosKernel.Abi;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Signals: rt_sigprocmask. The kernel sends no signal to a handler yet (a fatal
    // fault ends the process, docs/userland.md); a thread's mask is kept with Linux's
    // rules, so programs that block signals around thread creation (musl's
    // pthread_create) see what Linux would answer.
    public sealed unsafe partial class SyscallTable
    {
        // rt_sigprocmask(how, const sigset_t* set, sigset_t* oldset, size_t sigsetsize), in
        // Linux's order: the new set is read and applied before the old one is written,
        // so a bad oldset fails with EFAULT after the mask changed.
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
    }
}
