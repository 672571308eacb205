/*
 * scaling: how kernel work scales from 1 process to 2 on the same machine (issue 12).
 *
 * For each kind of kernel-bound work, one round measures the work of 1 forked process
 * for a fixed time, then of 2 forked processes at once for the same time, and reports
 * the throughput of 2 over 1. Rounds repeat (argv[1], default 5); the line per work
 * gives the best, median and worst ratio of the rounds, so the spread on a noisy host
 * is in the output. No timing decides the exit status: 0 unless a syscall failed.
 *
 * The same static binary runs on CosmosKernel (run=scaling) and on Debian's Linux
 * under the same QEMU (launcher linux --program scaling --smp 2), so the two kernels'
 * ratios come from one program.
 *
 *   faults  mmap 256 anonymous pages, write each (256 demand-zero faults), munmap
 *   getpid  the null syscall (syscall(SYS_getpid): musl does not cache it)
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

static long do_getpid(void)
{
    for (int i = 0; i < 64; i++)
        syscall(SYS_getpid);
    return 64;
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

/* A worker: wait for the common start, work until the common end, report the units. */
static void worker(const struct work *w, long long start, int report)
{
    if (w->run == do_pipe && pipe(pipe_fds) != 0)
        fail("pipe");
    while (now_ns() < start)
        ;
    long long end = start + MEASURE_NS;
    long units = 0;
    while (now_ns() < end)
        units += w->run();
    if (write(report, &units, sizeof units) != sizeof units)
        fail("report write");
    _exit(0);
}

/* Units per second of `procs` processes doing `w` at once. */
static double measure(const struct work *w, int procs)
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
            worker(w, start, fds[1]);
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

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1 || rounds > 50)
        rounds = 5;
    say("scaling: 1 process against 2, %d rounds of %lld ms each\n", rounds, MEASURE_NS / 1000000);
    for (unsigned k = 0; k < sizeof works / sizeof works[0]; k++) {
        const struct work *w = &works[k];
        double ratios[50], one_best = 0, two_best = 0;
        for (int r = 0; r < rounds; r++) {
            double one = measure(w, 1);
            double two = measure(w, 2);
            ratios[r] = two / one;
            if (one > one_best)
                one_best = one;
            if (two > two_best)
                two_best = two;
        }
        qsort(ratios, rounds, sizeof ratios[0], compare);
        say("SCALING work=%s unit=%s procs1_best_per_s=%.0f procs2_best_per_s=%.0f ratio_best=%.2f ratio_median=%.2f ratio_worst=%.2f rounds=%d\n",
               w->name, w->unit, one_best, two_best, ratios[rounds - 1], ratios[rounds / 2], ratios[0], rounds);
    }
    return 0;
}
