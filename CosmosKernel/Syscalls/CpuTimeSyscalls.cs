using CosmosKernel.Abi;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // CPU time: times, getrusage, and the CPU-time clocks (clock_gettime's, and the
    // process clock's clock_nanosleep). The times are timer-tick samples
    // (Processes/CpuTimes.cs): good to 10 ms, as Linux's tick-based accounting.
    public sealed unsafe partial class SyscallTable
    {
        // times(buf): struct tms (the process's user and system time, its reaped
        // children's) in USER_HZ ticks when buf is not NULL; returns the ticks since
        // boot (Linux's count starts elsewhere: only differences mean anything).
        private long Times(Process process, ulong buffer)
        {
            if (buffer != 0)
            {
                CpuTimes own = _programs.TimesOf(process), children = _programs.ChildTimesOf(process);
                long* tms = stackalloc long[4];
                tms[0] = ToUserHz(own.UserNanoseconds);
                tms[1] = ToUserHz(own.SystemNanoseconds);
                tms[2] = ToUserHz(children.UserNanoseconds);
                tms[3] = ToUserHz(children.SystemNanoseconds);
                if (_copier.CopyToUser(process.Space, buffer, (byte*)tms, Rusage.TmsBytes) != 0)
                    return -Errno.EFAULT;
            }
            return ToUserHz((long)NowNanoseconds());
        }

        private static long ToUserHz(long nanoseconds) => nanoseconds / (1000000000 / Rusage.UserHz);

        // getrusage(who, usage): RUSAGE_SELF (all the process's threads, ended ones
        // too), RUSAGE_CHILDREN (the children it reaped, and theirs), RUSAGE_THREAD (the
        // caller). EINVAL for another who, EFAULT for an unwritable usage.
        private long Getrusage(Process process, int who, ulong usage)
        {
            CpuTimes times;
            if (who == Rusage.Self)
                times = _programs.TimesOf(process);
            else if (who == Rusage.Children)
                times = _programs.ChildTimesOf(process);
            else if (who == Rusage.Thread)
                times = CpuTimes.Of(_scheduler.Current);
            else
                return -Errno.EINVAL;
            return _programs.CopyRusageToUser(process.Space, usage, times) ? 0 : -Errno.EFAULT;
        }

        // CLOCK_PROCESS_CPUTIME_ID or CLOCK_THREAD_CPUTIME_ID now, in nanoseconds.
        private long CpuClockNanoseconds(Process process, ulong clock)
            => clock == ClockIds.ThreadCputime ? CpuTimes.Of(_scheduler.Current).TotalNanoseconds
                : _programs.TimesOf(process).TotalNanoseconds;

        // clock_nanosleep on CLOCK_PROCESS_CPUTIME_ID: sleep a tick at a time until the
        // process's CPU time reaches the deadline (its other threads must use it; a
        // process with none sleeps until a signal, as on Linux). EINTR on a signal.
        private long SleepOnProcessCpuClock(Process process, long nanoseconds, bool absolute)
        {
            long deadline = absolute ? nanoseconds : CpuClockNanoseconds(process, ClockIds.ProcessCputime) + nanoseconds;
            while (CpuClockNanoseconds(process, ClockIds.ProcessCputime) < deadline)
            {
                long slept = SleepFor(CpuTimes.NanosecondsPerTick);
                if (slept != 0)
                    return slept;
            }
            return 0;
        }
    }
}
