using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Time: clock_gettime and nanosleep.
    public sealed unsafe partial class SyscallTable
    {
        // CLOCK_REALTIME (there is no RTC reading yet: it counts from boot, like the
        // monotonic clocks), CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME.
        private long ClockGettime(Process process, ulong clock, ulong timespec)
        {
            if (clock != ClockIds.Realtime && clock != ClockIds.Monotonic && clock != ClockIds.MonotonicRaw && clock != ClockIds.Boottime)
                return -Errno.EINVAL;
            ulong perSecond = Pit.TscPerSecond == 0 ? 1000000000 : Pit.TscPerSecond;
            ulong tsc = Native.ReadTimestampCounter();
            ulong* value = stackalloc ulong[2];
            value[0] = tsc / perSecond;
            value[1] = (tsc % perSecond) * 1000000000 / perSecond;
            return _copier.CopyToUser(process.Space, timespec, (byte*)value, 16) == 0 ? 0 : -Errno.EFAULT;
        }

        private long Nanosleep(Process process, ulong request)
        {
            long nanoseconds = ReadTimespec(process, request);
            if (nanoseconds < 0)
                return nanoseconds;
            // A signal for a handler ends the sleep (its sender wakes us; a wake before
            // the sleep began counts too). The time left is not written back (rem).
            UserThread me = _programs.CurrentThread;
            _scheduler.ForgetEarlierWake();
            if (!me.Interrupted)
                _scheduler.Sleep(NanosecondsToTicks((ulong)nanoseconds), honorEarlierWake: true);
            return me.Interrupted ? -Errno.EINTR : 0;
        }

        // A struct timespec as nanoseconds, or -EFAULT / -EINVAL.
        private long ReadTimespec(Process process, ulong address)
        {
            long* value = stackalloc long[2];
            if (_copier.CopyFromUser(process.Space, (byte*)value, address, 16) != 0)
                return -Errno.EFAULT;
            if (value[0] < 0 || value[1] < 0 || value[1] >= 1000000000 || value[0] > 1000000000)
                return -Errno.EINVAL;
            return value[0] * 1000000000 + value[1];
        }

        private ulong NanosecondsToTicks(ulong nanoseconds)
        {
            const ulong TickNanoseconds = 1000000000 / Scheduling.Scheduler.TickHz;
            return (nanoseconds + TickNanoseconds - 1) / TickNanoseconds;
        }
    }
}
