// jobctl: stopping and continuing processes as Linux does (issue 13, what a shell's
// ^Z, fg and bg need): SIGSTOP and SIGTSTP stop a child, wait4(WUNTRACED) reports it
// once, a stopped child runs no more, SIGCONT continues it and wait4(WCONTINUED)
// reports that once; a handled SIGTSTP does not stop; a process may stop itself;
// SIGKILL ends a stopped child, SIGTERM only once it is continued; SIGCHLD tells the
// parent of each change (SA_NOCLDSTOP: of the end only). Counts are compared, never timed: a child
// spinning in ring 3 counts in shared memory.
//
// The checks run in a child that leads a new session, as a shell does, and each job
// gets a process group of its own: Linux drops SIGTSTP left to its default in an
// orphaned group (no member's parent in another group of the same session), and a
// program the kernel starts is in one (on Linux, /init's children are).
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name

static volatile long *shared; // [0]: the spinning child's count; [1]: the handler ran

static void sleep_ms(long ms)
{
    long ts[2] = { 0, ms * 1000000L };
    sys2(NR(NANOSLEEP), ts, 0);
}

// A job: a child in a process group of its own (set by both, as shells do).
static long job(void)
{
    long child = sys0(NR(FORK));
    if (child == 0)
        sys2(NR(SETPGID), 0, 0);
    else
        sys2(NR(SETPGID), child, child);
    return child;
}

static long spinning_child(void)
{
    long child = job();
    if (child == 0)
        for (;;)
            shared[0]++;
    return child;
}

static void on_tstp(int signal) { (void)signal; shared[1] = 1; }

static volatile int chld_count;
static void on_chld(int signal) { (void)signal; chld_count++; }

// Until the SIGCHLD handler ran since `seen` (at most 2 s): whether it did.
static int chld_after(int seen)
{
    for (int i = 0; i < 200 && chld_count == seen; i++)
        sleep_ms(10);
    return chld_count != seen;
}

static int shell(void);

int main(void)
{
    shared = (volatile long *)sys6(NR(MMAP), 0, 4096, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_SHARED | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    long leader = sys0(NR(FORK));
    if (leader == 0)
    {
        sys0(NR(SETSID));
        sys1(NR(EXIT_GROUP), shell());
    }
    int status = -1;
    sys4(NR(WAIT4), leader, &status, 0, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// The checks, in a session leader (as a shell is): its result is the program's.
static int shell(void)
{
    check_begin("jobctl");
    check("shared memory", (long)shared > 0);
    int status = -1;

    long child = spinning_child();
    while (shared[0] == 0)
        sleep_ms(5);
    check_long("WUNTRACED | WNOHANG on a running child: nothing", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED | ABI_WAIT_STATUS_NO_HANG, 0), 0);
    check_long("SIGSTOP", sys2(NR(KILL), child, ABI_SIGNALS_STOP), 0);
    check_long("wait4(WUNTRACED) reports the stop", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED, 0), child);
    check("  WIFSTOPPED", WIFSTOPPED(status));
    check_long("  WSTOPSIG", WSTOPSIG(status), ABI_SIGNALS_STOP);
    check_long("  once", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED | ABI_WAIT_STATUS_NO_HANG, 0), 0);
    sleep_ms(50);
    long before = shared[0];
    sleep_ms(100);
    check("a stopped child counts no more", shared[0] == before);
    check_long("SIGCONT", sys2(NR(KILL), child, ABI_SIGNALS_CONT), 0);
    check_long("wait4(WCONTINUED) reports it", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_CONTINUED, 0), child);
    check("  WIFCONTINUED", WIFCONTINUED(status));
    check_long("  once", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_CONTINUED | ABI_WAIT_STATUS_NO_HANG, 0), 0);
    before = shared[0];
    for (int i = 0; i < 200 && shared[0] == before; i++)
        sleep_ms(10);
    check("the continued child counts again", shared[0] != before);
    check_long("SIGTSTP left to its default", sys2(NR(KILL), child, ABI_SIGNALS_TSTP), 0);
    check_long("  stops it too", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED, 0), child);
    check_long("  WSTOPSIG", WIFSTOPPED(status) ? WSTOPSIG(status) : -1, ABI_SIGNALS_TSTP);
    check_long("SIGTERM to the stopped child", sys2(NR(KILL), child, ABI_SIGNALS_TERM), 0);
    sleep_ms(50);
    check_long("  waits while it is stopped", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_NO_HANG, 0), 0);
    check_long("SIGCONT", sys2(NR(KILL), child, ABI_SIGNALS_CONT), 0);
    check_long("  then SIGTERM ends it", sys4(NR(WAIT4), child, &status, 0, 0), child);
    check_long("  WTERMSIG", WIFSIGNALED(status) ? WTERMSIG(status) : -1, ABI_SIGNALS_TERM);

    // A handled SIGTSTP runs its handler and stops nothing.
    long handled = job();
    if (handled == 0)
    {
        struct sigaction sa = { 0 };
        sa.sa_handler = on_tstp;
        sigaction(SIGTSTP, &sa, 0);
        shared[1] = 2; // ready
        while (shared[1] != 1)
            sleep_ms(5);
        sys1(NR(EXIT_GROUP), 5);
    }
    while (shared[1] != 2)
        sleep_ms(5);
    check_long("SIGTSTP to a child with a handler", sys2(NR(KILL), handled, ABI_SIGNALS_TSTP), 0);
    check_long("  its handler ran and it exited", sys4(NR(WAIT4), handled, &status, ABI_WAIT_STATUS_UNTRACED, 0), handled);
    check_long("  with its status, never stopped", WIFEXITED(status) ? WEXITSTATUS(status) : -1, 5);

    // A process stops itself; SIGCONT lets its kill() return.
    long self = job();
    if (self == 0)
    {
        long result = sys2(NR(KILL), sys0(NR(GETPID)), ABI_SIGNALS_STOP);
        sys1(NR(EXIT_GROUP), result == 0 ? 7 : 8);
    }
    check_long("a child that sends itself SIGSTOP stops", sys4(NR(WAIT4), self, &status, ABI_WAIT_STATUS_UNTRACED, 0), self);
    check("  WIFSTOPPED", WIFSTOPPED(status));
    check_long("SIGCONT", sys2(NR(KILL), self, ABI_SIGNALS_CONT), 0);
    check_long("  it goes on and exits", sys4(NR(WAIT4), self, &status, 0, 0), self);
    check_long("  its kill returned 0", WIFEXITED(status) ? WEXITSTATUS(status) : -1, 7);

    // SIGKILL ends a stopped child; SIGCONT to a running one changes nothing.
    child = spinning_child();
    check_long("SIGCONT to a running child", sys2(NR(KILL), child, ABI_SIGNALS_CONT), 0);
    check_long("  reports nothing", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_CONTINUED | ABI_WAIT_STATUS_NO_HANG, 0), 0);
    sys2(NR(KILL), child, ABI_SIGNALS_STOP);
    check_long("stopped again", sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED, 0), child);
    check_long("SIGKILL to the stopped child", sys2(NR(KILL), child, ABI_SIGNALS_KILL), 0);
    check_long("  ends it", sys4(NR(WAIT4), child, &status, 0, 0), child);
    check_long("  WTERMSIG", WIFSIGNALED(status) ? WTERMSIG(status) : -1, ABI_SIGNALS_KILL);

    // SIGCHLD tells the parent of a child's stop, continuing and end; under
    // SA_NOCLDSTOP only of its end.
    struct sigaction sc = { 0 };
    sc.sa_handler = on_chld;
    sc.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sc, 0);
    child = spinning_child();
    int seen = chld_count;
    sys2(NR(KILL), child, ABI_SIGNALS_STOP);
    sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED, 0);
    check("SIGCHLD when a child stops", chld_after(seen));
    seen = chld_count;
    sys2(NR(KILL), child, ABI_SIGNALS_CONT);
    check("SIGCHLD when it goes on", chld_after(seen));
    sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_CONTINUED, 0);
    sc.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sc, 0);
    sys2(NR(KILL), child, ABI_SIGNALS_STOP);
    sys4(NR(WAIT4), child, &status, ABI_WAIT_STATUS_UNTRACED, 0);
    sleep_ms(100);
    seen = chld_count;
    sleep_ms(100);
    check("none for a stop under SA_NOCLDSTOP", chld_count == seen);
    sys2(NR(KILL), child, ABI_SIGNALS_KILL);
    check("SIGCHLD when it ends", chld_after(seen));
    check_long("  reaped", sys4(NR(WAIT4), child, &status, 0, 0), child);
    sc.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sc, 0);

    // An orphaned process group (its one member's parent ended): SIGTSTP left to its
    // default is dropped there, as Linux does, so nothing stops with no shell to
    // continue it.
    long middle = job();
    if (middle == 0)
    {
        long orphan = sys0(NR(FORK));
        if (orphan == 0)
            for (;;)
                shared[2]++;
        shared[3] = orphan;
        sys1(NR(EXIT_GROUP), 0);
    }
    sys4(NR(WAIT4), middle, &status, 0, 0);
    long orphan = shared[3];
    check("an orphaned child", orphan > 0);
    check_long("SIGTSTP to it", sys2(NR(KILL), orphan, ABI_SIGNALS_TSTP), 0);
    sleep_ms(50);
    before = shared[2];
    for (int i = 0; i < 200 && shared[2] == before; i++)
        sleep_ms(10);
    check("  it goes on counting: not stopped", shared[2] != before);
    sys2(NR(KILL), orphan, ABI_SIGNALS_KILL);
    return check_done();
}
