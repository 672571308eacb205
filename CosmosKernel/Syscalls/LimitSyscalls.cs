using CosmosKernel.Abi;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Resource limits: getrlimit, setrlimit, prlimit64. The limits are the kernel's
    // own (Processes/Limits.cs), the same for every process, and fixed: a request to
    // set one to what it is succeeds, any other change is EPERM (not done: limits a
    // process can lower). prctl: the process's name (PR_SET_NAME, PR_GET_NAME);
    // every other option is EINVAL, as Linux answers one it does not know.
    public sealed unsafe partial class SyscallTable
    {
        private const int PrSetName = 15, PrGetName = 16, CommBytes = 16;

        // Soft and hard limit of `resource`, as they hold here.
        private ulong LimitOf(int resource)
        {
            switch (resource)
            {
                case Rlimits.Stack: return UserStack.Size;                   // the main thread's stack is mapped whole
                case Rlimits.Core: return 0;                                  // no core dumps
                case Rlimits.Processes: return (ulong)_scheduler.ThreadLimit; // clone and fork: EAGAIN past it
                case Rlimits.OpenFiles: return FileTable.DescriptorLimit;     // EMFILE past it
                case Rlimits.Nice:
                case Rlimits.RealtimePriority: return 0;
                default: return Rlimits.Infinity;
            }
        }

        // prlimit64(pid, resource, new or NULL, old or NULL): pid 0 is the caller, any
        // other pid must be a live process (ESRCH); a resource past the last is EINVAL.
        private long Prlimit(Process process, int pid, ulong resource, ulong newAddress, ulong oldAddress)
        {
            if (resource >= Rlimits.Count)
                return -Errno.EINVAL;
            if (pid < 0 || (pid != 0 && pid != process.Pid && _programs.FindLive(pid, 0, out _) == null))
                return -Errno.ESRCH;
            ulong limit = LimitOf((int)resource);
            if (newAddress != 0)
            {
                ulong* requested = stackalloc ulong[2];
                if (_copier.CopyFromUser(process.Space, (byte*)requested, newAddress, Rlimits.Bytes) != 0)
                    return -Errno.EFAULT;
                if (requested[0] > requested[1])
                    return -Errno.EINVAL;
                if (requested[0] != limit || requested[1] != limit)
                    return -Errno.EPERM;
            }
            if (oldAddress != 0)
            {
                ulong* old = stackalloc ulong[2];
                old[0] = old[1] = limit;
                if (_copier.CopyToUser(process.Space, oldAddress, (byte*)old, Rlimits.Bytes) != 0)
                    return -Errno.EFAULT;
            }
            return 0;
        }

        private long Prctl(Process process, int option, ulong argument)
        {
            switch (option)
            {
                case PrGetName:
                    string name = process.Name.Length < CommBytes ? process.Name : process.Name.Substring(0, CommBytes - 1);
                    return CopyStringOut(process, name, argument, CommBytes, true) < 0 ? -Errno.EFAULT : 0;
                case PrSetName:
                    byte* bytes = stackalloc byte[CommBytes];
                    long length = _copier.StrncpyFromUser(process.Space, bytes, argument, CommBytes - 1);
                    if (length < 0)
                        return -Errno.EFAULT;
                    process.Rename(Latin1(bytes, (int)length));
                    return 0;
                default:
                    return -Errno.EINVAL;
            }
        }
    }
}
