// poll: poll and ppoll with Linux's answers (issue 13, item 1): a pipe's read end is
// readable with bytes in it and hung up without writers, its write end writable with
// room and in error without readers; a closed descriptor is POLLNVAL, a negative one
// ignored; a timeout of 0 looks once; a wait ends when another thread writes, or with
// EINTR when a signal's handler runs; and the argument errors.
#include <signal.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define E(name) (-ABI_ERRNO_##name)
#define P(name) ABI_POLL_EVENTS_##name

struct pollfd { int fd; short events, revents; };

static int pipe_fds[2];
static volatile int handled;
static long main_tid;

static void handler(int signal) { (void)signal; handled = 1; }

static void nap(long milliseconds)
{
    long ts[2] = { 0, milliseconds * 1000000 };
    sys2(NR(NANOSLEEP), ts, 0);
}

static int late_writer(void *arg, unsigned long rflags)
{
    (void)arg;
    (void)rflags;
    nap(50);
    sys3(NR(WRITE), pipe_fds[1], "x", 1);
    return 0;
}

static int late_signal(void *arg, unsigned long rflags)
{
    (void)arg;
    (void)rflags;
    nap(50);
    sys3(NR(TGKILL), sys0(NR(GETPID)), main_tid, ABI_SIGNALS_USR1);
    return 0;
}

int main(void)
{
    check_begin("poll");
    sys1(NR(PIPE), pipe_fds);
    struct pollfd p[3] = { { pipe_fds[0], P(IN), -1 }, { pipe_fds[1], P(OUT), -1 }, { -1, P(IN), -1 } };
    check_long("an empty pipe: only the write end is ready", sys3(NR(POLL), p, 3, 0), 1);
    check_long("the read end: nothing", p[0].revents, 0);
    check_long("the write end: POLLOUT", p[1].revents, P(OUT));
    check_long("a negative fd: ignored, revents 0", p[2].revents, 0);
    sys3(NR(WRITE), pipe_fds[1], "ab", 2);
    check_long("bytes in it: both ends ready", sys3(NR(POLL), p, 2, 0), 2);
    check_long("the read end: POLLIN", p[0].revents, P(IN));
    p[0].events = P(OUT);
    check_long("POLLIN not asked for: not reported", sys3(NR(POLL), p, 1, 0), 0);
    p[0].events = P(IN);
    char buffer[8];
    sys3(NR(READ), pipe_fds[0], buffer, 2);

    struct thread t;
    thread_start(&t, late_writer, 0, 0);
    check_long("a wait ends when another thread writes", sys3(NR(POLL), p, 1, -1), 1);
    check_long("with POLLIN", p[0].revents, P(IN));
    thread_join(&t);
    sys3(NR(READ), pipe_fds[0], buffer, 1);
    check_long("a timeout of 30 ms passes with nothing ready", sys3(NR(POLL), p, 1, 30), 0);

    struct sigaction action = { 0 };
    action.sa_handler = handler; // musl's sigaction adds its restorer; no SA_RESTART (poll is not restarted anyway)
    sigaction(SIGUSR1, &action, 0);
    main_tid = sys0(NR(GETTID));
    thread_start(&t, late_signal, 0, 0);
    check_long("a signal's handler ends the wait: EINTR", sys3(NR(POLL), p, 1, -1), E(EINTR));
    check_long("the handler ran", handled, 1);
    thread_join(&t);

    sys1(NR(CLOSE), pipe_fds[1]);
    check_long("no writer left: the read end is hung up", sys3(NR(POLL), p, 1, 0) == 1 ? p[0].revents : -1, P(HANG_UP));
    p[0].events = 0;
    check_long("POLLHUP even when not asked for", sys3(NR(POLL), p, 1, 0) == 1 ? p[0].revents : -1, P(HANG_UP));
    int again[2];
    sys1(NR(PIPE), again);
    sys1(NR(CLOSE), again[0]);
    struct pollfd w = { again[1], P(OUT), 0 };
    check_long("no reader left: the write end is in error", sys3(NR(POLL), &w, 1, 0) == 1 ? w.revents : -1, P(OUT) | P(ERROR));
    struct pollfd closed = { 99, P(IN), 0 };
    check_long("a closed descriptor: POLLNVAL", sys3(NR(POLL), &closed, 1, 0) == 1 ? closed.revents : -1, P(INVALID));
    long fd = sys4(NR(OPENAT), ABI_OPEN_FLAGS_AT_FD_CWD, "/dev/console", 2, 0);
    struct pollfd console = { fd, P(OUT), 0 };
    check_long("the console is writable", sys3(NR(POLL), &console, 1, 0) == 1 ? console.revents : -1, P(OUT));

    check_long("no descriptors and no timeout: 0", sys3(NR(POLL), 0, 0, 0), 0);
    check_long("more than RLIMIT_NOFILE: EINVAL", sys3(NR(POLL), p, 1025, 0), E(EINVAL));
    check_long("a bad array: EFAULT", sys3(NR(POLL), 8, 1, 0), E(EFAULT));
    long bad_time[2] = { 0, 1000000000 };
    check_long("ppoll with 10^9 nanoseconds: EINVAL", sys4(NR(PPOLL), p, 1, bad_time, 0), E(EINVAL));
    long zero_time[2] = { 0, 0 };
    unsigned long mask = 0;
    check_long("ppoll with a zero timeout and a mask", sys(NR(PPOLL), (long)&w, 1, (long)zero_time, (long)&mask, 8, 0), 1);
    check_long("ppoll with a bad mask size: EINVAL", sys(NR(PPOLL), (long)&w, 1, (long)zero_time, (long)&mask, 4, 0), E(EINVAL));
    return check_done();
}
