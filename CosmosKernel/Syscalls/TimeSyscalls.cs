using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Time: clock_gettime, nanosleep and clock_nanosleep.
    public sealed unsafe partial class SyscallTable
    {
        // CLOCK_REALTIME (there is no RTC reading yet: it counts from boot, like the
        // monotonic clocks), CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME.
        private long ClockGettime(Process process, ulong clock, ulong timespec)
        {
            if (clock != ClockIds.Realtime && clock != ClockIds.Monotonic && clock != ClockIds.MonotonicRaw && clock != ClockIds.Boottime)
                return -Errno.EINVAL;
            ulong now = NowNanoseconds();
            ulong* value = stackalloc ulong[2];
            value[0] = now / 1000000000;
            value[1] = now % 1000000000;
            return _copier.CopyToUser(process.Space, timespec, (byte*)value, 16) == 0 ? 0 : -Errno.EFAULT;
        }

        private long Nanosleep(Process process, ulong request)
        {
            long nanoseconds = ReadTimespec(process, request);
            if (nanoseconds < 0)
                return nanoseconds;
            return SleepFor(nanoseconds);
        }

        // clock_nanosleep(clock, flags, request, remain): on CLOCK_REALTIME, _MONOTONIC or
        // _BOOTTIME (all three count from boot here, as clock_gettime's), for a duration
        // or until a deadline (TIMER_ABSTIME: one already past returns at once).
        // EOPNOTSUPP for the CPU-time clocks (Linux's for the thread's; the kernel keeps
        // no CPU times, so the process's too), EINVAL for another clock or flag. The
        // time left is not written back.
        private long ClockNanosleep(Process process, ulong clock, ulong flags, ulong request)
        {
            if (clock == ClockIds.ProcessCputime || clock == ClockIds.ThreadCputime)
                return -Errno.EOPNOTSUPP;
            if (clock != ClockIds.Realtime && clock != ClockIds.Monotonic && clock != ClockIds.Boottime)
                return -Errno.EINVAL;
            if ((flags & ~ClockIds.TimerAbstime) != 0)
                return -Errno.EINVAL;
            long nanoseconds = ReadTimespec(process, request);
            if (nanoseconds < 0)
                return nanoseconds;
            if ((flags & ClockIds.TimerAbstime) != 0)
            {
                long now = (long)NowNanoseconds();
                if (nanoseconds <= now)
                    return 0;
                nanoseconds -= now;
            }
            return SleepFor(nanoseconds);
        }

        // time(tloc): seconds of CLOCK_REALTIME, also written to tloc when it is not NULL.
        private long Time(Process process, ulong address)
        {
            long seconds = (long)(NowNanoseconds() / 1000000000);
            if (address != 0 && _copier.CopyToUser(process.Space, address, (byte*)&seconds, 8) != 0)
                return -Errno.EFAULT;
            return seconds;
        }

        private static ulong NowNanoseconds() => Platform.Clock.NowNanoseconds();

        private long SleepFor(long nanoseconds)
        {
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
