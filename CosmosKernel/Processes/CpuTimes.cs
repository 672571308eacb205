using System.Threading;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Processes
{
    // User and system CPU time, in timer ticks (Scheduler.TickHz a second): of a
    // thread, a process, or the children a process reaped. The ticks are samples
    // (Scheduler.ChargeTick), so a time is good to a tick, as Linux's tick-based
    // accounting: times(2), getrusage(2) and the CPU-time clocks report it.
    public struct CpuTimes
    {
        public long UserTicks, SystemTicks;

        public CpuTimes(long userTicks, long systemTicks)
        {
            UserTicks = userTicks;
            SystemTicks = systemTicks;
        }

        // A thread's so far (racy while it runs on another CPU: each count is read whole).
        public static CpuTimes Of(KernelThread thread)
            => new CpuTimes(Volatile.Read(ref thread.UserTicks), Volatile.Read(ref thread.SystemTicks));

        public static CpuTimes operator +(CpuTimes a, CpuTimes b)
            => new CpuTimes(a.UserTicks + b.UserTicks, a.SystemTicks + b.SystemTicks);

        public const long NanosecondsPerTick = 1000000000 / Scheduler.TickHz;

        public long UserNanoseconds => UserTicks * NanosecondsPerTick;
        public long SystemNanoseconds => SystemTicks * NanosecondsPerTick;
        public long TotalNanoseconds => UserNanoseconds + SystemNanoseconds;
    }
}
