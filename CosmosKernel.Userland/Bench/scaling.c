/*
 * scaling: how kernel work scales from 1 to 2 on the same machine (issue 12), as
 * processes and as threads of one process.
 *
 * For each kind of kernel-bound work, one round measures the work of 1 forked process
 * for a fixed time, then of 2 forked processes at once for the same time, and reports
 * the throughput of 2 over 1; then the same with 1 and 2 threads of this process (raw
 * clone, each thread in its own memory and its own pipe: disjoint areas). Rounds repeat
 * (argv[1], default 5; argv[2], if given, names the works to run: pipe, faults+pipe);
 * each round prints its two throughputs (SCALING_ROUND), and the line per work gives
 * the best, median and worst ratio of the rounds, so the spread on a noisy host is in
 * the output. No timing decides the exit
 * status: 0 unless a syscall failed.
 *
 * On CosmosKernel each line is followed by the lock profile of its rounds: the lock
 * classes that were waited for longest (cosmos_lock_stats, the kernel's per-class
 * counters, summed over every thread and CPU), as cycles per unit of work and waits.
 * On Linux that syscall is ENOSYS and the profile is left out.
 *
 * The same static binary runs on CosmosKernel (run=scaling) and on Debian's Linux
 * under the same QEMU (launcher linux --program scaling --smp 2), so the two kernels'
 * ratios come from one program.
 *
 *   faults  mmap 256 anonymous pages, write each (256 demand-zero faults), munmap
 *   getpid  the null syscall (syscall(SYS_getpid): musl does not cache it), 1024 per
 *           look at the clock
 *   pipe    16 KiB written into a pipe and read back by the same process
 *   mmap    mmap one page and munmap it, untouched
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../CTests/check.h" /* thread_start, thread_join: raw clone threads (no pthreads here yet) */

#define PAGE 4096
#define FAULT_PAGES 256
#define PIPE_CHUNK 16384
#define MEASURE_NS 300000000LL   /* each measurement: 0.3 s of work */
#define LEAD_NS 50000000LL       /* workers start together this long after the fork */

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Output through write(2) itself: musl's stdio writes with writev, which
 * CosmosKernel does not have yet (issue 13). */
static void say(const char *format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (length > (int)sizeof line - 1)
        length = sizeof line - 1;
    if (write(1, line, length) != length)
        _exit(2);
}

static void fail(const char *what)
{
    say("scaling: %s failed\n", what);
    _exit(1);
}

/* One unit of work; returns the units it counts (pages, calls, bytes). */
static long do_faults(void)
{
    char *p = mmap(0, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail("mmap");
    for (int i = 0; i < FAULT_PAGES; i++)
        p[i * PAGE] = (char)i;
    if (munmap(p, FAULT_PAGES * PAGE) != 0)
        fail("munmap");
    return FAULT_PAGES;
}

/* 1024 calls per look at the clock: clock_gettime is a syscall on CosmosKernel (no
 * vDSO), and under pagelock it writes the caller's stack page, which its other thread's
 * CPU may cache: a shootdown. With one look per 64 calls, the 2-thread runs measured
 * those round trips as much as the null syscall. */
static long do_getpid(void)
{
    for (int i = 0; i < 1024; i++)
        syscall(SYS_getpid);
    return 1024;
}

static int pipe_fds[2];
static char pipe_buffer[PIPE_CHUNK];

static long do_pipe(void)
{
    if (write(pipe_fds[1], pipe_buffer, PIPE_CHUNK) != PIPE_CHUNK)
        fail("pipe write");
    long got = 0;
    while (got < PIPE_CHUNK) {
        long n = read(pipe_fds[0], pipe_buffer, PIPE_CHUNK - got);
        if (n <= 0)
            fail("pipe read");
        got += n;
    }
    return PIPE_CHUNK;
}

static long do_mmap(void)
{
    for (int i = 0; i < 16; i++) {
        void *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            fail("mmap");
        if (munmap(p, PAGE) != 0)
            fail("munmap");
    }
    return 16;
}

struct work {
    const char *name, *unit;
    long (*run)(void);
};

static const struct work works[] = {
    { "faults", "faults", do_faults },
    { "getpid", "calls", do_getpid },
    { "pipe", "bytes", do_pipe },
    { "mmap", "mmap+munmap", do_mmap },
};

/* One worker's run: wait for the common start, work until the common end. */
static long work_between(const struct work *w, long long start)
{
    while (now_ns() < start)
        ;
    long long end = start + MEASURE_NS;
    long units = 0;
    while (now_ns() < end)
        units += w->run();
    return units;
}

/* A process worker: its own pipe (made before the start), then report the units. */
static void process_worker(const struct work *w, long long start, int report)
{
    if (w->run == do_pipe && pipe(pipe_fds) != 0)
        fail("pipe");
    long units = work_between(w, start);
    if (write(report, &units, sizeof units) != sizeof units)
        fail("report write");
    _exit(0);
}

/* Units per second of `procs` processes doing `w` at once. */
static double measure_processes(const struct work *w, int procs)
{
    int fds[2];
    if (pipe(fds) != 0)
        fail("pipe");
    long long start = now_ns() + LEAD_NS;
    for (int i = 0; i < procs; i++) {
        pid_t pid = fork();
        if (pid < 0)
            fail("fork");
        if (pid == 0) {
            close(fds[0]);
            process_worker(w, start, fds[1]);
        }
    }
    close(fds[1]);
    long total = 0;
    for (int i = 0; i < procs; i++) {
        long units;
        if (read(fds[0], &units, sizeof units) != sizeof units)
            fail("report read");
        total += units;
    }
    close(fds[0]);
    for (int i = 0; i < procs; i++) {
        int status;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail("worker");
    }
    return total * 1e9 / MEASURE_NS;
}

/* A thread worker of this process: the pipe work uses the thread's own pipe. */
struct thread_job {
    char buffer[PIPE_CHUNK] __attribute__((aligned(PAGE))); /* its own pages: disjoint areas */
    const struct work *work;
    long long start;
    long units;
    int fds[2];
};

static struct thread_job jobs[2];

static long thread_units(struct thread_job *job)
{
    const struct work *w = job->work;
    if (w->run != do_pipe)
        return work_between(w, job->start);
    char *buffer = job->buffer;
    while (now_ns() < job->start)
        ;
    long long end = job->start + MEASURE_NS;
    long units = 0;
    while (now_ns() < end) {
        if (write(job->fds[1], buffer, PIPE_CHUNK) != PIPE_CHUNK)
            fail("pipe write");
        for (long got = 0; got < PIPE_CHUNK;) {
            long n = read(job->fds[0], buffer + got, PIPE_CHUNK - got);
            if (n <= 0)
                fail("pipe read");
            got += n;
        }
        units += PIPE_CHUNK;
    }
    return units;
}

static int thread_worker(void *arg, unsigned long entry_rflags)
{
    (void)entry_rflags;
    struct thread_job *job = arg;
    job->units = thread_units(job);
    return 0;
}

/* Units per second of `threads` threads of this process doing `w` at once (the
 * calling thread only waits). */
static double measure_threads(const struct work *w, int threads)
{
    struct thread handles[2];
    long long start = now_ns() + LEAD_NS;
    for (int i = 0; i < threads; i++) {
        jobs[i].work = w;
        jobs[i].start = start;
        jobs[i].units = 0;
        if (pipe(jobs[i].fds) != 0)
            fail("pipe");
    }
    for (int i = 0; i < threads; i++)
        if (thread_start(&handles[i], thread_worker, &jobs[i], 0) < 0)
            fail("clone");
    long total = 0;
    for (int i = 0; i < threads; i++) {
        thread_join(&handles[i]);
        total += jobs[i].units;
        close(jobs[i].fds[0]);
        close(jobs[i].fds[1]);
    }
    return total * 1e9 / MEASURE_NS;
}

/* The kernel's lock profile: one record per lock class (cosmos_lock_stats). */
#define MAX_CLASSES 64
struct lock_profile {
    long classes; /* < 0: the kernel has no such syscall (Linux) */
    struct abi_lock_stat stats[MAX_CLASSES];
};

static void lock_profile_take(struct lock_profile *p)
{
    p->classes = syscall(ABI_SYSCALL_NUMBERS_COSMOS_LOCK_STATS, p->stats, MAX_CLASSES);
    if (p->classes > MAX_CLASSES)
        p->classes = MAX_CLASSES;
}

/* The 3 classes with the most wait cycles between two profiles, per unit of work. */
static void lock_profile_report(const char *mode, const struct work *w, const struct lock_profile *before,
                                const struct lock_profile *after, double units)
{
    if (before->classes < 0 || after->classes < 0)
        return;
    char line[400];
    int used = snprintf(line, sizeof line, "SCALING_LOCKS mode=%s work=%s", mode, w->name);
    int shown[3] = {-1, -1, -1};
    for (int rank = 0; rank < 3; rank++) {
        uint64_t best = 0;
        for (long c = 0; c < after->classes; c++) {
            uint64_t base = c < before->classes ? before->stats[c].wait_cycles : 0;
            uint64_t cycles = after->stats[c].wait_cycles - base;
            if (cycles > best && c != shown[0] && c != shown[1]) {
                best = cycles;
                shown[rank] = (int)c;
            }
        }
        if (shown[rank] < 0)
            break;
        long c = shown[rank];
        uint64_t waits = after->stats[c].waits - (c < before->classes ? before->stats[c].waits : 0);
        used += snprintf(line + used, sizeof line - used, " \"%s\"=%.1f_cycles/%s,%llu_waits",
                         (const char *)&after->stats[c].name0, best / units, w->unit, (unsigned long long)waits);
        if (used >= (int)sizeof line)
            break;
    }
    if (shown[0] < 0)
        snprintf(line + used, sizeof line - used, " none");
    say("%s\n", line);
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *mode, const struct work *w, int rounds, double (*measure)(const struct work *, int))
{
    static struct lock_profile before, after;
    double ratios[50], one_best = 0, two_best = 0, units = 0;
    lock_profile_take(&before);
    for (int r = 0; r < rounds; r++) {
        double one = measure(w, 1);
        double two = measure(w, 2);
        say("SCALING_ROUND mode=%s work=%s round=%d one_per_s=%.0f two_per_s=%.0f\n", mode, w->name, r + 1, one, two);
        ratios[r] = two / one;
        units += (one + two) * MEASURE_NS / 1e9;
        if (one > one_best)
            one_best = one;
        if (two > two_best)
            two_best = two;
    }
    qsort(ratios, rounds, sizeof ratios[0], compare);
    say("SCALING mode=%s work=%s unit=%s one_best_per_s=%.0f two_best_per_s=%.0f ratio_best=%.2f ratio_median=%.2f ratio_worst=%.2f rounds=%d\n",
        mode, w->name, w->unit, one_best, two_best, ratios[rounds - 1], ratios[rounds / 2], ratios[0], rounds);
    lock_profile_take(&after);
    lock_profile_report(mode, w, &before, &after, units > 0 ? units : 1);
}

/* Whether `name` is one of the +-separated names in `list` (every work if NULL; not
 * commas, which separate the kernel's run= programs). */
static int named(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t length = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, '+');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == length && strncmp(p, name, n) == 0)
            return 1;
        p += n + (end ? 1 : 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1 || rounds > 50)
        rounds = 5;
    const char *only = argc > 2 ? argv[2] : NULL; /* the works named (WORK or WORK+WORK...) */
    say("scaling: 1 against 2, as processes and as threads of one process, %d rounds of %lld ms each\n", rounds, MEASURE_NS / 1000000);
    for (unsigned k = 0; k < sizeof works / sizeof works[0]; k++)
        if (named(only, works[k].name))
            report("processes", &works[k], rounds, measure_processes);
    for (unsigned k = 0; k < sizeof works / sizeof works[0]; k++)
        if (named(only, works[k].name))
            report("threads", &works[k], rounds, measure_threads);
    return 0;
}
