// fuzz: a seeded syscall fuzzer for CosmosKernel (issue 16: "a fuzzer of our own").
//
//   run=fuzz                       a seed from the TSC, 20 s of fuzzing
//   run=fuzz:SEED                  replay a seed (the first line always says it)
//   run=fuzz:SEED:SECONDS          ... for that long
//   run=fuzz:SEED:SECONDS:ROUND    only round ROUND's seed, again and again
//   run=fuzz:SEED:SECONDS:ROUND:WORKERS   ... with only the worker threads in the bit
//                                  mask WORKERS (1 writer, 2 reader, 4 attacker of P,
//                                  8 attacker of the arena, 16/32/64 fuzzers): to
//                                  narrow a reproduction down
//
// This process (the parent) runs rounds until its time budget is spent. Each round is
// a forked child, the chaos child, with a seed of its own, where at once:
//  - fuzzing threads call every syscall the kernel implements, and numbers it does
//    not, with hostile arguments: NULL, unmapped, PROT_NONE, read-only, kernel-half and
//    non-canonical pointers, buffers that straddle a mapped/unmapped boundary, huge and
//    wrapping lengths, bad descriptors, random flags; they also start short-lived
//    threads, fork grandchildren and spawn programs;
//  - an attacker thread munmaps, mprotects and maps MAP_FIXED over the arena the
//    fuzzing threads pass to the kernel, another over the buffer a writer copies from;
//  - a writer thread streams a known pattern (the bytes of this program's own file,
//    from a read-only file mapping under attack) into a pipe, and a reader thread
//    checks that what it receives is always a prefix of what was written, and at the
//    end exactly all of it.
// The child ends each round either in order (every thread joined, the pattern checked)
// or, one round in three, by exit_group in the middle of it all (threads killed in
// their syscalls). The parent watches each round (a watchdog: the child must end, and
// its main thread must keep running), then compares what the kernel holds (frames,
// heap after a collection, processes, threads, poisoned writes, double frees) with
// what it held before the first round.
//
// What is replayed from a seed: each thread's sequence of calls and arguments. The
// interleaving of threads is the machine's, so a replay reproduces a bug that needs a
// particular interleaving only often, not always; run it a few times.
//
// Nothing here touches the memory under attack directly (only the kernel does, through
// syscalls), so this program may never be killed by a signal: if it is, that is a bug.
// Output is the parent's only (the child's descriptors are fuzzed): one line per round,
// a machine-readable summary
//   FUZZ seed=N calls=... rounds=... frames_leaked=... heap_leaked_bytes=... poison=...
//        double_frees=... stalls=... bad_data=... killed=... processes_leaked=... threads_leaked=...
// and "fuzz: no crash, no stall, nothing leaked" with exit status 0 only when all hold.
#include "../CTests/check.h"

// Syscall numbers, errnos and flags (Linux x86-64's, and CosmosKernel's own) are the
// generated ABI_* names of cosmos_abi.h (included by check.h): one definition, Abi/.

#define PAGE 4096UL
#define USER_END 0x00007FFFFFFFF000UL

// ---- the address-space layout of a chaos child --------------------------------------
//
// ZONE is one PROT_NONE mapping with the fixed parts mapped over it, so no mapping the
// fuzzer makes can land next to them (a buffer that straddles their end must run into
// a page nobody can map) and every gap in it faults. Nothing the fuzzer passes the
// kernel points into SAFE, so the kernel never writes there.
#define ZONE_BASE 0x100000000000UL
#define SAFE_BASE ZONE_BASE                       // the shared page, then the thread stacks
#define SHARED_PAGES 4
#define STACK_SIZE (64 * 1024UL)
#define STACK_STRIDE (STACK_SIZE + PAGE)          // a guard page below each stack
#define STACKS_BASE (SAFE_BASE + SHARED_PAGES * PAGE + PAGE)
#define MAX_SLOTS 16                              // thread slots (stacks) per round
#define STR_PAGE (STACKS_BASE + MAX_SLOTS * STACK_STRIDE + PAGE) // a string with no NUL before the next page
#define PAT_BASE (ZONE_BASE + 0x400000UL)         // P: the writer's source, a read-only file mapping
#define PAT_MAX (64 * 1024UL)
#define NONE_BASE (PAT_BASE + PAT_MAX + 4 * PAGE) // 4 pages PROT_NONE (the zone itself)
#define RO_BASE (NONE_BASE + 8 * PAGE)            // 4 pages PROT_READ, all zero
#define ZONE_SIZE 0x800000UL
#define CHAOS_BASE (ZONE_BASE + ZONE_SIZE + 0x100000UL) // anything may happen here
#define CHAOS_PAGES 128UL
#define A_PAGES 64UL                              // A: pages 0..63, the fuzzers' arena
#define D_FIRST 80UL                              // D: pages 80..111, the reader's attacked buffer
#define D_PAGES 32UL

// ---- what the parent and the chaos child share (MAP_SHARED) --------------------------

// The syscall each thread is in, for a stall or a death report.
struct inflight {
    long active, nr, a[6];
    long calls;
};

enum { T_WRITER, T_READER, T_ATTACK_P, T_ATTACK_AD, T_FUZZ0, T_FUZZ1, T_FUZZ2, T_WORKERS };
#define SHORT_SLOTS 4                             // short-lived fuzzing threads
#define T_TOTAL (T_WORKERS + SHORT_SLOTS)
static const char *thread_names[T_TOTAL] = { "writer", "reader", "attacker(P)", "attacker(A,D)", "fuzzer0", "fuzzer1",
                                             "fuzzer2", "short0", "short1", "short2", "short3" };

struct shared {
    long heartbeat;            // the child's main thread ticks it while it runs
    long calls;
    long written, read, checked; // pattern bytes
    long complete;             // the reader saw end of file and checked the total
    long bad_data;
    char bad_what[200];
    long stuck;                // threads that did not end in time after the round (orderly rounds)
    long stuck_mask;
    long killing;              // a kill round: exit_group is coming
    long release;              // the warm-up's threads may end
    long grandchildren_killed;
    long unknown_answered;     // numbers we thought unknown that did not answer ENOSYS
    struct inflight t[T_TOTAL];
};

static struct shared *sh = (struct shared *)SAFE_BASE;

// ---- random numbers (splitmix64: tiny, and every thread has its own) -----------------

struct rng { unsigned long s; };

static unsigned long next(struct rng *r)
{
    unsigned long z = (r->s += 0x9E3779B97F4A7C15UL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

static unsigned long below(struct rng *r, unsigned long n) { return n == 0 ? 0 : next(r) % n; }

static unsigned long mix(unsigned long a, unsigned long b)
{
    struct rng r = { a ^ (b * 0xD1B54A32D192ED03UL) };
    return next(&r);
}

// ---- small helpers ------------------------------------------------------------------

static long now_ms(void)
{
    long ts[2];
    sys2(ABI_SYSCALL_NUMBERS_CLOCK_GETTIME, ABI_CLOCK_IDS_MONOTONIC, ts);
    return ts[0] * 1000 + ts[1] / 1000000;
}

static void sleep_ms(long ms)
{
    long ts[2] = { ms / 1000, (ms % 1000) * 1000000 };
    sys2(ABI_SYSCALL_NUMBERS_NANOSLEEP, ts, 0);
}

static long load(long *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static void store(long *p, long v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static void add(long *p, long v) { __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST); }

static void copy_text(char *to, unsigned long size, const char *from)
{
    unsigned long n = 0;
    while (from[n] && n < size - 1) {
        to[n] = from[n];
        n++;
    }
    to[n] = 0;
}

// A wrong answer or wrong data: counted, and the first one described for the parent
// ("<what> [at]: got <got>, expected <expected>"; at < 0: none). In a kill round, what a
// thread saw after exit_group began is no evidence.
static void bad_at(const char *what, long at, long got, long expected)
{
    if (load(&sh->killing))
        return;
    if (__atomic_fetch_add(&sh->bad_data, 1, __ATOMIC_SEQ_CST) == 0) {
        struct check_line line = { .length = 0 };
        line_add(&line, what);
        if (at >= 0) {
            line_add(&line, " ");
            line_add_long(&line, at);
        }
        line_add(&line, ": got ");
        line_add_long(&line, got);
        line_add(&line, ", expected ");
        line_add_long(&line, expected);
        line.text[line.length] = 0;
        copy_text(sh->bad_what, sizeof sh->bad_what, line.text);
    }
}

static void bad(const char *what, long got, long expected) { bad_at(what, -1, got, expected); }

// Thread `me` (-1: not recorded) enters and leaves a syscall: its arguments are
// recorded first, so that a stall or a death shows what every thread was doing.
static void call_begins(int me, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    if (me < 0)
        return;
    struct inflight *t = &sh->t[me];
    t->nr = nr;
    t->a[0] = a0; t->a[1] = a1; t->a[2] = a2; t->a[3] = a3; t->a[4] = a4; t->a[5] = a5;
    store(&t->active, 1);
}

static void call_ends(int me)
{
    if (me < 0)
        return;
    store(&sh->t[me].active, 0);
    sh->t[me].calls++;
    add(&sh->calls, 1);
}

// A fuzzing thread's syscall.
static long fz(int me, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    call_begins(me, nr, a0, a1, a2, a3, a4, a5);
    long result = sys(nr, a0, a1, a2, a3, a4, a5);
    call_ends(me);
    return result;
}

// The same, made with RFLAGS bits a program may set (DF, AC, NT: popfq) set around it:
// the kernel must run with its own flags and give these back (issue 16, item 1).
static long fz_flagged(int me, unsigned long flags, long nr, long a0, long a1, long a2)
{
    call_begins(me, nr, a0, a1, a2, 0, 0, 0);
    unsigned long after = 0;
    long result = flagged_syscall(flags, &after, nr, a0, a1, a2);
    call_ends(me);
    if ((after & flags) != flags)
        bad("RFLAGS bits set around a syscall came back changed (RFLAGS after)", (long)after, (long)flags);
    return result;
}

static unsigned long user_flags(struct rng *r)
{
    static const unsigned long sets[] = { RFLAGS_DF, RFLAGS_AC, RFLAGS_NT, RFLAGS_DF | RFLAGS_AC | RFLAGS_NT };
    return sets[below(r, 4)];
}

// ---- the chaos child's state (its own copy of this program's memory) ----------------

static unsigned char expected[PAT_MAX];   // the pattern: the first W bytes of /modules/fuzz
static unsigned long W;                   // pattern length, whole pages
static unsigned char checked_buffer[PAT_MAX];
static int pipe_fds[2] = { -1, -1 };      // the pattern's pipe
static int file_fd = -1;                  // /modules/fuzz, for the attackers' file mappings
static long stop;                         // the round's end: threads finish their call and return
static long writer_done;                  // the writer closed its end (the final count is in final_written)
static long final_written;
static long inflight_end;                 // the writer's position plus what it is writing now
static int kill_round;
static long worker_mask = (1 << T_WORKERS) - 1; // which workers run (to narrow a reproduction down)
static unsigned long round_seed;
static long grandchildren;                // forked and not yet reaped

static int reserved_fd(long fd) { return fd == pipe_fds[0] || fd == pipe_fds[1] || fd == file_fd; }

// Thread slots: a stack each, in SAFE. Slot i's stack is reused only once the kernel
// cleared its tid word (CLONE_CHILD_CLEARTID): the stack is in use until then.
struct slot {
    int tid;
    int burned;                           // started with hostile tid pointers: never reused this round
    void *tls[4];
    long running;
};
static struct slot slots[MAX_SLOTS];

static unsigned long stack_top(int slot) { return STACKS_BASE + slot * STACK_STRIDE + PAGE + STACK_SIZE; }

static long start_in_slot(int slot, int (*fn)(void *, unsigned long), void *arg, long ptid, long ctid)
{
    struct slot *s = &slots[slot];
    void **top = (void **)stack_top(slot) - 2;
    top[0] = (void *)fn;
    top[1] = arg;
    s->tls[0] = s->tls;
    store(&s->running, 1);
    long tid = check_clone(THREAD_CLONE_FLAGS, top, ptid ? (int *)ptid : &s->tid, ctid ? (int *)ctid : &s->tid, s->tls, 0);
    if (tid < 0)
        store(&s->running, 0);
    return tid;
}

// Wait until slot's thread has ended, or until deadline_ms: whether it ended.
static int join_slot(int slot, long deadline_ms)
{
    struct slot *s = &slots[slot];
    int tid;
    while ((tid = __atomic_load_n(&s->tid, __ATOMIC_SEQ_CST)) != 0) {
        if (now_ms() > deadline_ms)
            return 0;
        long ts[2] = { 0, 20 * 1000000 };
        sys4(ABI_SYSCALL_NUMBERS_FUTEX, &s->tid, ABI_FUTEX_OPS_WAIT, tid, ts);
    }
    return 1;
}

// ---- hostile arguments -----------------------------------------------------------

static const unsigned long kernel_addresses[] = {
    0xFFFF800000000000UL, // the direct map
    0xFFFFFFFF80100000UL, // the kernel image
    0xFFFFFF0000000000UL, // the kernel stacks
    0xFFFF800000001000UL, 0xFFFFFFFFFFFFF000UL, 0xFFFFFFFFFFFFFFF0UL, 0xFFFF8F00DEAD0000UL,
};
static const unsigned long noncanonical_addresses[] = {
    0x0000800000000000UL, 0x8000000000000000UL, 0x00FF000000000000UL, 0x7FFFFFFFFFFFFFFFUL, 0x0000FFFFFFFFF000UL,
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int some_function(void) { return 1; }

// An address no byte of which the kernel may touch: NULL and low memory, the kernel
// half, non-canonical, the end of user space.
static unsigned long invalid_ptr(struct rng *r)
{
    switch (below(r, 6)) {
    case 0: return 0;
    case 1: return 1 + below(r, 0xFFFF);
    case 2: case 3: return kernel_addresses[below(r, COUNT(kernel_addresses))] + below(r, 4) * (next(r) & 0xFFF);
    case 4: return noncanonical_addresses[below(r, COUNT(noncanonical_addresses))] + below(r, 2) * (next(r) & 0xFFFF);
    default: return USER_END + below(r, 64);
    }
}

// Any pointer the fuzzer may hand the kernel, for reading or writing: the invalid ones,
// the chaos arena (whatever is mapped there now), the ends of the arena's buffers, the
// read-only file mapping and its end, PROT_NONE, read-only zeros and their end, this
// program's own code, the page at the end of user space.
static unsigned long hostile_ptr(struct rng *r)
{
    switch (below(r, 16)) {
    case 0: case 1: return invalid_ptr(r);
    case 2: case 3: case 4: return CHAOS_BASE + below(r, CHAOS_PAGES * PAGE);
    case 5: return CHAOS_BASE + below(r, CHAOS_PAGES) * PAGE;
    case 6: return CHAOS_BASE + A_PAGES * PAGE - 1 - below(r, 64);
    case 7: return CHAOS_BASE + (D_FIRST + D_PAGES) * PAGE - 1 - below(r, 64);
    case 8: return PAT_BASE + below(r, W);
    case 9: return PAT_BASE + W - 1 - below(r, 64);
    case 10: return NONE_BASE + below(r, 4 * PAGE);
    case 11: return RO_BASE + below(r, 4 * PAGE);
    case 12: return RO_BASE + 4 * PAGE - 1 - below(r, 64);
    case 13: return (unsigned long)&some_function + below(r, 256);
    case 14: return USER_END - 1 - below(r, PAGE);
    default: return STR_PAGE + PAGE - 1 - below(r, 8);
    }
}

// A length for pointer p: zero, small, page-sized, huge, exactly to the end of user
// space, past it, wrapping around.
static unsigned long hostile_len(struct rng *r, unsigned long p)
{
    switch (below(r, 16)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 1 + below(r, 16);
    case 3: return PAGE - 1 + below(r, 3);
    case 4: case 5: return below(r, 2 * PAGE);
    case 6: return below(r, 64 * 1024);
    case 7: return below(r, CHAOS_PAGES * PAGE);
    case 8: return 1UL << 31;
    case 9: return 0x7FFFF000UL + below(r, 2);
    case 10: return p < USER_END ? USER_END - p : next(r);
    case 11: return (p < USER_END ? USER_END - p : 0) + 1 + below(r, PAGE);
    case 12: return 0 - p;
    case 13: return below(r, 2) ? ~0UL : 1UL << 63;
    case 14: return ~0UL - p + 2 + below(r, PAGE);
    default: return PAGE * (1 + below(r, 4));
    }
}

// Descriptors a process may have (Linux's default limit; a kernel with fewer answers
// EBADF above its own).
#define MAX_FD 1024

// A descriptor: stdin/out/err, anything else (fuzzed pipes and files, the low ones
// most often) except the pattern's, or a bad one.
static long pick_fd(struct rng *r)
{
    static const long bad_fds[] = { -1, MAX_FD, 0x7FFFFFFF, 1L << 32, -100, 1L << 63 };
    if (below(r, 8) == 0)
        return bad_fds[below(r, COUNT(bad_fds))];
    long fd = below(r, below(r, 8) == 0 ? MAX_FD : 32);
    return reserved_fd(fd) ? MAX_FD : fd;
}

// A timespec the kernel may read: never one whose wait is longer than a few
// milliseconds, never NULL (a futex wait without a timeout, or a long sleep, would
// look like a stall).
static unsigned long timespec_ptr(struct rng *r, long *ts)
{
    switch (below(r, 8)) {
    case 0: case 1: case 2:
        ts[0] = 0;
        ts[1] = below(r, 3 * 1000000);
        return (unsigned long)ts;
    case 3:
        ts[0] = below(r, 2) ? -1 : 1000000001;
        ts[1] = 0;
        return (unsigned long)ts;
    case 4:
        ts[0] = 0;
        ts[1] = below(r, 2) ? -1 : 1000000000 + below(r, 1000);
        return (unsigned long)ts;
    case 5: return below(r, 2) ? kernel_addresses[below(r, COUNT(kernel_addresses))] : noncanonical_addresses[below(r, COUNT(noncanonical_addresses))];
    case 6: return NONE_BASE + below(r, 4 * PAGE);
    default: return RO_BASE + 4 * PAGE - 8; // tv_sec 0 from the zeros, tv_nsec past the end: EFAULT
    }
}

// A page range inside the chaos arena (it may be mapped, unmapped, anything).
static void chaos_range(struct rng *r, unsigned long *address, unsigned long *length)
{
    unsigned long first = below(r, CHAOS_PAGES);
    unsigned long pages = 1 + below(r, below(r, 2) ? 4 : CHAOS_PAGES - first);
    if (first + pages > CHAOS_PAGES)
        pages = CHAOS_PAGES - first;
    *address = CHAOS_BASE + first * PAGE;
    *length = pages * PAGE - (below(r, 4) == 0 ? below(r, PAGE) : 0);
}

// A range that munmap, mprotect and MAP_FIXED must refuse (or that covers only the
// never-mappable first 64 KiB): unaligned, zero-length, wrapping, past the end of user
// space, in the kernel half, non-canonical. (A valid range outside the arena would
// unmap this program.)
static void bad_range(struct rng *r, unsigned long *address, unsigned long *length)
{
    unsigned long inside = CHAOS_BASE + below(r, CHAOS_PAGES) * PAGE;
    switch (below(r, 8)) {
    case 0: *address = inside; *length = 0; break;
    case 1: *address = inside; *length = 0 - PAGE * (1 + below(r, 4)); break;
    case 2: *address = inside; *length = USER_END - inside + PAGE * (1 + below(r, 4)); break;
    case 3: *address = inside + 1 + below(r, PAGE - 1); *length = PAGE; break;
    case 4: *address = kernel_addresses[below(r, COUNT(kernel_addresses))] & ~(PAGE - 1); *length = PAGE * (1 + below(r, 4)); break;
    case 5: *address = noncanonical_addresses[below(r, COUNT(noncanonical_addresses))] & ~(PAGE - 1); *length = PAGE; break;
    case 6: *address = USER_END; *length = PAGE; break;
    default: *address = below(r, 8) * PAGE; *length = PAGE * (1 + below(r, 7)); break;
    }
}

// A range for munmap or mprotect: now and then one they must refuse, else one in the arena.
static void some_range(struct rng *r, unsigned long *address, unsigned long *length)
{
    if (below(r, 3) == 0)
        bad_range(r, address, length);
    else
        chaos_range(r, address, length);
}

static long random_prot(struct rng *r)
{
    switch (below(r, 8)) {
    case 0: return 8;                 // PROT_SEM
    case 1: return 0x01000000 | below(r, 8); // PROT_GROWSDOWN
    case 2: return 0x03000000;        // both grow bits
    case 3: return (long)next(r);
    default: return below(r, 8);
    }
}

// ---- the fuzzing threads' calls --------------------------------------------------

enum {
    OP_READ, OP_WRITE, OP_OPEN, OP_OPENAT, OP_CLOSE, OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_BRK, OP_PIPE,
    OP_YIELD, OP_NANOSLEEP, OP_GETPID, OP_GETTID, OP_CLONE_BAD, OP_THREAD, OP_FORK, OP_WAIT4, OP_UNAME,
    OP_ARCH_PRCTL, OP_FUTEX, OP_CLOCK, OP_GETCPU, OP_VMM_INFO, OP_SPAWN, OP_SET_STRATEGY, OP_DOUBLE_FETCH,
    OP_BENCH, OP_READV, OP_WRITEV, OP_PREAD, OP_PWRITE, OP_LSEEK, OP_DUP, OP_FCNTL, OP_PATHS, OP_POLL, OP_UNKNOWN, OP_COUNT
};
// How often each is picked (out of the sum).
static const unsigned char op_weights[OP_COUNT] = {
    [OP_READ] = 8, [OP_WRITE] = 8, [OP_OPEN] = 3, [OP_OPENAT] = 2, [OP_CLOSE] = 5, [OP_MMAP] = 8,
    [OP_MUNMAP] = 6, [OP_MPROTECT] = 6, [OP_BRK] = 2, [OP_PIPE] = 4, [OP_YIELD] = 2, [OP_NANOSLEEP] = 2,
    [OP_GETPID] = 1, [OP_GETTID] = 1, [OP_CLONE_BAD] = 2, [OP_THREAD] = 1, [OP_FORK] = 1, [OP_WAIT4] = 2,
    [OP_UNAME] = 2, [OP_ARCH_PRCTL] = 2, [OP_FUTEX] = 4, [OP_CLOCK] = 2, [OP_GETCPU] = 2, [OP_VMM_INFO] = 2,
    [OP_SPAWN] = 1, [OP_SET_STRATEGY] = 1, [OP_DOUBLE_FETCH] = 2, [OP_BENCH] = 1, [OP_READV] = 3,
    [OP_WRITEV] = 3, [OP_PREAD] = 2, [OP_PWRITE] = 1, [OP_LSEEK] = 2, [OP_DUP] = 3, [OP_FCNTL] = 3,
    [OP_PATHS] = 4, [OP_POLL] = 1, [OP_UNKNOWN] = 4,
};

// Paths for the calls that take one: names in /fuzzroom (the working directory), the
// dots, read-only and generated files, a device (and hostile pointers besides).
static const char *const fuzz_paths[] = { "x", "y", "d", "d/x", "x/", "..", ".", "", "/fuzzroom/y", "/modules/fuzz",
                                          "/modules", "/proc/self/maps", "/dev/null", "/dev/zero", "/" };

static unsigned long fuzz_path(struct rng *r)
{
    return below(r, 3) == 0 ? hostile_ptr(r) : (unsigned long)fuzz_paths[below(r, sizeof fuzz_paths / sizeof fuzz_paths[0])];
}

// The file tree's calls with hostile and ordinary arguments (execve only with hostile
// paths: an ordinary one would replace the fuzzing process).
static const unsigned long path_calls[] = {
    ABI_SYSCALL_NUMBERS_STAT, ABI_SYSCALL_NUMBERS_LSTAT, ABI_SYSCALL_NUMBERS_NEWFSTATAT, ABI_SYSCALL_NUMBERS_STATX,
    ABI_SYSCALL_NUMBERS_MKDIR, ABI_SYSCALL_NUMBERS_UNLINK, ABI_SYSCALL_NUMBERS_RMDIR, ABI_SYSCALL_NUMBERS_RENAME,
    ABI_SYSCALL_NUMBERS_LINK, ABI_SYSCALL_NUMBERS_SYMLINK, ABI_SYSCALL_NUMBERS_READLINK, ABI_SYSCALL_NUMBERS_ACCESS,
    ABI_SYSCALL_NUMBERS_TRUNCATE, ABI_SYSCALL_NUMBERS_CHMOD, ABI_SYSCALL_NUMBERS_GETCWD, ABI_SYSCALL_NUMBERS_GETDENTS64,
    ABI_SYSCALL_NUMBERS_FSTAT, ABI_SYSCALL_NUMBERS_FTRUNCATE, ABI_SYSCALL_NUMBERS_EXECVE, ABI_SYSCALL_NUMBERS_UMASK,
};

// Syscall numbers the kernel does not implement (nor, except the last group, Linux):
// the gap after rseq, the end of the table, the x32 range, the project's next numbers,
// huge ones; and a few Linux calls that are harmless with any arguments.
static long unknown_number(struct rng *r)
{
    static const long harmless[] = { 4, 5, 6, 16, 21, 28, 99, 100, 102, 110, 318, 324, 332, 334 };
    switch (below(r, 8)) {
    case 0: return 335 + below(r, 424 - 335);
    case 1: return 462 + below(r, 50);
    case 2: return 512 + below(r, 36);
    case 3: return 1029 + below(r, 100);
    case 4: return 0x40000000 + below(r, 400);
    case 5: { static const long huge[] = { 1L << 32, -1, 1L << 63, 0x7FFFFFFF }; return huge[below(r, 4)]; }
    default: return harmless[below(r, COUNT(harmless))];
    }
}

static int short_thread(void *arg, unsigned long entry_rflags);
static void grandchild(struct rng *r);

// A file offset for pread64, pwrite64 and lseek: small, negative, near 2^63, anything.
static long hostile_offset(struct rng *r)
{
    switch (below(r, 6)) {
    case 0: return -1 - (long)below(r, 4096);
    case 1: return 0x7FFFFFFFFFFFFFFFL - (long)below(r, 64);
    case 2: return (long)next(r);
    default: return (long)below(r, 1 << 20);
    }
}

// readv/writev: an iovec array of up to 8 segments on this thread's stack (the kernel
// only reads it) with hostile bases and lengths, a hostile count; or, for the counts
// past 8, an array the kernel can read but nothing points into SAFE from (the
// read-only zero pages: base 0, length 0 each) or cannot read at all. To the console
// only unprintable segments (invalid bases), as OP_WRITE does.
static void fuzz_vector(struct rng *r, int me, long nr)
{
    static const long counts[] = { 0, 1024, 1025, -1, 0x100000000L };
    unsigned long v[2 * 8];
    long fd = pick_fd(r);
    int console = (unsigned int)fd <= 2; // the kernel takes a descriptor's low 32 bits
    for (int i = 0; i < 8; i++) {
        v[2 * i] = console && nr == ABI_SYSCALL_NUMBERS_WRITEV ? invalid_ptr(r) : hostile_ptr(r);
        v[2 * i + 1] = below(r, 8) == 0 ? next(r) : hostile_len(r, v[2 * i]);
    }
    long count = 1 + (long)below(r, 8);
    unsigned long array = (unsigned long)v;
    if (below(r, 4) == 0) {
        count = counts[below(r, COUNT(counts))];
        array = below(r, 2) ? RO_BASE : invalid_ptr(r);
    } else if (below(r, 8) == 0) {
        array = invalid_ptr(r);
    }
    fz(me, nr, fd, array, count, 0, 0, 0);
}

// A descriptor to duplicate: never the console's 0, 1 and 2 (the kernel takes a
// descriptor's low 32 bits), so the console stays at 0-2, where OP_WRITE and OP_WRITEV
// send it only unprintable buffers (a copy of it elsewhere printed the arena's zeros).
static long pick_fd_to_dup(struct rng *r)
{
    long fd = pick_fd(r);
    return (unsigned int)fd <= 2 ? MAX_FD : fd;
}

// dup, dup2, dup3 and fcntl: never onto the pattern's or the file's descriptors
// (pick_fd avoids them); every descriptor below MAX_FD is closed at the round's end.
static void fuzz_descriptors(struct rng *r, int me, int op)
{
    static const long commands[] = {
        ABI_FCNTL_COMMANDS_DUP_FD, ABI_FCNTL_COMMANDS_DUP_FD_CLOEXEC, ABI_FCNTL_COMMANDS_GET_FD,
        ABI_FCNTL_COMMANDS_SET_FD, ABI_FCNTL_COMMANDS_GET_FL, ABI_FCNTL_COMMANDS_SET_FL,
        ABI_FCNTL_COMMANDS_GET_PIPE_SIZE, ABI_FCNTL_COMMANDS_SET_PIPE_SIZE,
    };
    if (op == OP_FCNTL) {
        long command = below(r, 4) == 0 ? (long)(below(r, 2) ? next(r) : below(r, 1100)) : commands[below(r, COUNT(commands))];
        long argument = below(r, 2) ? (long)below(r, 64) : below(r, 2) ? (long)(ABI_OPEN_FLAGS_NONBLOCK | ABI_OPEN_FLAGS_APPEND) : (long)next(r);
        // F_SETFL keeps O_NONBLOCK: the descriptor may be the console (or a dup of it),
        // whose reads would otherwise wait for someone to type (chaos_child sets it).
        if ((unsigned int)command == ABI_FCNTL_COMMANDS_SET_FL)
            argument |= ABI_OPEN_FLAGS_NONBLOCK;
        int dups = (unsigned int)command == ABI_FCNTL_COMMANDS_DUP_FD || (unsigned int)command == ABI_FCNTL_COMMANDS_DUP_FD_CLOEXEC;
        fz(me, ABI_SYSCALL_NUMBERS_FCNTL, dups ? pick_fd_to_dup(r) : pick_fd(r), command, argument, 0, 0, 0);
        return;
    }
    switch (below(r, 3)) {
    case 0: fz(me, ABI_SYSCALL_NUMBERS_DUP, pick_fd_to_dup(r), 0, 0, 0, 0, 0); break;
    case 1: fz(me, ABI_SYSCALL_NUMBERS_DUP2, pick_fd_to_dup(r), pick_fd(r), 0, 0, 0, 0); break;
    default:
        fz(me, ABI_SYSCALL_NUMBERS_DUP3, pick_fd_to_dup(r), pick_fd(r), below(r, 2) ? ABI_OPEN_FLAGS_CLOEXEC : below(r, 2) ? 0 : (long)next(r), 0, 0, 0);
        break;
    }
}

// Reap grandchildren that ended (a zombie holds a process-table entry until then).
static void reap_some(int me)
{
    int status;
    long pid;
    while ((pid = fz(me, ABI_SYSCALL_NUMBERS_WAIT4, -1, (long)&status, ABI_WAIT_STATUS_NO_HANG, 0, 0, 0)) > 0) {
        add(&grandchildren, -1);
        if ((status & 0x7F) != 0)
            add(&sh->grandchildren_killed, 1);
    }
}

struct short_args { unsigned long seed; int slot; };
static struct short_args short_args[SHORT_SLOTS];

// One call with hostile arguments. `me` is the thread's inflight slot; a short-lived
// thread does not start others (depth 1), a grandchild passes `me` = -1.
static void fuzz_one(struct rng *r, int me, int may_start_threads)
{
    unsigned long total = 0;
    for (int i = 0; i < OP_COUNT; i++)
        total += op_weights[i];
    unsigned long pick = below(r, total);
    int op = 0;
    while (pick >= op_weights[op])
        pick -= op_weights[op++];

    long ts[2], words[4] = { 0, 0, 0, 0 };
    unsigned long p, n;
    switch (op) {
    case OP_READ:
        p = hostile_ptr(r);
        if (below(r, 4) == 0)
            fz_flagged(me, user_flags(r), ABI_SYSCALL_NUMBERS_READ, pick_fd(r), p, hostile_len(r, p));
        else
            fz(me, ABI_SYSCALL_NUMBERS_READ, pick_fd(r), p, hostile_len(r, p), 0, 0, 0);
        break;
    case OP_WRITE: {
        long fd = pick_fd(r);
        // To the console (stdin is the console too, and writable, as a tty on Linux)
        // only what cannot be printed: the log stays readable.
        p = fd >= 0 && fd <= 2 ? invalid_ptr(r) : hostile_ptr(r);
        if (below(r, 4) == 0)
            fz_flagged(me, user_flags(r), ABI_SYSCALL_NUMBERS_WRITE, fd, p, hostile_len(r, p));
        else
            fz(me, ABI_SYSCALL_NUMBERS_WRITE, fd, p, hostile_len(r, p), 0, 0, 0);
        break;
    }
    case OP_OPEN:
    case OP_OPENAT: {
        static const char long_name[] = "/modules/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        static const char *paths[] = { "/modules/fuzz", "/modules/hello", "/modules/nosuch", "", "/modules/", "/", long_name };
        unsigned long path = below(r, 3) == 0 ? hostile_ptr(r) : (unsigned long)paths[below(r, COUNT(paths))];
        long flags = below(r, 2) ? 0 : below(r, 2) ? (long)below(r, 0x100000) : (long)next(r);
        if (op == OP_OPEN)
            fz(me, ABI_SYSCALL_NUMBERS_OPEN, path, flags, below(r, 01000), 0, 0, 0);
        else
            fz(me, ABI_SYSCALL_NUMBERS_OPENAT, below(r, 2) ? ABI_OPEN_FLAGS_AT_FD_CWD : pick_fd(r), path, flags, below(r, 01000), 0, 0);
        break;
    }
    case OP_CLOSE:
        fz(me, ABI_SYSCALL_NUMBERS_CLOSE, pick_fd(r), 0, 0, 0, 0, 0);
        break;
    case OP_PATHS: {
        unsigned long nr = path_calls[below(r, sizeof path_calls / sizeof path_calls[0])];
        unsigned long a = fuzz_path(r), b = below(r, 2) ? fuzz_path(r) : hostile_ptr(r);
        p = hostile_ptr(r);
        switch (nr) {
        case ABI_SYSCALL_NUMBERS_NEWFSTATAT:
        case ABI_SYSCALL_NUMBERS_STATX:
            fz(me, nr, below(r, 2) ? ABI_OPEN_FLAGS_AT_FD_CWD : pick_fd(r), a, below(r, 2) ? 0 : (long)next(r), p, p, 0);
            break;
        case ABI_SYSCALL_NUMBERS_GETDENTS64:
        case ABI_SYSCALL_NUMBERS_FSTAT:
        case ABI_SYSCALL_NUMBERS_FTRUNCATE:
            fz(me, nr, pick_fd(r), p, hostile_len(r, p), 0, 0, 0);
            break;
        case ABI_SYSCALL_NUMBERS_EXECVE:
            fz(me, nr, hostile_ptr(r), p, hostile_ptr(r), 0, 0, 0);
            break;
        case ABI_SYSCALL_NUMBERS_UMASK:
            fz(me, nr, next(r) & 0777, 0, 0, 0, 0, 0); // the mode bits only: creations stay possible
            break;
        case ABI_SYSCALL_NUMBERS_TRUNCATE:
            fz(me, nr, a, below(r, 2) ? below(r, 2 * PAGE) : (long)next(r), 0, 0, 0, 0);
            break;
        default: // (path, path or buffer or mode, length)
            fz(me, nr, a, below(r, 2) ? b : p, hostile_len(r, p), 0, 0, 0);
            break;
        }
        break;
    }
    case OP_POLL: {
        static const long zero_time[2] = { 0, 0 }; // ppoll's: no timeout would be a wait without an end
        p = hostile_ptr(r);
        long timeout = below(r, 4) == 0 ? 1 + (long)below(r, 5) : 0; // never a wait without an end
        if (below(r, 2))
            fz(me, ABI_SYSCALL_NUMBERS_POLL, p, below(r, 8), timeout, 0, 0, 0);
        else
            fz(me, ABI_SYSCALL_NUMBERS_PPOLL, p, below(r, 8), (long)zero_time, below(r, 2) ? hostile_ptr(r) : 0, 8, 0);
        break;
    }
    case OP_MMAP: {
        long prot = below(r, 4) == 0 ? random_prot(r) : (long)below(r, 8);
        long type = below(r, 6) == 0 ? (long)below(r, 4) : below(r, 2) ? ABI_MAP_FLAGS_PRIVATE : ABI_MAP_FLAGS_SHARED;
        long extra = below(r, 4) == 0 ? (long)(next(r) & 0xFFFFF000UL & ~(unsigned long)(ABI_MAP_FLAGS_FIXED | ABI_MAP_FLAGS_FIXED_NO_REPLACE)) : 0;
        long fd = below(r, 3) == 0 ? (below(r, 2) ? file_fd : pick_fd(r)) : -1;
        long flags = type | extra | (fd == -1 || below(r, 4) == 0 ? ABI_MAP_FLAGS_ANONYMOUS : 0);
        unsigned long offset = below(r, 4) == 0 ? (below(r, 2) ? next(r) : below(r, 64) * PAGE) : 0;
        unsigned long address;
        switch (below(r, 4)) {
        case 0: // over the arena (MAP_FIXED or NOREPLACE)
            chaos_range(r, &address, &n);
            flags |= below(r, 3) ? ABI_MAP_FLAGS_FIXED : ABI_MAP_FLAGS_FIXED_NO_REPLACE;
            break;
        case 1: // refused fixed ranges
            bad_range(r, &address, &n);
            flags |= below(r, 2) ? ABI_MAP_FLAGS_FIXED : ABI_MAP_FLAGS_FIXED_NO_REPLACE;
            break;
        case 2: // a hint anywhere but the fixed zone (not fixed: must not replace
                // anything; a hint there could fill a hole the attacker made in P)
            address = below(r, 2) ? hostile_ptr(r) : 0;
            if (address >= ZONE_BASE && address < ZONE_BASE + ZONE_SIZE)
                address = CHAOS_BASE + (address & 0xFFFFF);
            n = hostile_len(r, address);
            break;
        default:
            address = 0;
            n = PAGE * (1 + below(r, 16));
            break;
        }
        long result = fz(me, ABI_SYSCALL_NUMBERS_MMAP, address, n, prot, flags, fd, offset);
        if (result >= 0 && !(flags & (ABI_MAP_FLAGS_FIXED | ABI_MAP_FLAGS_FIXED_NO_REPLACE))) {
            // A mapping the kernel placed must not overlap one that was there: the
            // fixed zone is all mapped, but for the holes the attacker makes in P.
            unsigned long end = (unsigned long)result + ((n + PAGE - 1) & ~(PAGE - 1));
            if (((unsigned long)result < PAT_BASE && end > ZONE_BASE)
                || ((unsigned long)result < ZONE_BASE + ZONE_SIZE && end > PAT_BASE + W))
                bad("mmap without MAP_FIXED placed a mapping over an existing one at", result, -1);
            else if ((unsigned long)result >= CHAOS_BASE + CHAOS_PAGES * PAGE || end <= CHAOS_BASE)
                fz(me, ABI_SYSCALL_NUMBERS_MUNMAP, result, n, 0, 0, 0, 0); // not in the arena: give it back
        }
        break;
    }
    case OP_MUNMAP:
        some_range(r, &p, &n);
        fz(me, ABI_SYSCALL_NUMBERS_MUNMAP, p, n, 0, 0, 0, 0);
        break;
    case OP_MPROTECT:
        some_range(r, &p, &n);
        fz(me, ABI_SYSCALL_NUMBERS_MPROTECT, p, n, below(r, 3) ? (long)below(r, 8) : random_prot(r), 0, 0, 0);
        break;
    case OP_BRK: {
        long now = fz(me, ABI_SYSCALL_NUMBERS_BRK, 0, 0, 0, 0, 0, 0);
        long values[] = { now + (long)below(r, 1 << 20), now - (long)below(r, 64 * 1024), now + (64L << 20) + 1,
                          (long)invalid_ptr(r), (long)next(r), now };
        fz(me, ABI_SYSCALL_NUMBERS_BRK, values[below(r, COUNT(values))], 0, 0, 0, 0, 0);
        break;
    }
    case OP_PIPE: {
        int fds[2];
        p = below(r, 2) ? (unsigned long)fds : hostile_ptr(r);
        if (below(r, 2))
            fz(me, ABI_SYSCALL_NUMBERS_PIPE, p, 0, 0, 0, 0, 0);
        else
            fz(me, ABI_SYSCALL_NUMBERS_PIPE2, p, below(r, 2) ? ABI_OPEN_FLAGS_CLOEXEC : below(r, 2) ? ABI_OPEN_FLAGS_NONBLOCK : (long)next(r), 0, 0, 0, 0);
        break;
    }
    case OP_YIELD: fz_flagged(me, user_flags(r), ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, 0, 0); break;
    case OP_NANOSLEEP: fz(me, ABI_SYSCALL_NUMBERS_NANOSLEEP, timespec_ptr(r, ts), hostile_ptr(r), 0, 0, 0, 0); break;
    case OP_GETPID: fz(me, ABI_SYSCALL_NUMBERS_GETPID, next(r), 0, 0, 0, 0, 0); break;
    case OP_GETTID: fz(me, ABI_SYSCALL_NUMBERS_GETTID, 0, next(r), 0, 0, 0, 0); break;
    case OP_CLONE_BAD: {
        // Clones that must not make a thread: no CLONE_VM (a new process: ENOSYS
        // today; if it ever works, the copy runs on a copy of this stack and ends at
        // once), or a thread's flags with a TLS outside user space (EPERM, as Linux).
        // (Not a bad stack: Linux starts that thread, and it dies in user mode.)
        long result;
        if (below(r, 2)) {
            result = fz(me, ABI_SYSCALL_NUMBERS_CLONE, (long)(next(r) & ~(unsigned long)ABI_CLONE_FLAGS_VM), 0, hostile_ptr(r), hostile_ptr(r), (long)next(r), 0);
        } else {
            unsigned long tls = below(r, 2) ? kernel_addresses[below(r, COUNT(kernel_addresses))]
                                            : noncanonical_addresses[below(r, COUNT(noncanonical_addresses))];
            result = fz(me, ABI_SYSCALL_NUMBERS_CLONE, THREAD_CLONE_FLAGS, (long)(stack_top(0) - 64), 0, 0, (long)tls, 0);
            if (result > 0)
                bad("clone of a thread with its TLS outside user space started it: tid", result, -1);
        }
        if (result == 0)
            sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 0);
        break;
    }
    case OP_THREAD: {
        if (!may_start_threads)
            break;
        for (int s = 0; s < SHORT_SLOTS; s++) {
            // Claim the slot (several fuzzers may look at once); its stack is free once
            // the kernel cleared the tid word of its last thread.
            int slot = T_WORKERS + s;
            long idle = 0;
            if (slots[slot].burned || !__atomic_compare_exchange_n(&slots[slot].running, &idle, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                continue;
            if (__atomic_load_n(&slots[slot].tid, __ATOMIC_SEQ_CST) != 0) {
                store(&slots[slot].running, 0);
                continue;
            }
            short_args[s].seed = next(r);
            short_args[s].slot = slot;
            // Now and then hostile tid pointers: the kernel writes the tid there (or
            // cannot) and clears it at exit (or cannot); the slot is not reused.
            long ptid = 0, ctid = 0;
            if (below(r, 4) == 0) {
                ptid = hostile_ptr(r);
                ctid = hostile_ptr(r);
                slots[slot].burned = 1;
            }
            if (start_in_slot(slot, short_thread, &short_args[s], ptid, ctid) < 0)
                slots[slot].burned = 0;
            break;
        }
        break;
    }
    case OP_FORK: {
        if (load(&grandchildren) >= 4)
            reap_some(me);
        if (load(&grandchildren) >= 4 || load(&stop))
            break;
        struct rng child = { next(r) };
        long pid = fz(me, ABI_SYSCALL_NUMBERS_FORK, 0, 0, 0, 0, 0, 0);
        if (pid == 0)
            grandchild(&child);
        if (pid > 0)
            add(&grandchildren, 1);
        break;
    }
    case OP_WAIT4: {
        int status = 0;
        long pids[] = { -1, -1, 0, (long)below(r, 200), (long)0x80000000UL, -(long)below(r, 100) };
        // Blocking only for any child: grandchildren end by themselves.
        long options = below(r, 4) == 0 ? (long)next(r) : below(r, 3) ? ABI_WAIT_STATUS_NO_HANG : 0;
        long pid = pids[below(r, COUNT(pids))];
        if (options == 0 && pid != -1)
            options = ABI_WAIT_STATUS_NO_HANG;
        p = below(r, 2) ? (unsigned long)&status : hostile_ptr(r);
        long result = fz(me, ABI_SYSCALL_NUMBERS_WAIT4, pid, p, options, below(r, 8) == 0 ? (long)hostile_ptr(r) : 0, 0, 0);
        if (result > 0) {
            add(&grandchildren, -1);
            if (p == (unsigned long)&status && (status & 0x7F) != 0)
                add(&sh->grandchildren_killed, 1);
        }
        break;
    }
    case OP_UNAME: fz(me, ABI_SYSCALL_NUMBERS_UNAME, hostile_ptr(r), 0, 0, 0, 0, 0); break;
    case OP_ARCH_PRCTL: {
        static const long codes[] = { 0x1001, 0x1002, 0x1003, 0x1004, 0x1002, 0x1003 };
        long code = below(r, 5) == 0 ? (long)below(r, 0x2000) : codes[below(r, COUNT(codes))];
        unsigned long fs = 0;
        sys2(ABI_SYSCALL_NUMBERS_ARCH_PRCTL, 0x1003, &fs);
        // With SET_FS to a user address, FS changes: put it back at once (musl's TLS).
        fz(me, ABI_SYSCALL_NUMBERS_ARCH_PRCTL, code, code == 0x1003 ? (long)hostile_ptr(r) : below(r, 2) ? (long)hostile_ptr(r) : (long)next(r), 0, 0, 0, 0);
        sys2(ABI_SYSCALL_NUMBERS_ARCH_PRCTL, 0x1002, fs);
        break;
    }
    case OP_FUTEX: {
        static int word;
        unsigned long address = below(r, 3) == 0 ? (unsigned long)&word + (below(r, 4) == 0 ? 1 + below(r, 3) : 0) : hostile_ptr(r);
        long op_code = below(r, 4) == 0 ? (long)below(r, 0x20000) : (long)below(r, 2) | (below(r, 2) ? ABI_FUTEX_OPS_PRIVATE_FLAG : 0) | (below(r, 4) == 0 ? 256 : 0);
        long value = below(r, 2) ? __atomic_load_n(&word, __ATOMIC_SEQ_CST) : (long)next(r);
        int wait = (op_code & ~384L) == ABI_FUTEX_OPS_WAIT && op_code <= 0xFFFF;
        // A wait always has a short timeout; a wake's fourth argument is val2.
        long fourth = wait ? (long)timespec_ptr(r, ts) : (long)next(r);
        if (below(r, 4) == 0)
            __atomic_add_fetch(&word, 1, __ATOMIC_SEQ_CST);
        fz(me, ABI_SYSCALL_NUMBERS_FUTEX, address, op_code, value, fourth, hostile_ptr(r), next(r));
        break;
    }
    case OP_CLOCK: {
        static const long clocks[] = { 0, 1, 4, 7, 2, 3, 5, 6, -1, 1L << 31 };
        fz(me, ABI_SYSCALL_NUMBERS_CLOCK_GETTIME, below(r, 4) == 0 ? (long)next(r) : clocks[below(r, COUNT(clocks))], hostile_ptr(r), 0, 0, 0, 0);
        break;
    }
    case OP_GETCPU: fz(me, ABI_SYSCALL_NUMBERS_GETCPU, below(r, 4) == 0 ? 0 : hostile_ptr(r), below(r, 4) == 0 ? 0 : hostile_ptr(r), next(r), 0, 0, 0); break;
    case OP_VMM_INFO: {
        // Flag 1 collects the kernel heap (every CPU stops): now and then.
        long flags = below(r, 4) == 0 ? 1 : below(r, 4) == 0 ? (long)next(r) : 0;
        fz(me, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO, hostile_ptr(r), flags, 0, 0, 0, 0);
        break;
    }
    case OP_SPAWN: {
        static const char *names[] = { "nosuch", "", "a-name-longer-than-the-kernel-takes-for-a-module-name-0123456789abcdef" };
        unsigned long name = below(r, 2) ? hostile_ptr(r) : (unsigned long)names[below(r, COUNT(names))];
        // Rarely a real program (it prints three lines): an exec under all this.
        if (below(r, 40) == 0 && !load(&stop))
            name = (unsigned long)"asmhello";
        long pid = fz(me, ABI_SYSCALL_NUMBERS_COSMOS_SPAWN, name, 0, 0, 0, 0, 0);
        if (pid > 0)
            add(&grandchildren, 1);
        break;
    }
    case OP_SET_STRATEGY: {
        // Never a strategy's name: a boot with strategy= answers EPERM anyway, one
        // without it must not switch because of the fuzzer.
        unsigned long name = below(r, 2) ? hostile_ptr(r) : (unsigned long)"nosuch";
        fz(me, ABI_SYSCALL_NUMBERS_COSMOS_SET_STRATEGY, name, 0, 0, 0, 0, 0);
        break;
    }
    case OP_DOUBLE_FETCH:
        words[0] = hostile_ptr(r);
        words[1] = below(r, 4) == 0 ? (long)next(r) : (long)below(r, 300);
        fz(me, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, below(r, 2) ? (long)words : (long)hostile_ptr(r), below(r, 4) == 0 ? (long)next(r) : (long)below(r, 2), 0, 0, 0, 0);
        break;
    case OP_BENCH: {
        // Timed copies on slot 0 only (the parent made its buffers before the
        // baseline; another slot would allocate 2 MiB of kernel heap for good), few
        // iterations; op 2 is the lock-fairness run (4 kernel threads), now and then.
        long op_code = below(r, 8) == 0 ? (long)ABI_COSMOS_BENCH_LOCK_FAIRNESS : below(r, 8) == 0 ? (long)next(r) : (long)below(r, 2);
        long size = below(r, 4) == 0 ? (long)next(r) : (long)below(r, 64 * 1024);
        long slot = below(r, 4) == 0 ? 4 + (long)below(r, 100) : 0;
        long iterations = below(r, 8) == 0 ? 1000001 : (long)below(r, 5);
        if (op_code == (long)ABI_COSMOS_BENCH_LOCK_FAIRNESS)
            fz(me, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, ABI_COSMOS_BENCH_LOCK_FAIRNESS, hostile_ptr(r), 0, below(r, 3), 0, 0);
        else
            fz(me, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, op_code, hostile_ptr(r), size, below(r, 3), iterations, slot);
        break;
    }
    case OP_READV: fuzz_vector(r, me, ABI_SYSCALL_NUMBERS_READV); break;
    case OP_WRITEV: fuzz_vector(r, me, ABI_SYSCALL_NUMBERS_WRITEV); break;
    case OP_PREAD:
    case OP_PWRITE: {
        // pwrite only from invalid buffers: a pwrite that works would be to a file the
        // kernel does not let anyone write, and to the console it is ESPIPE.
        p = op == OP_PREAD ? hostile_ptr(r) : invalid_ptr(r);
        fz(me, op == OP_PREAD ? ABI_SYSCALL_NUMBERS_PREAD64 : ABI_SYSCALL_NUMBERS_PWRITE64, pick_fd(r), p, hostile_len(r, p), hostile_offset(r), 0, 0);
        break;
    }
    case OP_LSEEK: fz(me, ABI_SYSCALL_NUMBERS_LSEEK, pick_fd(r), hostile_offset(r), below(r, 4) == 0 ? (long)next(r) : (long)below(r, 6), 0, 0, 0); break;
    case OP_DUP:
    case OP_FCNTL: fuzz_descriptors(r, me, op); break;
    default: {
        long nr = unknown_number(r);
        long result = fz(me, nr, hostile_ptr(r), hostile_ptr(r), (long)next(r), (long)hostile_ptr(r), (long)next(r), (long)next(r));
        if (result != -ABI_ERRNO_ENOSYS)
            add(&sh->unknown_answered, 1);
        break;
    }
    }
}

// A grandchild (fork in the chaos): drops the pattern's descriptors (the reader must
// see end of file when the writer closes), makes a few calls that cannot block (no
// read: its fd 0 may be a fuzzed pipe whose write end it holds itself), on its
// copy-on-write copy of the arena, and ends.
static void grandchild(struct rng *r)
{
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, pipe_fds[0]);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, pipe_fds[1]);
    int calls = (int)below(r, 8);
    for (int i = 0; i < calls; i++) {
        unsigned long p, n;
        switch (below(r, 6)) {
        case 0: chaos_range(r, &p, &n); sys3(ABI_SYSCALL_NUMBERS_MUNMAP, p, n, 0); break;
        case 1: chaos_range(r, &p, &n); sys3(ABI_SYSCALL_NUMBERS_MPROTECT, p, n, below(r, 8)); break;
        case 2: chaos_range(r, &p, &n); sys6(ABI_SYSCALL_NUMBERS_MMAP, p, n, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0); break;
        case 3: sys1(ABI_SYSCALL_NUMBERS_UNAME, hostile_ptr(r)); break;
        case 4: sys2(ABI_SYSCALL_NUMBERS_CLOCK_GETTIME, 1, hostile_ptr(r)); break;
        default: p = invalid_ptr(r); sys3(ABI_SYSCALL_NUMBERS_WRITE, 1, p, hostile_len(r, p)); break;
        }
    }
    sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, below(r, 256));
}

// A short-lived thread: a few dozen calls, then exit(2) with any status.
static int short_thread(void *arg, unsigned long entry_rflags)
{
    struct short_args *a = arg;
    struct rng r = { a->seed };
    int calls = 1 + (int)below(&r, 60);
    for (int i = 0; i < calls && !load(&stop); i++)
        fuzz_one(&r, a->slot, 0);
    store(&slots[a->slot].running, 0);
    return (int)below(&r, 256);
}

static int fuzzer(void *arg, unsigned long entry_rflags)
{
    int me = (int)(long)arg;
    struct rng r = { mix(round_seed, (unsigned long)me) };
    while (!load(&stop))
        fuzz_one(&r, me, 1);
    return 0;
}

// ---- the attackers ------------------------------------------------------------------

// mremap over the arena: grow or shrink [p, p + n) in place, move it (its pages with
// it) to another place in the arena over what is there, with MREMAP_DONTUNMAP now and
// then, or with a target the kernel must refuse. Never a move the kernel places (it
// could land anywhere in this program).
static void attack_mremap(struct rng *r, unsigned long p, unsigned long n)
{
    unsigned long end = CHAOS_BASE + CHAOS_PAGES * PAGE;
    unsigned long q, m;
    switch (below(r, 4)) {
    case 0: // in place
        fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MREMAP, p, n, 1 + below(r, end - p), 0, 0, 0);
        break;
    case 1: case 2: // moved within the arena
        chaos_range(r, &q, &m);
        if (below(r, 4) == 0 && n <= end - q)
            fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MREMAP, p, n, n, ABI_MREMAP_FLAGS_MAY_MOVE | ABI_MREMAP_FLAGS_FIXED | ABI_MREMAP_FLAGS_DONT_UNMAP, q, 0);
        else
            fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MREMAP, p, n, 1 + below(r, end - q), ABI_MREMAP_FLAGS_MAY_MOVE | ABI_MREMAP_FLAGS_FIXED, q, 0);
        break;
    default: // a target no move may reach, or flags it must refuse
        bad_range(r, &q, &m);
        fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MREMAP, p, n, m, below(r, 2) ? ABI_MREMAP_FLAGS_MAY_MOVE | ABI_MREMAP_FLAGS_FIXED : (long)next(r) | ABI_MREMAP_FLAGS_FIXED, q, 0);
        break;
    }
}

// Over the arena: unmap, re-protect, map anonymous (private, shared) or file pages
// (some past the file's end) over any range, and now and then restore A or D.
static int attacker_ad(void *arg, unsigned long entry_rflags)
{
    struct rng r = { mix(round_seed, 100) };
    while (!load(&stop)) {
        unsigned long p, n;
        chaos_range(&r, &p, &n);
        switch (below(&r, 10)) {
        case 8: case 9: attack_mremap(&r, p, n); break;
        case 0: case 1: fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MUNMAP, p, n, 0, 0, 0, 0); break;
        case 2: case 3: fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MPROTECT, p, n, below(&r, 8), 0, 0, 0); break;
        case 4: fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MMAP, p, n, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0); break;
        case 5: fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MMAP, p, n, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_SHARED | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0); break;
        case 6: fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MMAP, p, n, below(&r, 8) & 5, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_FIXED, file_fd, below(&r, W / PAGE + 8) * PAGE); break;
        default:
            if (below(&r, 2))
                fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MMAP, CHAOS_BASE, A_PAGES * PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0);
            else
                fz(T_ATTACK_AD, ABI_SYSCALL_NUMBERS_MMAP, CHAOS_BASE + D_FIRST * PAGE, D_PAGES * PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0);
            break;
        }
    }
    return 0;
}

// Over the writer's source P: unmap, make PROT_NONE or read-only, or map the same file
// pages again at the same place (the same bytes: whatever the writer copies must
// still be the pattern). Never writable: then a read() into P would change it.
static int attacker_p(void *arg, unsigned long entry_rflags)
{
    struct rng r = { mix(round_seed, 101) };
    unsigned long pages = W / PAGE;
    while (!load(&stop)) {
        unsigned long first = below(&r, pages);
        unsigned long count = 1 + below(&r, pages - first);
        unsigned long p = PAT_BASE + first * PAGE, n = count * PAGE;
        static const long prots[] = { ABI_PROT_NONE, ABI_PROT_READ, ABI_PROT_READ | ABI_PROT_EXEC };
        switch (below(&r, 6)) {
        case 0: fz(T_ATTACK_P, ABI_SYSCALL_NUMBERS_MUNMAP, p, n, 0, 0, 0, 0); break;
        case 1: case 2: fz(T_ATTACK_P, ABI_SYSCALL_NUMBERS_MPROTECT, p, n, prots[below(&r, 3)], 0, 0, 0); break;
        case 3: fz(T_ATTACK_P, ABI_SYSCALL_NUMBERS_MMAP, p, n, prots[1 + below(&r, 2)], ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_FIXED, file_fd, first * PAGE); break;
        default: fz(T_ATTACK_P, ABI_SYSCALL_NUMBERS_MMAP, PAT_BASE, W, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_FIXED, file_fd, 0); break;
        }
        if (below(&r, 4) == 0)
            fz(T_ATTACK_P, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, 0, 0, 0, 0, 0);
    }
    return 0;
}

// ---- the pattern: writer and reader ------------------------------------------------
//
// Stream byte s is expected[s % W]; the writer writes from P (or the stable copy) at
// offset wpos % W, never across W, so the bytes it means to write are the stream's
// next ones whatever the attacker does to P.

static int writer(void *arg, unsigned long entry_rflags)
{
    struct rng r = { mix(round_seed, 102) };
    long wpos = 0;
    while (!load(&stop)) {
        unsigned long offset = (unsigned long)wpos % W, room = W - offset;
        unsigned long src, length;
        int kind = (int)below(&r, 10);
        switch (kind) {
        case 0: case 1: case 2: case 3: case 4: // from P, under attack
            src = PAT_BASE + offset;
            length = below(&r, 4) == 0 ? room : 1 + below(&r, room < 16384 ? room : 16384);
            break;
        case 5: case 6: // from the stable copy: must go through whole
            src = (unsigned long)expected + offset;
            length = 1 + below(&r, room < 16384 ? room : 16384);
            break;
        case 7: // across P's end into the PROT_NONE zone: at most `room` bytes
            src = PAT_BASE + offset;
            length = room + 1 + below(&r, 8192);
            break;
        case 8: // nothing may be taken from an invalid pointer
            src = invalid_ptr(&r);
            length = 1 + below(&r, 8192);
            break;
        default:
            src = PAT_BASE + offset;
            length = 0;
            break;
        }
        store(&inflight_end, wpos + (long)length);
        long n = fz(T_WRITER, ABI_SYSCALL_NUMBERS_WRITE, pipe_fds[1], src, length, 0, 0, 0);
        if (n > 0) {
            if ((unsigned long)n > length || (kind == 7 && (unsigned long)n > room))
                bad("write to the pattern pipe reported more bytes than it could take", n, kind == 7 ? (long)room : (long)length);
            if (kind == 8)
                bad("write from an invalid pointer moved bytes", n, -ABI_ERRNO_EFAULT);
            wpos += n;
            store(&sh->written, wpos);
            if ((kind == 5 || kind == 6) && (unsigned long)n != length)
                bad("write from a mapped buffer into a pipe with a reader stopped early", n, (long)length);
        } else if (n == 0) {
            if (length != 0)
                bad("write of a nonzero count returned 0", 0, (long)length);
        } else {
            if (kind == 8 && n != -ABI_ERRNO_EFAULT)
                bad("write from an invalid pointer", n, -ABI_ERRNO_EFAULT);
            if (kind == 5 || kind == 6 || kind == 9)
                bad("write from a mapped buffer failed", n, (long)length);
        }
        store(&inflight_end, wpos);
    }
    final_written = wpos;
    store(&writer_done, 1);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, pipe_fds[1]);
    return 0;
}

static int reader(void *arg, unsigned long entry_rflags)
{
    struct rng r = { mix(round_seed, 103) };
    long rpos = 0;
    while (1) {
        int final = load(&writer_done) != 0;
        unsigned long dst, length;
        int kind = final ? 0 : (int)below(&r, 10);
        switch (kind) {
        case 0: case 1: case 2: case 3: case 4: // the stable buffer: every byte checked
            dst = (unsigned long)checked_buffer;
            length = final ? PAT_MAX : 1 + below(&r, PAT_MAX);
            break;
        case 5: case 6: // D, under attack: only counted
            dst = CHAOS_BASE + D_FIRST * PAGE + below(&r, D_PAGES * PAGE);
            length = 1 + below(&r, 16384);
            break;
        case 7: { // across D's end
            unsigned long k = 1 + below(&r, 64);
            dst = CHAOS_BASE + (D_FIRST + D_PAGES) * PAGE - k;
            length = k + below(&r, 8192);
            break;
        }
        case 8:
            dst = invalid_ptr(&r);
            length = 1 + below(&r, 8192);
            break;
        default:
            dst = (unsigned long)checked_buffer;
            length = 0;
            break;
        }
        long n = fz(T_READER, ABI_SYSCALL_NUMBERS_READ, pipe_fds[0], dst, length, 0, 0, 0);
        if (n > 0) {
            if ((unsigned long)n > length)
                bad("read from the pattern pipe reported more bytes than asked", n, (long)length);
            if (kind == 8)
                bad("read into an invalid pointer took bytes", n, -ABI_ERRNO_EFAULT);
            if (dst == (unsigned long)checked_buffer) {
                for (long i = 0; i < n; i++) {
                    unsigned char want = expected[(unsigned long)(rpos + i) % W];
                    if (checked_buffer[i] != want) {
                        bad_at("the reader's byte at stream offset", rpos + i, checked_buffer[i], want);
                        break;
                    }
                }
                add(&sh->checked, n);
            }
            rpos += n;
            store(&sh->read, rpos);
            long limit = load(&inflight_end);
            if (load(&writer_done))
                limit = final_written;
            if (rpos > limit)
                bad("the reader received more than was written (position, limit)", rpos, limit);
        } else if (n == 0) {
            if (length == 0)
                continue;
            if (!final && !load(&writer_done))
                bad("end of file on the pattern pipe while its writer is open, at", rpos, -1);
            break;
        } else {
            if (kind == 8 && n != -ABI_ERRNO_EFAULT)
                bad("read into an invalid pointer", n, -ABI_ERRNO_EFAULT);
            if (kind == 0 || kind == 1 || kind == 2 || kind == 3 || kind == 4 || kind == 9)
                bad("read into a mapped buffer failed", n, (long)length);
        }
    }
    if (rpos != final_written)
        bad("the reader got a different number of bytes than were written (read, written)", rpos, final_written);
    store(&sh->complete, 1);
    return 0;
}

// ---- the chaos child --------------------------------------------------------------

#define STUCK_MS 20000  // a thread still in the kernel this long after the round's end: a stall

// Close every descriptor but the pattern's and the file's: a thread in read() on a
// fuzzed pipe gets end of file, one in write() gets EPIPE.
static void close_fuzzed_fds(void)
{
    for (long fd = 0; fd < MAX_FD; fd++)
        if (!reserved_fd(fd))
            sys1(ABI_SYSCALL_NUMBERS_CLOSE, fd);
}

static void map_or_die(unsigned long address, unsigned long length, long prot, long flags, long fd, const char *what)
{
    long result = sys6(ABI_SYSCALL_NUMBERS_MMAP, address, length, prot, flags | ABI_MAP_FLAGS_FIXED, fd, 0);
    if (result != (long)address) {
        bad(what, result, (long)address);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 4);
    }
}

static void chaos_child(long round_ms)
{
    // The console (fds 0-2 and every dup of them share its open file) answers reads
    // with EAGAIN instead of waiting for a user to type: a fuzzed read of it must not
    // look like a stall.
    sys3(ABI_SYSCALL_NUMBERS_FCNTL, 1, ABI_FCNTL_COMMANDS_SET_FL, ABI_OPEN_FLAGS_NONBLOCK);
    // The arena and the fixed zone (see the layout above); the shared page is the
    // parent's mapping, inherited.
    map_or_die(ZONE_BASE + SHARED_PAGES * PAGE, ZONE_SIZE - SHARED_PAGES * PAGE, ABI_PROT_NONE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, "mmap of the fixed zone");
    map_or_die(STACKS_BASE, MAX_SLOTS * STACK_STRIDE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, "mmap of the thread stacks");
    for (int s = 0; s < MAX_SLOTS; s++) // a guard page below each stack
        sys3(ABI_SYSCALL_NUMBERS_MPROTECT, STACKS_BASE + s * STACK_STRIDE, PAGE, ABI_PROT_NONE);
    map_or_die(STR_PAGE, PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, "mmap of the string page");
    for (unsigned long i = 0; i < PAGE; i++)
        ((char *)STR_PAGE)[i] = 'a';
    map_or_die(RO_BASE, 4 * PAGE, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, "mmap of the read-only pages");
    file_fd = (int)sys2(ABI_SYSCALL_NUMBERS_OPEN, "/modules/fuzz", 0);
    if (file_fd < 0) {
        bad("open /modules/fuzz", file_fd, 3);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 4);
    }
    map_or_die(PAT_BASE, W, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE, file_fd, "mmap of the pattern's file pages");
    map_or_die(CHAOS_BASE, A_PAGES * PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, "mmap of A");
    map_or_die(CHAOS_BASE + D_FIRST * PAGE, D_PAGES * PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, "mmap of D");
    if (sys1(ABI_SYSCALL_NUMBERS_PIPE, pipe_fds) != 0) {
        bad("pipe for the pattern", -1, 0);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 4);
    }

    // The pattern's writer only with its reader (alone, it would fill the pipe and
    // wait for good), and the reader first; a reader without its writer gets end of file.
    static int (*const bodies[T_WORKERS])(void *, unsigned long) = { writer, reader, attacker_p, attacker_ad, fuzzer, fuzzer, fuzzer };
    static const int order[T_WORKERS] = { T_READER, T_WRITER, T_ATTACK_P, T_ATTACK_AD, T_FUZZ0, T_FUZZ1, T_FUZZ2 };
    int started = 0;
    for (int i = 0; i < T_WORKERS; i++) {
        int t = order[i];
        if (t == T_WRITER && !(started & (1 << T_READER)))
            continue;
        if (((worker_mask >> t) & 1) && start_in_slot(t, bodies[t], (void *)(long)t, 0, 0) > 0)
            started |= 1 << t;
    }
    if (!(started & (1 << T_WRITER))) {
        store(&writer_done, 1);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, pipe_fds[1]);
    }

    struct rng r = { mix(round_seed, 200) };
    long start = now_ms();
    long end = start + round_ms;
    if (kill_round)
        end = start + round_ms / 5 + (long)below(&r, (unsigned long)round_ms * 4 / 5);
    while (now_ms() < end) {
        add(&sh->heartbeat, 1);
        sleep_ms(10);
    }
    if (kill_round) {
        // Everything is in flight: every thread ends wherever it is.
        store(&sh->killing, 1);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 0);
    }

    // In order: every thread finishes its call (fuzzed descriptors closed under them,
    // again and again, as they may make new ones), the writer closes its end, the
    // reader reads to end of file and checks the total.
    store(&stop, 1);
    long deadline = now_ms() + STUCK_MS;
    int all = 0;
    while (!all && now_ms() < deadline) {
        add(&sh->heartbeat, 1);
        close_fuzzed_fds();
        all = 1;
        for (int t = 0; t < T_TOTAL; t++)
            if (((started & (1 << t)) || t >= T_WORKERS) && !slots[t].burned && !join_slot(t, now_ms() + 50))
                all = 0;
    }
    if (!all) {
        for (int t = 0; t < T_TOTAL; t++)
            if (((started & (1 << t)) || t >= T_WORKERS) && !slots[t].burned && __atomic_load_n(&slots[t].tid, __ATOMIC_SEQ_CST) != 0)
                sh->stuck_mask |= 1L << t;
        store(&sh->stuck, 1);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 3);
    }
    // Burned slots (hostile tid pointers) cannot be joined: give them a moment.
    for (int t = T_WORKERS; t < T_TOTAL; t++)
        for (int wait = 0; slots[t].burned && load(&slots[t].running) && wait < 100; wait++)
            sleep_ms(10);
    long reap_deadline = now_ms() + 5000;
    while (now_ms() < reap_deadline) {
        int status;
        long pid = sys4(ABI_SYSCALL_NUMBERS_WAIT4, -1, &status, ABI_WAIT_STATUS_NO_HANG, 0);
        if (pid < 0)
            break;                      // ECHILD: none left
        if (pid > 0 && (status & 0x7F) != 0)
            add(&sh->grandchildren_killed, 1);
        if (pid == 0)
            sleep_ms(10);
    }
    sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 0);
}

// ---- the parent --------------------------------------------------------------------

// The heap after a collection may keep what a conservative scan of kernel stacks still
// sees (a stale pointer in a register, the last child's process): a bound that does
// not grow with the calls. A leaked pipe with bytes in it is 4 to 64 KiB of buffer.
#define HEAP_SLACK (8 * 1024L)
#define ROUND_MS 2000L
#define WATCHDOG_GRACE_MS 60000L // the child's own bound (STUCK_MS + reaping) plus a margin
#define HEARTBEAT_MS 20000L      // the child's main thread must tick within this

// "replay with run=fuzz:SEED:SECONDS[:ROUND]" (round < 0: every round).
static void add_replay(struct check_line *line, unsigned long seed, long seconds, long round)
{
    line_add(line, "replay with run=fuzz:");
    line_add_long(line, (long)seed);
    line_add(line, ":");
    line_add_long(line, seconds);
    if (round >= 0) {
        line_add(line, ":");
        line_add_long(line, round);
    }
}

static void say(const char *text)
{
    struct check_line line = { .length = 0 };
    line_add(&line, text);
    line_print(&line);
}

static void print2(const char *a, long v, const char *b)
{
    struct check_line line = { .length = 0 };
    line_add(&line, a);
    line_add_long(&line, v);
    line_add(&line, b);
    line_print(&line);
}

// What each thread of the chaos child was in when it stalled or died.
static void print_inflight(void)
{
    for (int t = 0; t < T_TOTAL; t++) {
        struct inflight *f = &sh->t[t];
        if (!f->active)
            continue;
        struct check_line line = { .length = 0 };
        line_add(&line, "fuzz:   ");
        line_add(&line, thread_names[t]);
        line_add(&line, ((sh->stuck_mask >> t) & 1) ? " (did not end)" : "");
        line_add(&line, " in syscall ");
        line_add_long(&line, f->nr);
        line_add(&line, "(");
        for (int i = 0; i < 6; i++) {
            line_add(&line, i ? ", " : "");
            line_add_hex(&line, (unsigned long)f->a[i]);
        }
        line_add(&line, ") after ");
        line_add_long(&line, f->calls);
        line_add(&line, " calls");
        line_print(&line);
    }
}

static unsigned long parse_number(const char *s, int *ok)
{
    unsigned long v = 0;
    *ok = *s != 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            *ok = 0;
            return 0;
        }
        v = v * 10 + (unsigned long)(*s - '0');
    }
    return v;
}

// The kernel keeps what it made for the most threads it ever had at once (the page
// tables of its stack area, its thread table): a burst of more threads than a round
// will have, before the baseline, so that a round's threads do not count as a leak.
#define BURST_CHILDREN 3
#define BURST_THREADS 15

static int burst_thread(void *arg, unsigned long entry_rflags)
{
    add(&sh->calls, 1);
    while (!load(&sh->release))
        sleep_ms(5);
    return 0;
}

static void thread_burst(void)
{
    long pids[BURST_CHILDREN];
    for (int c = 0; c < BURST_CHILDREN; c++) {
        pids[c] = sys0(ABI_SYSCALL_NUMBERS_FORK);
        if (pids[c] != 0)
            continue;
        sys6(ABI_SYSCALL_NUMBERS_MMAP, STACKS_BASE, MAX_SLOTS * STACK_STRIDE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0);
        for (int t = 0; t < BURST_THREADS; t++)
            start_in_slot(t, burst_thread, 0, 0, 0);
        for (int t = 0; t < BURST_THREADS; t++)
            join_slot(t, now_ms() + 30000);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 0);
    }
    long deadline = now_ms() + 20000;
    while (load(&sh->calls) < BURST_CHILDREN * BURST_THREADS && now_ms() < deadline)
        sleep_ms(10);
    store(&sh->release, 1);
    for (int c = 0; c < BURST_CHILDREN; c++) {
        int status;
        if (pids[c] > 0)
            sys4(ABI_SYSCALL_NUMBERS_WAIT4, pids[c], &status, 0, 0);
    }
    store(&sh->calls, 0);
    store(&sh->release, 0);
}

// Touch the stack below this frame (fuzz_main's frame and what its calls will use)
// and every page of this program's image: code the parent first runs after the
// baseline would be loaded from the file then, a frame that is no leak.
extern char __executable_start[], _end[];

static __attribute__((noinline)) void prefault(void)
{
    volatile char pages[64 * 1024];
    for (unsigned long i = 0; i < sizeof pages; i += PAGE)
        pages[i] = 1;
    for (volatile char *p = __executable_start; p < _end; p += PAGE)
        (void)*p;
}

// A child that makes and drops a pipe and a thread (kernel stack frames like a
// round's, with fresh contents), and ends.
static void scrub(void)
{
    long pid = sys0(ABI_SYSCALL_NUMBERS_FORK);
    if (pid == 0) {
        int fds[2];
        char byte = 1;
        if (sys1(ABI_SYSCALL_NUMBERS_PIPE, fds) == 0) {
            sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], &byte, 1);
            sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], &byte, 1);
            sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[0]);
            sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[1]);
        }
        sys6(ABI_SYSCALL_NUMBERS_MMAP, STACKS_BASE, STACK_STRIDE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0);
        store(&sh->release, 1);
        if (start_in_slot(0, burst_thread, 0, 0, 0) > 0)
            join_slot(0, now_ms() + 10000);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 0);
    }
    int status;
    if (pid > 0)
        sys4(ABI_SYSCALL_NUMBERS_WAIT4, pid, &status, 0, 0);
}

// ---- the file tree: what hostile paths make -------------------------------------------
// open with O_CREAT and a hostile path (random bytes) makes files: in the working
// directory, /fuzzroom, made before the baseline, or now and then in "/" (a path
// that starts with a '/' byte). They are the kernel's to keep, not leaks: before the
// heap is compared, every name made since the start goes.

static char root_names[4096];   // "/"'s names at the start, each followed by a NUL
static long root_names_length;

// Call `each(directory fd, name)` for every name in the directory `fd` but . and ..
static void each_name(long fd, void (*each)(long, const char *))
{
    static char records[2048];
    long n;
    while ((n = sys3(ABI_SYSCALL_NUMBERS_GETDENTS64, fd, records, sizeof records)) > 0)
        for (long at = 0; at < n; at += *(unsigned short *)(records + at + ABI_DIRENT_RECORD_LENGTH)) {
            const char *name = records + at + ABI_DIRENT_NAME;
            if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))))
                each(fd, name);
        }
}

static void remember_root_name(long fd, const char *name)
{
    (void)fd;
    for (unsigned long i = 0; i <= check_strlen(name) && root_names_length < (long)sizeof root_names; i++)
        root_names[root_names_length++] = name[i];
}

static void remove_new_name(long fd, const char *name)
{
    for (long at = 0; at < root_names_length; at += (long)check_strlen(root_names + at) + 1) {
        const char *old = root_names + at;
        unsigned long i = 0;
        while (old[i] && old[i] == name[i])
            i++;
        if (old[i] == name[i])
            return; // there from the start
    }
    if (sys3(ABI_SYSCALL_NUMBERS_UNLINKAT, fd, name, 0) == -ABI_ERRNO_EISDIR)
        sys3(ABI_SYSCALL_NUMBERS_UNLINKAT, fd, name, ABI_AT_FLAGS_REMOVE_DIR);
}

static void enter_room(void)
{
    long root = sys4(ABI_SYSCALL_NUMBERS_OPENAT, ABI_OPEN_FLAGS_AT_FD_CWD, "/", ABI_OPEN_FLAGS_DIRECTORY, 0);
    each_name(root, remember_root_name);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, root);
    if (sys2(ABI_SYSCALL_NUMBERS_MKDIR, "/fuzzroom", 0755) == 0)
        remember_root_name(0, "fuzzroom");
    if (sys1(ABI_SYSCALL_NUMBERS_CHDIR, "/fuzzroom") != 0)
        say("fuzz: no /fuzzroom: files that hostile paths make will count as leaks");
}

// Every name made since enter_room: all of /fuzzroom's (it started empty) and the
// new ones in "/".
static void tidy_tree(void)
{
    long room = sys4(ABI_SYSCALL_NUMBERS_OPENAT, ABI_OPEN_FLAGS_AT_FD_CWD, "/fuzzroom", ABI_OPEN_FLAGS_DIRECTORY, 0);
    long saved = root_names_length;
    root_names_length = 0;
    if (room >= 0)
        each_name(room, remove_new_name);
    root_names_length = saved;
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, room);
    long root = sys4(ABI_SYSCALL_NUMBERS_OPENAT, ABI_OPEN_FLAGS_AT_FD_CWD, "/", ABI_OPEN_FLAGS_DIRECTORY, 0);
    each_name(root, remove_new_name);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, root);
}

static long info(struct abi_vmm_info *v, int collect) { return sys2(ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO, v, collect); }

// Wait until the kernel holds as many processes and threads as at the baseline (the
// last children end and their threads switch away): whether it did within `ms`.
static int settle(const struct abi_vmm_info *base, struct abi_vmm_info *now, long ms)
{
    long deadline = now_ms() + ms;
    while (1) {
        info(now, 0);
        if (now->processes == base->processes && now->threads == base->threads)
            return 1;
        if (now_ms() > deadline)
            return 0;
        sleep_ms(20);
    }
}

static __attribute__((noinline)) int fuzz_main(int argc, char **argv)
{
    int ok = 1;
    unsigned long seed;
    __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax" : "=a"(seed) : : "rdx");
    seed = mix(seed, 0) % 1000000000000UL;
    if (argc > 1)
        seed = parse_number(argv[1], &ok);
    long seconds = 20;
    if (ok && argc > 2)
        seconds = (long)parse_number(argv[2], &ok);
    long only_round = -1;
    if (ok && argc > 3)
        only_round = (long)parse_number(argv[3], &ok);
    if (ok && argc > 4)
        worker_mask = (long)parse_number(argv[4], &ok);
    if (!ok) {
        say("fuzz: usage: fuzz [SEED [SECONDS [ROUND [WORKERS]]]] (decimal numbers)");
        return 2;
    }
    print2("fuzz: seed ", (long)seed, "");

    // The shared page, and the pattern: the first whole pages of this program's file.
    if (sys6(ABI_SYSCALL_NUMBERS_MMAP, SAFE_BASE, SHARED_PAGES * PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_SHARED | ABI_MAP_FLAGS_ANONYMOUS | ABI_MAP_FLAGS_FIXED, -1, 0) != (long)SAFE_BASE) {
        say("fuzz: mmap of the shared pages failed");
        return 2;
    }
    long fd = sys2(ABI_SYSCALL_NUMBERS_OPEN, "/modules/fuzz", 0), got;
    while (fd >= 0 && W < PAT_MAX && (got = sys3(ABI_SYSCALL_NUMBERS_READ, fd, expected + W, PAT_MAX - W)) > 0)
        W += (unsigned long)got;
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fd);
    W &= ~(PAGE - 1);
    if (W < 2 * PAGE) {
        print2("fuzz: cannot read /modules/fuzz (", (long)W, " bytes)");
        return 2;
    }

    // Warm-up, before the baseline: what the kernel makes once and keeps (the
    // benchmark's slot-0 buffers, the double-fetch demo's buffer, the lock-fairness
    // run's state, tables for more threads than a round has: thread_burst), and the
    // shared pages (main touched the image and the stack: prefault).
    round_seed = 0;
    kill_round = 0;
    enter_room();
    for (unsigned long i = 0; i < sizeof *sh; i++)
        ((volatile char *)sh)[i] = 0;
    char one[64];
    long request[2] = { (long)one, 1 };
    long fairness[4];
    sys6(ABI_SYSCALL_NUMBERS_COSMOS_BENCH, ABI_COSMOS_BENCH_COPY_USER, (long)one, 1, ABI_COSMOS_BENCH_FROM_USER, 1, 0);
    sys2(ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, request, 0);
    sys4(ABI_SYSCALL_NUMBERS_COSMOS_BENCH, ABI_COSMOS_BENCH_LOCK_FAIRNESS, fairness, 0, ABI_LOCK_FAIRNESS_RESULT_FIFO_MUTEX);
    thread_burst();
    int status;

    struct abi_vmm_info base, now;
    int heap_checked = info(&base, 1) == 0;
    if (!heap_checked)
        info(&base, 0);
    {
        struct check_line line = { .length = 0 };
        line_add(&line, "fuzz: ");
        line_add_long(&line, seconds);
        line_add(&line, " s on ");
        line_add_long(&line, (long)base.cpus_online);
        line_add(&line, base.cpus_online == 1 ? " CPU, strategy " : " CPUs, strategy ");
        // struct cosmos_vmm_info starts with the strategy's name (16 bytes, as two words).
        char *strategy = (char *)&base + ABI_VMM_INFO_OFFSETOF_STRATEGY_NAME0;
        strategy[ABI_VMM_INFO_STRATEGY_NAME_BYTES - 1] = 0;
        line_add(&line, strategy);
        line_add(&line, "; ");
        add_replay(&line, seed, seconds, -1);
        line_print(&line);
    }
    if (!heap_checked)
        say("fuzz: cosmos_vmm_info cannot collect the kernel heap (boot with lab): the heap is not checked");

    long calls = 0, rounds = 0, stalls = 0, bad_data = 0, killed = 0, kill_rounds = 0, unknown_answered = 0;
    long start = now_ms();
    while (now_ms() - start < seconds * 1000 && stalls == 0) {
        long round = only_round >= 0 ? only_round : rounds;
        round_seed = mix(seed, (unsigned long)round + 1);
        struct rng r = { round_seed };
        kill_round = below(&r, 3) == 0;
        char *s = (char *)sh;
        for (unsigned long i = 0; i < sizeof *sh; i++)
            s[i] = 0;
        long child = sys0(ABI_SYSCALL_NUMBERS_FORK);
        if (child == 0)
            chaos_child(ROUND_MS);
        if (child < 0) {
            print2("fuzz: fork of a round's child failed: ", child, "");
            bad_data++;
            break;
        }
        rounds++;
        kill_rounds += kill_round;

        // The watchdog: the child must end within its own bounds, and its main
        // thread must keep ticking meanwhile.
        long round_start = now_ms(), last_beat = sh->heartbeat, last_beat_ms = round_start;
        const char *stall = 0;
        long result;
        while ((result = sys4(ABI_SYSCALL_NUMBERS_WAIT4, child, &status, ABI_WAIT_STATUS_NO_HANG, 0)) == 0) {
            long t = now_ms();
            if (load(&sh->heartbeat) != last_beat) {
                last_beat = load(&sh->heartbeat);
                last_beat_ms = t;
            }
            if (t - last_beat_ms > HEARTBEAT_MS) {
                stall = "its main thread made no progress for 20 s";
                break;
            }
            if (t - round_start > ROUND_MS + WATCHDOG_GRACE_MS) {
                stall = "it did not end within 62 s";
                break;
            }
            sleep_ms(20);
        }
        if (result < 0 && !stall) {
            print2("fuzz: wait4 for the round's child failed: ", result, "");
            stall = "wait4 failed";
        }
        if (!stall && sh->stuck)
            stall = "threads were still in the kernel 20 s after the round ended";

        calls += sh->calls;
        unknown_answered += sh->unknown_answered;
        struct check_line line = { .length = 0 };
        line_add(&line, "fuzz: round ");
        line_add_long(&line, round);
        line_add(&line, kill_round ? " (to be ended by exit_group mid-flight): " : ": ");
        line_add_long(&line, sh->calls);
        line_add(&line, " calls, pattern ");
        line_add_long(&line, sh->written);
        line_add(&line, " bytes written, ");
        line_add_long(&line, sh->read);
        line_add(&line, " read (");
        line_add_long(&line, sh->checked);
        line_add(&line, " checked)");
        line_add(&line, sh->complete ? ", all of it at end of file" : "");
        if (!stall) {
            // Each round ends with everything freed: its processes and threads gone,
            // its frames and kernel heap back where they were.
            int back = settle(&base, &now, 15000);
            if (heap_checked)
                info(&now, 1);
            line_add(&line, "; frames ");
            line_add_long(&line, (long)(now.frames_used - base.frames_used));
            if (heap_checked) {
                line_add(&line, ", heap ");
                line_add_long(&line, (long)(now.heap_live_bytes - base.heap_live_bytes));
                line_add(&line, " bytes");
            }
            line_add(&line, back ? "" : ", processes or threads NOT BACK");
        }
        line_print(&line);

        if (stall) {
            stalls++;
            struct check_line s_line = { .length = 0 };
            line_add(&s_line, "fuzz: STALL in round ");
            line_add_long(&s_line, round);
            line_add(&s_line, ": ");
            line_add(&s_line, stall);
            line_add(&s_line, "; ");
            add_replay(&s_line, seed, seconds, round);
            line_print(&s_line);
            print_inflight();
            break;
        }
        if ((status & 0x7F) != 0) {
            killed++;
            print2("fuzz: KILLED: round's child ended by signal ", status & 0x7F, "; it was in:");
            print_inflight();
        } else if (((status >> 8) & 0xFF) != 0 && !sh->bad_data) {
            killed++;
            print2("fuzz: round's child exited with status ", (status >> 8) & 0xFF, "");
        }
        if (sh->grandchildren_killed) {
            killed += sh->grandchildren_killed;
            print2("fuzz: KILLED: ", sh->grandchildren_killed, " forked grandchildren ended by a signal");
        }
        if (!kill_round && ((worker_mask >> T_READER) & 1) && !sh->complete && !sh->bad_data) {
            bad_data++;
            print2("fuzz: BAD DATA in round ", round, ": the pattern's reader did not finish");
        }
        if (sh->bad_data) {
            bad_data += sh->bad_data;
            struct check_line b = { .length = 0 };
            line_add(&b, "fuzz: BAD DATA in round ");
            line_add_long(&b, round);
            line_add(&b, ": ");
            sh->bad_what[sizeof sh->bad_what - 1] = 0;
            line_add(&b, sh->bad_what);
            line_add(&b, " (");
            add_replay(&b, seed, seconds, round);
            line_add(&b, ")");
            line_print(&b);
        }
    }

    // Everything a round made must be gone: the children ended, their threads switched
    // away; then the frames, and the heap after a collection, are what they were.
    tidy_tree();
    int settled = stalls == 0 && settle(&base, &now, 15000);
    struct abi_vmm_info after;
    if (info(&after, heap_checked) != 0)
        info(&after, 0);
    // The collector takes every word of a kernel stack for a possible pointer: a stale
    // one could keep a dead object (a pipe: 4 to 64 KiB) alive until something overwrites
    // it. A leak stays: after a few ordinary calls in a child, what is still there
    // counts. (The heap's own bump pointer did this for good until the collector
    // learnt to skip it.)
    for (int i = 0; heap_checked && settled && i < 3 && (long)(after.heap_live_bytes - base.heap_live_bytes) > HEAP_SLACK; i++) {
        struct abi_vmm_info again;
        scrub();
        if (settle(&base, &again, 15000) && info(&again, 1) == 0 && again.heap_live_bytes < after.heap_live_bytes)
            after = again;
    }
    long frames_leaked = (long)(after.frames_used - base.frames_used);
    long heap_leaked = heap_checked ? (long)(after.heap_live_bytes - base.heap_live_bytes) : 0;
    long poison = (long)(after.poison_violations - base.poison_violations) + (long)(after.heap_poison_violations - base.heap_poison_violations);
    long double_frees = (long)(after.double_frees - base.double_frees);
    long processes_leaked = (long)(after.processes - base.processes);
    long threads_leaked = (long)(after.threads - base.threads);
    struct check_line line = { .length = 0 };
    line_add(&line, "FUZZ seed=");
    line_add_long(&line, (long)seed);
    line_add(&line, " calls=");
    line_add_long(&line, calls);
    line_add(&line, " rounds=");
    line_add_long(&line, rounds);
    line_add(&line, " kill_rounds=");
    line_add_long(&line, kill_rounds);
    line_add(&line, " frames_leaked=");
    line_add_long(&line, frames_leaked);
    line_add(&line, " heap_leaked_bytes=");
    line_add_long(&line, heap_leaked);
    line_add(&line, " poison=");
    line_add_long(&line, poison);
    line_add(&line, " double_frees=");
    line_add_long(&line, double_frees);
    line_add(&line, " stalls=");
    line_add_long(&line, stalls);
    line_add(&line, " bad_data=");
    line_add_long(&line, bad_data);
    line_add(&line, " killed=");
    line_add_long(&line, killed);
    line_add(&line, " processes_leaked=");
    line_add_long(&line, processes_leaked);
    line_add(&line, " threads_leaked=");
    line_add_long(&line, threads_leaked);
    line_print(&line);
    if (unknown_answered)
        print2("fuzz: note: ", unknown_answered, " calls of numbers thought unimplemented did not answer ENOSYS");
    if (!settled && stalls == 0)
        say("fuzz: processes or threads did not go back to the baseline within 15 s");
    int clean = stalls == 0 && bad_data == 0 && killed == 0 && frames_leaked == 0 && heap_leaked <= HEAP_SLACK && poison == 0
                && double_frees == 0 && processes_leaked == 0 && threads_leaked == 0 && rounds > 0;
    if (clean && heap_checked) {
        say("fuzz: no crash, no stall, nothing leaked");
        return 0;
    }
    if (clean) {
        say("fuzz: no crash, no stall, no frame leaked (the kernel heap was not checked: boot with lab)");
        return 2;
    }
    struct check_line failed = { .length = 0 };
    line_add(&failed, "fuzz: FAILED; ");
    add_replay(&failed, seed, seconds, -1);
    line_print(&failed);
    return 1;
}

int main(int argc, char **argv)
{
    // A fuzzed write into a pipe whose readers are gone must answer EPIPE, not end the
    // round's process with SIGPIPE (Linux's default): ignored, as many servers do.
    unsigned long ignore[4] = { 1 /* SIG_IGN */, 0, 0, 0 };
    sys4(ABI_SYSCALL_NUMBERS_RT_SIGACTION, ABI_SIGNALS_PIPE, (long)ignore, 0, 8);
    prefault();
    return fuzz_main(argc, argv);
}
