using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // futex: FUTEX_WAIT and FUTEX_WAKE (Processes/Futexes keeps the queues).
    public sealed unsafe partial class SyscallTable
    {
        private long Futex(Process process, ulong address, ulong operation, ulong value, ulong timeout)
        {
            int op = (int)(operation & ~(ulong)(FutexOps.PrivateFlag | FutexOps.ClockRealtime));
            if (operation > 0xFFFF)
                return -Errno.ENOSYS;
            if (op == FutexOps.Wait)
            {
                ulong ticks = Futexes.NoTimeout;
                if (timeout != 0)
                {
                    long nanoseconds = ReadTimespec(process, timeout);
                    if (nanoseconds < 0)
                        return nanoseconds;
                    ticks = NanosecondsToTicks((ulong)nanoseconds);
                }
                return _futexes.Wait(process.Space, address, (int)value, ticks);
            }
            if (op == FutexOps.Wake)
            {
                long error = _futexes.CheckWakeAddress(process.Space, address, shared: (operation & FutexOps.PrivateFlag) == 0);
                if (error != 0)
                    return error;
                return _futexes.Wake(process.Space, address, value > int.MaxValue ? int.MaxValue : (int)value);
            }
            return -Errno.ENOSYS;
        }
    }
}
