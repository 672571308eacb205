// clocks: clock_gettime, nanosleep and clock_nanosleep as Linux answers them
// (issue 13): a sleep never ends before its time (a lower bound, not a timing), a
// TIMER_ABSTIME deadline is reached, one in the past returns at once; bad clocks,
// flags and timespecs are EINVAL or EFAULT.
#include <signal.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name

static long now_ns(long clock)
{
    long ts[2] = { 0, 0 };
    sys2(NR(CLOCK_GETTIME), clock, ts);
    return ts[0] * 1000000000L + ts[1];
}

// A thread that sends SIGUSR1 to the main thread every 20 ms until told to stop:
// the main thread's sleep is interrupted whenever it began.
static volatile int main_tid, poking;
static volatile int pokes_seen;

static void on_usr1(int signal) { (void)signal; pokes_seen++; }

static int poker(void *arg, unsigned long rflags)
{
    (void)arg; (void)rflags;
    long twenty_ms[2] = { 0, 20000000 };
    while (__atomic_load_n(&poking, __ATOMIC_ACQUIRE))
    {
        sys2(NR(NANOSLEEP), twenty_ms, 0);
        sys3(NR(TGKILL), sys0(NR(GETPID)), main_tid, SIGUSR1);
    }
    return 0;
}

// A 2 s sleep that a handler interrupts: EINTR, and the time left in rem.
static void interrupted_sleeps(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    main_tid = sys0(NR(GETTID));
    poking = 1;
    struct thread t;
    check("a thread that sends signals", thread_start(&t, poker, 0, 0) > 0);
    long two_s[2] = { 2, 0 };
    long rem[2] = { -1, -1 };
    check_long("nanosleep that a handler interrupts: EINTR", sys2(NR(NANOSLEEP), two_s, rem), -ABI_ERRNO_EINTR);
    check("  the handler ran", pokes_seen > 0);
    check("  rem holds the time left: under 2 s, a valid timespec",
          rem[0] >= 0 && rem[0] <= 2 && rem[1] >= 0 && rem[1] < 1000000000 && (rem[0] < 2 || rem[1] == 0));
    check("  and not all of it gone", rem[0] > 0 || rem[1] > 0);
    rem[0] = rem[1] = -1;
    check_long("clock_nanosleep(CLOCK_MONOTONIC), interrupted: EINTR", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, 0, two_s, rem), -ABI_ERRNO_EINTR);
    check("  rem holds the time left", rem[0] >= 0 && rem[0] <= 2 && rem[1] >= 0 && rem[1] < 1000000000 && (rem[0] > 0 || rem[1] > 0));
    check_long("nanosleep with rem in an unmapped page, interrupted: EFAULT", sys2(NR(NANOSLEEP), two_s, 16), -ABI_ERRNO_EFAULT);
    __atomic_store_n(&poking, 0, __ATOMIC_RELEASE);
    thread_join(&t);
}

int main(void)
{
    check_begin("clocks");
    long a = now_ns(ABI_CLOCK_IDS_MONOTONIC), b = now_ns(ABI_CLOCK_IDS_MONOTONIC);
    check("CLOCK_MONOTONIC does not go back", b >= a);

    long ten_ms[2] = { 0, 10000000 };
    long start = now_ns(ABI_CLOCK_IDS_MONOTONIC);
    check_long("nanosleep 10 ms", sys2(NR(NANOSLEEP), ten_ms, 0), 0);
    check("it slept at least 10 ms", now_ns(ABI_CLOCK_IDS_MONOTONIC) - start >= 10000000);

    start = now_ns(ABI_CLOCK_IDS_MONOTONIC);
    check_long("clock_nanosleep(CLOCK_MONOTONIC) 10 ms", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, 0, ten_ms, 0), 0);
    check("it slept at least 10 ms", now_ns(ABI_CLOCK_IDS_MONOTONIC) - start >= 10000000);

    long deadline = now_ns(ABI_CLOCK_IDS_MONOTONIC) + 20000000;
    long until[2] = { deadline / 1000000000L, deadline % 1000000000L };
    check_long("clock_nanosleep to a deadline (TIMER_ABSTIME)", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, ABI_CLOCK_IDS_TIMER_ABSTIME, until, 0), 0);
    check("the deadline has passed", now_ns(ABI_CLOCK_IDS_MONOTONIC) >= deadline);
    long past[2] = { 0, 1 };
    check_long("a deadline in the past returns at once", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, ABI_CLOCK_IDS_TIMER_ABSTIME, past, 0), 0);
    long realtime_deadline = now_ns(ABI_CLOCK_IDS_REALTIME) + 10000000;
    long until_rt[2] = { realtime_deadline / 1000000000L, realtime_deadline % 1000000000L };
    check_long("on CLOCK_REALTIME too", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_REALTIME, ABI_CLOCK_IDS_TIMER_ABSTIME, until_rt, 0), 0);
    check("its deadline has passed", now_ns(ABI_CLOCK_IDS_REALTIME) >= realtime_deadline);

    check_long("an unknown clock", sys4(NR(CLOCK_NANOSLEEP), 99, 0, ten_ms, 0), -ABI_ERRNO_EINVAL);
    check_long("the thread CPU-time clock", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_THREAD_CPUTIME, 0, ten_ms, 0), -ABI_ERRNO_EOPNOTSUPP);
    long bad[2] = { 0, 1000000000 };
    check_long("tv_nsec of a second", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, 0, bad, 0), -ABI_ERRNO_EINVAL);
    long negative[2] = { -1, 0 };
    check_long("a negative time", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, 0, negative, 0), -ABI_ERRNO_EINVAL);
    check_long("a timespec in an unmapped page", sys4(NR(CLOCK_NANOSLEEP), ABI_CLOCK_IDS_MONOTONIC, 0, 16, 0), -ABI_ERRNO_EFAULT);
    interrupted_sleeps();
    return check_done();
}
