// pgroups: process groups and sessions as Linux keeps them (issue 13): a program the
// kernel starts is in session 0 and group 0 (Linux's /init), fork keeps both,
// setsid and setpgid with their errnos, getpgid/getpgrp/getsid, kill(0) and
// kill(-pgid) reach a group and no one else, wait4 on a group (0 and -pgid), wait4's
// options (WUNTRACED and WCONTINUED accepted, unknown bits EINVAL, __WCLONE finds no
// forked child) and its rusage argument.
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name

static void sleep_ms(long ms)
{
    long ts[2] = { 0, ms * 1000000 };
    sys2(NR(NANOSLEEP), ts, 0);
}

// A child that waits to be killed (reading a pipe nobody writes), or exits with
// `status` once the pipe's write end is closed by everyone (the child closes its copy).
static long child_reading(int *fds, int status, int own_group)
{
    int fd = fds[0];
    long child = sys0(NR(FORK));
    if (child == 0) {
        sys1(NR(CLOSE), fds[1]);
        if (own_group)
            sys2(NR(SETPGID), 0, 0);
        char c;
        sys3(NR(READ), fd, &c, 1);
        sys1(NR(EXIT_GROUP), status);
    }
    return child;
}

int main(void)
{
    check_begin("pgroups");
    long me = sys0(NR(GETPID));
    check_long("a program the kernel starts is in group 0", sys1(NR(GETPGID), 0), 0);
    check_long("getpgrp", sys0(NR(GETPGRP)), 0);
    check_long("and in session 0", sys1(NR(GETSID), 0), 0);
    check_long("getpgid of itself by pid", sys1(NR(GETPGID), me), 0);
    check_long("getpgid of no such process", sys1(NR(GETPGID), 999999), -ABI_ERRNO_ESRCH);
    check_long("getsid of no such process", sys1(NR(GETSID), 999999), -ABI_ERRNO_ESRCH);
    check_long("getpgid(-1)", sys1(NR(GETPGID), -1), -ABI_ERRNO_ESRCH);

    check_long("setsid makes a session", sys0(NR(SETSID)), me);
    check_long("led by it", sys1(NR(GETSID), 0), me);
    check_long("with a group of its own", sys1(NR(GETPGID), 0), me);
    check_long("setsid again: it leads a group", sys0(NR(SETSID)), -ABI_ERRNO_EPERM);
    check_long("setpgid of a session leader", sys2(NR(SETPGID), 0, 0), -ABI_ERRNO_EPERM);
    check_long("setpgid to a negative group", sys2(NR(SETPGID), 0, -1), -ABI_ERRNO_EINVAL);
    check_long("setpgid of no such process", sys2(NR(SETPGID), 999999, 0), -ABI_ERRNO_ESRCH);

    int fds[2];
    if (!check_long("pipe", sys1(NR(PIPE), fds), 0))
        return check_done();
    long a = child_reading(fds, 1, 0);
    long b = child_reading(fds, 2, 0);
    check("two children", a > 0 && b > 0);
    check_long("a child is in its parent's group", sys1(NR(GETPGID), a), me);
    check_long("and session", sys1(NR(GETSID), a), me);
    check_long("setpgid of a child into a group of its own", sys2(NR(SETPGID), a, 0), 0);
    check_long("it reads back", sys1(NR(GETPGID), a), a);
    check_long("the other child joins that group", sys2(NR(SETPGID), b, a), 0);
    check_long("it reads back", sys1(NR(GETPGID), b), a);
    check_long("setpgid into a group that does not exist", sys2(NR(SETPGID), b, 999999), -ABI_ERRNO_EPERM);

    long c = child_reading(fds, 3, 0);
    check("a third child, left in the parent's group", c > 0);
    int status = -1;
    check_long("wait4(0) with WNOHANG: a child in the group, not ended", sys4(NR(WAIT4), 0, &status, ABI_WAIT_STATUS_NO_HANG, 0), 0);
    check_long("wait4 of the other group with WNOHANG", sys4(NR(WAIT4), -a, &status, ABI_WAIT_STATUS_NO_HANG, 0), 0);
    check_long("wait4 of a group with no child of ours", sys4(NR(WAIT4), -999999, &status, ABI_WAIT_STATUS_NO_HANG, 0), -ABI_ERRNO_ECHILD);
    check_long("wait4 with an unknown option", sys4(NR(WAIT4), -1, &status, 0x100, 0), -ABI_ERRNO_EINVAL);
    check_long("wait4 with __WCLONE finds no forked child", sys4(NR(WAIT4), -1, &status, ABI_WAIT_STATUS_NO_HANG | ABI_WAIT_STATUS_CLONE, 0), -ABI_ERRNO_ECHILD);
    check_long("WUNTRACED | WCONTINUED are accepted", sys4(NR(WAIT4), -1, &status,
        ABI_WAIT_STATUS_NO_HANG | ABI_WAIT_STATUS_UNTRACED | ABI_WAIT_STATUS_CONTINUED, 0), 0);

    // kill(-a) ends the group {a, b}, not c.
    check_long("kill(-pgid, SIGTERM)", sys2(NR(KILL), -a, 15), 0);
    long got[2] = { 0, 0 };
    int statuses[2] = { -1, -1 };
    got[0] = sys4(NR(WAIT4), -a, &statuses[0], 0, 0);
    got[1] = sys4(NR(WAIT4), -a, &statuses[1], 0, 0);
    check("wait4(-pgid) reaps both of that group", (got[0] == a && got[1] == b) || (got[0] == b && got[1] == a));
    check_long("the first ended by SIGTERM", statuses[0] & 0x7f, 15);
    check_long("the second ended by SIGTERM", statuses[1] & 0x7f, 15);
    check_long("the group is gone", sys2(NR(KILL), -a, 0), -ABI_ERRNO_ESRCH);
    check_long("the third child was not in it", sys2(NR(KILL), c, 0), 0);
    check_long("wait4(0) still finds it running", sys4(NR(WAIT4), 0, &status, ABI_WAIT_STATUS_NO_HANG, 0), 0);

    // The third child ends by its status when the pipe's last writer closes; wait4(0)
    // reaps it and writes its rusage (cputime.c checks the times in it).
    sys1(NR(CLOSE), fds[1]);
    unsigned long usage[18];
    for (int i = 0; i < 18; i++)
        usage[i] = ~0UL;
    check_long("wait4(0) reaps the third child", sys4(NR(WAIT4), 0, &status, 0, usage), c);
    check_long("with its status", status, 3 << 8);
    check("the rusage was written", usage[17] != ~0UL);

    // kill(0) reaches the caller's own group: a child that moved to a group
    // of its own is not hit, one left in ours is, and so are we (we ignore SIGTERM
    // from here on: on Linux /init would anyway, here we are not pid 1).
    int p2[2];
    sys1(NR(PIPE), p2);
    long d = child_reading(p2, 4, 1);
    long e = child_reading(p2, 5, 0);
    sleep_ms(30); // d has moved to its own group
    check_long("d is in a group of its own", sys1(NR(GETPGID), d), d);
    unsigned long ignore[4] = { 1, 0, 0, 0 };
    check_long("SIGTERM ignored here", sys4(NR(RT_SIGACTION), 15, ignore, 0, 8), 0);
    check_long("kill(0, 0) finds our group", sys2(NR(KILL), 0, 0), 0);
    // kill(0), not kill(-me): on Linux this is pid 1, and kill(-1) is everyone.
    check_long("kill(0, SIGTERM) reaches e in our group", sys2(NR(KILL), 0, 15), 0);
    status = -1;
    check_long("e is reaped", sys4(NR(WAIT4), e, &status, 0, 0), e);
    check_long("ended by SIGTERM", status & 0x7f, 15);
    check_long("d was not hit", sys2(NR(KILL), d, 0), 0);
    sys2(NR(KILL), d, 9);
    check_long("d is reaped after SIGKILL", sys4(NR(WAIT4), d, &status, 0, 0), d);
    check_long("ended by SIGKILL", status & 0x7f, 9);
    return check_done();
}
