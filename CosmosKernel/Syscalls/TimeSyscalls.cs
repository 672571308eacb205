using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Time: clock_gettime, clock_getres, nanosleep and clock_nanosleep (the CPU-time
    // clocks and times/getrusage: CpuTimeSyscalls.cs).
    public sealed unsafe partial class SyscallTable
    {
        // CLOCK_REALTIME (there is no RTC reading yet: it counts from boot, like the
        // monotonic clocks), CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, and
        // the process's and the thread's CPU time.
        private long ClockGettime(Process process, ulong clock, ulong timespec)
        {
            long now;
            if (IsWallClock(clock))
                now = (long)NowNanoseconds();
            else if (clock == ClockIds.ProcessCputime || clock == ClockIds.ThreadCputime)
                now = CpuClockNanoseconds(process, clock);
            else
                return -Errno.EINVAL;
            return CopyTimespecToUser(process, timespec, now);
        }

        // clock_getres(clock, res): 1 ns for the clocks read from the TSC (as Linux's
        // high-resolution clocks), a timer tick for the sampled CPU-time clocks. A
        // NULL res only checks the clock.
        private long ClockGetres(Process process, ulong clock, ulong timespec)
        {
            long resolution;
            if (IsWallClock(clock))
                resolution = 1;
            else if (clock == ClockIds.ProcessCputime || clock == ClockIds.ThreadCputime)
                resolution = CpuTimes.NanosecondsPerTick;
            else
                return -Errno.EINVAL;
            return timespec == 0 ? 0 : CopyTimespecToUser(process, timespec, resolution);
        }

        private static bool IsWallClock(ulong clock)
            => clock == ClockIds.Realtime || clock == ClockIds.Monotonic || clock == ClockIds.MonotonicRaw || clock == ClockIds.Boottime;

        private long CopyTimespecToUser(Process process, ulong address, long nanoseconds)
        {
            long* value = stackalloc long[2];
            value[0] = nanoseconds / 1000000000;
            value[1] = nanoseconds % 1000000000;
            return _copier.CopyToUser(process.Space, address, (byte*)value, 16) == 0 ? 0 : -Errno.EFAULT;
        }

        private long Nanosleep(Process process, ulong request, ulong remain)
        {
            long nanoseconds = ReadTimespec(process, request);
            if (nanoseconds < 0)
                return nanoseconds;
            return SleepWritingRemain(process, nanoseconds, remain);
        }

        // A relative sleep; when a signal's handler ends it (EINTR), the time left goes
        // to `remain` if it is not NULL (EFAULT if it cannot), as Linux's nanosleep and
        // relative clock_nanosleep do.
        private long SleepWritingRemain(Process process, long nanoseconds, ulong remain)
        {
            long end = (long)NowNanoseconds() + nanoseconds;
            long result = SleepFor(nanoseconds);
            if (result != -Errno.EINTR || remain == 0)
                return result;
            long left = end - (long)NowNanoseconds();
            return CopyTimespecToUser(process, remain, left > 0 ? left : 0) == 0 ? result : -Errno.EFAULT;
        }

        // clock_nanosleep(clock, flags, request, remain): on CLOCK_REALTIME, _MONOTONIC or
        // _BOOTTIME (all three count from boot here, as clock_gettime's), for a duration
        // or until a deadline (TIMER_ABSTIME: one already past returns at once); on the
        // process's CPU-time clock, until its other threads used that much CPU time
        // (CpuTimeSyscalls.cs). EOPNOTSUPP for the thread's CPU-time clock (Linux's),
        // EINVAL for another clock or flag. The time left of a relative sleep a signal
        // ended goes to `remain`.
        private long ClockNanosleep(Process process, ulong clock, ulong flags, ulong request, ulong remain)
        {
            if (clock == ClockIds.ThreadCputime)
                return -Errno.EOPNOTSUPP;
            if (clock != ClockIds.Realtime && clock != ClockIds.Monotonic && clock != ClockIds.Boottime && clock != ClockIds.ProcessCputime)
                return -Errno.EINVAL;
            if ((flags & ~ClockIds.TimerAbstime) != 0)
                return -Errno.EINVAL;
            long nanoseconds = ReadTimespec(process, request);
            if (nanoseconds < 0)
                return nanoseconds;
            if (clock == ClockIds.ProcessCputime)
                return SleepOnProcessCpuClock(process, nanoseconds, (flags & ClockIds.TimerAbstime) != 0);
            if ((flags & ClockIds.TimerAbstime) != 0)
            {
                long now = (long)NowNanoseconds();
                if (nanoseconds <= now)
                    return 0;
                return SleepFor(nanoseconds - now);
            }
            return SleepWritingRemain(process, nanoseconds, remain);
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
            // the sleep began counts too).
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
