// cputime: times, getrusage, clock_getres and the CPU-time clocks as Linux answers
// them (issue 13). A program that spins until its CPU-time clock shows 100 ms sees
// that time in getrusage and times; its reaped child's spin shows in wait4's rusage,
// RUSAGE_CHILDREN and tms_cutime; a sleep on the process's CPU-time clock ends once
// another thread has used that much. Bounds only, never a timing: a spin ends on the
// CPU-time clock itself (or gives up after 60 s of wall time, a failed check).
#include <sys/auxv.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define MS 1000000L

static long clock_ns(long clock)
{
    long ts[2] = { 0, 0 };
    if (sys2(NR(CLOCK_GETTIME), clock, ts) != 0)
        return -1;
    return ts[0] * 1000000000L + ts[1];
}

// Burn user-mode CPU time until `clock` has gone `ns` past `from` (0: reached).
static int spin_until(long clock, long from, long ns)
{
    long give_up = clock_ns(ABI_CLOCK_IDS_MONOTONIC) + 60000 * MS;
    volatile unsigned long sink = 1;
    while (clock_ns(clock) - from < ns)
    {
        for (int i = 0; i < 200000; i++)
            sink = sink * 6364136223846793005UL + 1442695040888963407UL;
        if (clock_ns(ABI_CLOCK_IDS_MONOTONIC) > give_up)
            return -1;
    }
    return 0;
}

// struct rusage as longs: ru_utime (sec, usec), ru_stime (sec, usec), 14 more.
static long rusage_user_ns(const long *ru) { return ru[0] * 1000000000L + ru[1] * 1000; }
static long rusage_system_ns(const long *ru) { return ru[2] * 1000000000L + ru[3] * 1000; }

static volatile int stop_spinning;

static int spinner(void *arg, unsigned long rflags)
{
    (void)arg; (void)rflags;
    long give_up = clock_ns(ABI_CLOCK_IDS_MONOTONIC) + 60000 * MS;
    volatile unsigned long sink = 1;
    while (!__atomic_load_n(&stop_spinning, __ATOMIC_ACQUIRE) && clock_ns(ABI_CLOCK_IDS_MONOTONIC) < give_up)
        for (int i = 0; i < 100000; i++)
            sink = sink * 6364136223846793005UL + 1442695040888963407UL;
    return 0;
}

int main(void)
{
    check_begin("cputime");
    long ru[ABI_RUSAGE_BYTES / 8];
    long tms[ABI_RUSAGE_TMS_BYTES / 8];

    check_long("sysconf(_SC_CLK_TCK)'s source, AT_CLKTCK, is USER_HZ", (long)getauxval(AT_CLKTCK), ABI_RUSAGE_USER_HZ);
    check("times(NULL) returns a tick count, not an error", sys1(NR(TIMES), 0) >= 0);
    check_long("no child reaped yet: RUSAGE_CHILDREN", sys2(NR(GETRUSAGE), ABI_RUSAGE_CHILDREN, ru), 0);
    check_long("  its times are 0", rusage_user_ns(ru) + rusage_system_ns(ru), 0);

    // This process spins 100 ms of its own CPU time.
    long start = clock_ns(ABI_CLOCK_IDS_PROCESS_CPUTIME);
    check("CLOCK_PROCESS_CPUTIME_ID reads", start >= 0);
    check_long("a 100 ms spin on the process's CPU-time clock ends", spin_until(ABI_CLOCK_IDS_PROCESS_CPUTIME, start, 100 * MS), 0);
    check("CLOCK_THREAD_CPUTIME_ID shows the spin too", clock_ns(ABI_CLOCK_IDS_THREAD_CPUTIME) >= 100 * MS);
    check_long("getrusage(RUSAGE_SELF)", sys2(NR(GETRUSAGE), ABI_RUSAGE_SELF, ru), 0);
    check("  user + system time >= the spin", rusage_user_ns(ru) + rusage_system_ns(ru) >= 99 * MS);
    check("  microseconds below a second", ru[1] >= 0 && ru[1] < 1000000 && ru[3] >= 0 && ru[3] < 1000000);
    long self_ns = rusage_user_ns(ru) + rusage_system_ns(ru);
    check_long("getrusage(RUSAGE_THREAD)", sys2(NR(GETRUSAGE), ABI_RUSAGE_THREAD, ru), 0);
    check("  the one thread did it all", rusage_user_ns(ru) + rusage_system_ns(ru) >= 99 * MS);
    check("times(buf) returns a tick count", sys1(NR(TIMES), tms) >= 0);
    check("  tms_utime + tms_stime: at least 9 ticks of 10 ms", tms[0] + tms[1] >= 9);
    check("  and no more than getrusage said, and 1 s more", (tms[0] + tms[1]) * 10 * MS <= self_ns + 1000 * MS);
    check_long("  tms_cutime, no child reaped yet", tms[2] + tms[3], 0);

    // A child spins 100 ms; its parent sees it once it reaped it.
    long child = sys0(NR(FORK));
    if (child == 0)
    {
        long from = clock_ns(ABI_CLOCK_IDS_PROCESS_CPUTIME);
        sys1(NR(EXIT_GROUP), from < 0 || from > 50 * MS ? 2 : spin_until(ABI_CLOCK_IDS_PROCESS_CPUTIME, from, 100 * MS) == 0 ? 0 : 3);
    }
    check("fork", child > 0);
    int status = -1;
    check_long("wait4 with a rusage", sys4(NR(WAIT4), child, &status, 0, ru), child);
    check_long("  the child started near 0 CPU time and spun 100 ms", status, 0);
    check("  its rusage holds the spin", rusage_user_ns(ru) + rusage_system_ns(ru) >= 99 * MS);
    check_long("getrusage(RUSAGE_CHILDREN)", sys2(NR(GETRUSAGE), ABI_RUSAGE_CHILDREN, ru), 0);
    check("  holds the reaped child's spin", rusage_user_ns(ru) + rusage_system_ns(ru) >= 99 * MS);
    sys1(NR(TIMES), tms);
    check("  so does tms_cutime + tms_cstime", tms[2] + tms[3] >= 9);

    // clock_nanosleep on the process's CPU-time clock: another thread spins meanwhile.
    struct thread t;
    check("a spinning thread", thread_start(&t, spinner, 0, 0) > 0);
    long fifty[2] = { 0, 50 * MS };
    long before = clock_ns(ABI_CLOCK_IDS_PROCESS_CPUTIME);
    check_long("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID) 50 ms", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_PROCESS_CPUTIME, 0, fifty, 0), 0);
    check("  the process used 50 ms meanwhile", clock_ns(ABI_CLOCK_IDS_PROCESS_CPUTIME) - before >= 50 * MS);
    long deadline = clock_ns(ABI_CLOCK_IDS_PROCESS_CPUTIME) + 30 * MS;
    long until[2] = { deadline / 1000000000L, deadline % 1000000000L };
    check_long("  to a deadline (TIMER_ABSTIME)", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_PROCESS_CPUTIME, ABI_CLOCK_IDS_TIMER_ABSTIME, until, 0), 0);
    check("  the deadline has passed", clock_ns(ABI_CLOCK_IDS_PROCESS_CPUTIME) >= deadline);
    __atomic_store_n(&stop_spinning, 1, __ATOMIC_RELEASE);
    thread_join(&t);
    check_long("getrusage(RUSAGE_SELF) after the thread ended", sys2(NR(GETRUSAGE), ABI_RUSAGE_SELF, ru), 0);
    check("  keeps the ended thread's time", rusage_user_ns(ru) + rusage_system_ns(ru) >= self_ns + 80 * MS);

    // Resolutions and errors.
    long res[2] = { -1, -1 };
    check_long("clock_getres(CLOCK_MONOTONIC, NULL)", sys2(NR(CLOCK_GETRES), ABI_CLOCK_IDS_MONOTONIC, 0), 0);
    check_long("clock_getres(CLOCK_MONOTONIC)", sys2(NR(CLOCK_GETRES), ABI_CLOCK_IDS_MONOTONIC, res), 0);
    check("  at most 1 ms", res[0] == 0 && res[1] > 0 && res[1] <= 1 * MS);
    check_long("clock_getres(CLOCK_PROCESS_CPUTIME_ID)", sys2(NR(CLOCK_GETRES), ABI_CLOCK_IDS_PROCESS_CPUTIME, res), 0);
    check("  at most a 10 ms tick", res[0] == 0 && res[1] > 0 && res[1] <= 10 * MS);
    check_long("clock_getres of an unknown clock", sys2(NR(CLOCK_GETRES), 99, res), -ABI_ERRNO_EINVAL);
    check_long("clock_getres into an unmapped page", sys2(NR(CLOCK_GETRES), ABI_CLOCK_IDS_MONOTONIC, 16), -ABI_ERRNO_EFAULT);
    check_long("getrusage of an unknown who", sys2(NR(GETRUSAGE), 5, ru), -ABI_ERRNO_EINVAL);
    check_long("getrusage(RUSAGE_BOTH) is not for user space", sys2(NR(GETRUSAGE), -2, ru), -ABI_ERRNO_EINVAL);
    check_long("getrusage into an unmapped page", sys2(NR(GETRUSAGE), ABI_RUSAGE_SELF, 16), -ABI_ERRNO_EFAULT);
    check_long("times into an unmapped page", sys1(NR(TIMES), 16), -ABI_ERRNO_EFAULT);
    check_long("clock_gettime(CLOCK_THREAD_CPUTIME_ID) into an unmapped page", sys2(NR(CLOCK_GETTIME), ABI_CLOCK_IDS_THREAD_CPUTIME, 16), -ABI_ERRNO_EFAULT);
    return check_done();
}
