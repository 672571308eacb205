// exec: execve with Linux's answers (issue 13, item 1). The program runs itself again:
// a forked child sets up descriptors (one close-on-exec), a caught and an ignored
// signal, a working directory and a umask, then execs this file with argv[1] =
// "exec-child"; the new program checks what it kept and what it lost, and exits 0
// when all is as on Linux. The errors: ENOENT, EACCES for a directory and for a file
// nobody may run, ENOEXEC for a file that is no program, EFAULT for bad pointers.
//
// This file is /init on Linux and /modules/exec on CosmosKernel.
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define E(name) (-ABI_ERRNO_##name)
#define CWD ABI_OPEN_FLAGS_AT_FD_CWD

struct kaction { unsigned long handler, flags, restorer, mask; };

static void handler(int signal) { (void)signal; }
static void restorer(void) { }

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static long number(const char *s)
{
    long n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}

static void digits(char *out, long n)
{
    char reversed[24];
    int count = 0;
    do
        reversed[count++] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    while (count > 0)
        *out++ = reversed[--count];
    *out = 0;
}

static unsigned long handler_of(int signal)
{
    struct kaction old = { 99, 0, 0, 0 };
    sys4(NR(RT_SIGACTION), signal, 0, &old, 8);
    return old.handler;
}

// The new program: argv = { path, "exec-child", cloexec fd, kept fd, pid before }.
static int child(int argc, char **argv, char **envp)
{
    check_begin("exec-child");
    check_long("argc", argc, 5);
    check("the environment passed", envp[0] != 0 && streq(envp[0], "COSMOS_EXEC=1") && envp[1] == 0);
    check_long("the close-on-exec descriptor is closed", sys2(NR(FCNTL), number(argv[2]), ABI_FCNTL_COMMANDS_GET_FD), E(EBADF));
    check_long("the other one is open", sys2(NR(FCNTL), number(argv[3]), ABI_FCNTL_COMMANDS_GET_FD), 0);
    check_long("the same pid", sys0(NR(GETPID)), number(argv[4]));
    check_long("a caught signal is back to its default", handler_of(ABI_SIGNALS_USR1), ABI_SIGNALS_DEFAULT);
    check_long("an ignored one stays ignored", handler_of(ABI_SIGNALS_USR2), ABI_SIGNALS_IGNORE);
    check_long("the umask is kept", sys1(NR(UMASK), 0), 077);
    char cwd[32];
    check_long("the working directory is kept", sys2(NR(GETCWD), cwd, sizeof cwd), 10);
    check("/exectest", streq(cwd, "/exectest"));
    char *heap = (char *)sys1(NR(BRK), 0);
    check("a fresh break", (long)heap > 0 && sys1(NR(BRK), heap + 4096) == (long)(heap + 4096));
    return check_done();
}

// The program a thread of a three-thread process became: argv = { path,
// "exec-threads", pid, a spinning thread's tid, a waiting thread's tid }. Linux's
// execve ended the process's other threads (de_thread) and gave the caller the pid.
static int threads_child(int argc, char **argv)
{
    check_begin("exec-threads");
    check_long("argc", argc, 5);
    long pid = number(argv[2]);
    check_long("the same pid", sys0(NR(GETPID)), pid);
    check_long("the thread that called execve has the pid as its tid", sys0(NR(GETTID)), pid);
    check_long("the thread spinning in ring 3 is gone", sys3(NR(TGKILL), pid, number(argv[3]), 0), E(ESRCH));
    check_long("the thread waiting on a futex is gone", sys3(NR(TGKILL), pid, number(argv[4]), 0), E(ESRCH));
    return check_done();
}

static volatile int futex_word;
static volatile int spinner_tid, exec_arguments_ready;
static const char *exec_self;
static char exec_pid_text[24], exec_spinner_text[24], exec_waiter_text[24];

static int spin_forever(void *arg, unsigned long rflags)
{
    (void)arg; (void)rflags;
    spinner_tid = (int)sys0(NR(GETTID));
    for (;;)
        __asm__ volatile("pause");
    return 0;
}

static int wait_forever(void *arg, unsigned long rflags)
{
    (void)arg; (void)rflags;
    for (;;)
        sys4(NR(FUTEX), &futex_word, ABI_FUTEX_OPS_WAIT, 0, 0);
    return 0;
}

static int exec_from_thread(void *arg, unsigned long rflags)
{
    (void)arg; (void)rflags;
    while (!__atomic_load_n(&exec_arguments_ready, __ATOMIC_ACQUIRE))
        sys0(NR(SCHED_YIELD));
    char *child_argv[] = { (char *)exec_self, "exec-threads", exec_pid_text, exec_spinner_text, exec_waiter_text, 0 };
    sys3(NR(EXECVE), exec_self, child_argv, 0);
    sys1(NR(EXIT_GROUP), 98); // execve failed
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    if (argc >= 2 && streq(argv[1], "exec-child"))
        return child(argc, argv, envp);
    if (argc >= 2 && streq(argv[1], "exec-threads"))
        return threads_child(argc, argv);
    check_begin("exec");
    const char *self = sys2(NR(ACCESS), "/init", 0) == 0 ? "/init" : "/modules/exec";
    char *no_args[] = { "x", 0 };

    check_long("a missing file: ENOENT", sys3(NR(EXECVE), "/nonexistent", no_args, 0), E(ENOENT));
    check_long("a directory: EACCES", sys3(NR(EXECVE), "/", no_args, 0), E(EACCES));
    sys2(NR(MKDIR), "/exectest", 0755);
    long fd = sys4(NR(OPENAT), CWD, "/exectest/text", ABI_OPEN_FLAGS_CREATE | 1, 0644);
    sys3(NR(WRITE), fd, "just text\n", 10);
    sys1(NR(CLOSE), fd);
    check_long("a file nobody may execute: EACCES", sys3(NR(EXECVE), "/exectest/text", no_args, 0), E(EACCES));
    sys2(NR(CHMOD), "/exectest/text", 0755);
    check_long("an executable file that is no program: ENOEXEC", sys3(NR(EXECVE), "/exectest/text", no_args, 0), E(ENOEXEC));
    check_long("a bad path pointer: EFAULT", sys3(NR(EXECVE), 8, no_args, 0), E(EFAULT));
    check_long("a bad argv pointer: EFAULT", sys3(NR(EXECVE), self, 8, 0), E(EFAULT));
    char *bad_strings[] = { "x", (char *)8, 0 };
    check_long("a bad string in argv: EFAULT", sys3(NR(EXECVE), self, bad_strings, 0), E(EFAULT));
    check_long("execveat with an unknown flag: EINVAL", sys(NR(EXECVEAT), CWD, (long)self, (long)no_args, 0, 1, 0), E(EINVAL));
    check_long("after the failures this program still runs", sys0(NR(GETPID)) > 0, 1);

    long child_pid = sys0(NR(FORK));
    if (child_pid == 0) {
        int fds[2];
        sys2(NR(PIPE2), fds, ABI_OPEN_FLAGS_CLOEXEC);
        long kept = sys1(NR(DUP), fds[1]);
        struct kaction catch = { (unsigned long)handler, ABI_SIGNALS_SA_RESTORER, (unsigned long)restorer, 0 };
        struct kaction ignore = { ABI_SIGNALS_IGNORE, 0, 0, 0 };
        sys4(NR(RT_SIGACTION), ABI_SIGNALS_USR1, &catch, 0, 8);
        sys4(NR(RT_SIGACTION), ABI_SIGNALS_USR2, &ignore, 0, 8);
        sys1(NR(CHDIR), "/exectest");
        sys1(NR(UMASK), 077);
        char cloexec_text[24], kept_text[24], pid_text[24];
        digits(cloexec_text, fds[0]);
        digits(kept_text, kept);
        digits(pid_text, sys0(NR(GETPID)));
        char *child_argv[] = { (char *)self, "exec-child", cloexec_text, kept_text, pid_text, 0 };
        char *child_envp[] = { "COSMOS_EXEC=1", 0 };
        sys3(NR(EXECVE), self, child_argv, child_envp);
        sys1(NR(EXIT_GROUP), 99); // execve failed
    }
    int status = -1;
    sys4(NR(WAIT4), child_pid, &status, 0, 0);
    check_long("the new program passed its checks (exit status 0)", status, 0);

    // execve from one thread of three: the others end, the caller takes the pid.
    exec_self = self;
    long threaded = sys0(NR(FORK));
    if (threaded == 0) {
        static struct thread spinner, waiter, execer;
        thread_start(&spinner, spin_forever, 0, 0);
        long waiter_tid = thread_start(&waiter, wait_forever, 0, 0);
        while (!__atomic_load_n(&spinner_tid, __ATOMIC_ACQUIRE))
            sys0(NR(SCHED_YIELD));
        digits(exec_pid_text, sys0(NR(GETPID)));
        digits(exec_spinner_text, spinner_tid);
        digits(exec_waiter_text, waiter_tid);
        thread_start(&execer, exec_from_thread, 0, 0);
        __atomic_store_n(&exec_arguments_ready, 1, __ATOMIC_RELEASE);
        for (;;) // the main thread waits too: execve ends it
            sys4(NR(FUTEX), &futex_word, ABI_FUTEX_OPS_WAIT, 0, 0);
    }
    status = -1;
    check_long("a three-thread child whose second thread calls execve", sys4(NR(WAIT4), threaded, &status, 0, 0), threaded);
    check_long("  the new program passed its checks (exit status 0)", status, 0);
    return check_done();
}
