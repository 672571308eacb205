// rflags: a program may set DF, AC and NT in RFLAGS (popfq); the kernel must run with
// its own flags on every entry (issue 16, item 1: a thread created with NT set entered
// ring 3 through iretq with NT still set in the kernel: #GP, a kernel crash) and give
// the program back the flags it had, as Linux does.
#include "check.h"

#define ALL_FLAGS (RFLAGS_DF | RFLAGS_AC | RFLAGS_NT)

struct child_report {
    unsigned long entry_rflags;  // what the thread entered ring 3 with
    unsigned long rflags_after;  // after a syscall it made with the flags set
    long gettid;
};

static int child(void *arg, unsigned long entry_rflags)
{
    struct child_report *report = arg;
    report->entry_rflags = entry_rflags;
    report->gettid = flagged_syscall(ALL_FLAGS, &report->rflags_after, ABI_SYSCALL_NUMBERS_GETTID, 0, 0, 0);
    for (int i = 0; i < 3; i++)
        flagged_syscall(ALL_FLAGS, &report->rflags_after, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, 0, 0);
    return 0;
}

// Store a word to `p` (a page not touched yet: a demand-zero fault) with `flags` set.
// The kernel zeroes the page with rep stosb: with DF set it would run backwards.
// (The red zone below rsp may hold the compiler's data: step over it first.)
static void store_with_flags(unsigned long *p, unsigned long value, unsigned long flags)
{
    __asm__ volatile("sub $128, %%rsp\n"
                     "pushfq\n"
                     "or %2, (%%rsp)\n"
                     "popfq\n"
                     "movq %1, (%0)\n"
                     "pushfq\n"
                     "andq $~0x44400, (%%rsp)\n"
                     "popfq\n"
                     "add $128, %%rsp\n"
                     : : "r"(p), "r"(value), "r"(flags) : "memory", "cc");
}

// Spin in ring 3 with `flags` set, long enough for timer interrupts to come in (and,
// with other threads ready, for switches); returns RFLAGS at the end.
static unsigned long spin_with_flags(unsigned long flags, unsigned long iterations)
{
    unsigned long after;
    __asm__ volatile("sub $128, %%rsp\n"
                     "pushfq\n"
                     "or %2, (%%rsp)\n"
                     "popfq\n"
                     "1: dec %1\n"
                     "jnz 1b\n"
                     "pushfq\n"
                     "mov (%%rsp), %0\n"
                     "andq $~0x44400, (%%rsp)\n"
                     "popfq\n"
                     "add $128, %%rsp\n"
                     : "=&r"(after), "+r"(iterations) : "r"(flags) : "memory", "cc");
    return after;
}

int main(void)
{
    check_begin("rflags");
    unsigned long after = 0;
    long pid = sys0(ABI_SYSCALL_NUMBERS_GETPID);

    check_long("getpid with DF, AC and NT set returns the pid", flagged_syscall(ALL_FLAGS, &after, ABI_SYSCALL_NUMBERS_GETPID, 0, 0, 0), pid);
    check_hex("DF, AC and NT are the program's again after a syscall", after & ALL_FLAGS, ALL_FLAGS);

    // The crash of item 1: create a thread with NT (and DF, AC) set, then yield to it.
    struct thread thread;
    struct child_report report = { 0, 0, 0 };
    long tid = thread_start(&thread, child, &report, ALL_FLAGS);
    check("clone with DF, AC and NT set starts a thread", tid > 0);
    for (int i = 0; i < 3; i++) {
        check_long("sched_yield with DF, AC and NT set returns 0", flagged_syscall(ALL_FLAGS, &after, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, 0, 0), 0);
        check_hex("DF, AC and NT are the program's again after sched_yield", after & ALL_FLAGS, ALL_FLAGS);
    }
    if (tid > 0) {
        thread_join(&thread);
        check_hex("a new thread starts with the RFLAGS its creator had at clone", report.entry_rflags & ALL_FLAGS, ALL_FLAGS);
        check_long("gettid in the new thread with DF, AC and NT set", report.gettid, tid);
        check_hex("the new thread's DF, AC and NT survive its syscalls", report.rflags_after & ALL_FLAGS, ALL_FLAGS);
    }

    // A page fault from ring 3 with DF and AC set: the kernel fills a fresh page.
    long page = sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    if (check("mmap a page", page > 0)) {
        unsigned long *words = (unsigned long *)page;
        store_with_flags(&words[256], 0x1234, ALL_FLAGS);
        int zero = 1;
        for (int i = 0; i < 512; i++)
            if (i != 256 && words[i] != 0)
                zero = 0;
        check("a demand-zero fault taken with DF set gives a zeroed page", zero && words[256] == 0x1234);
        sys2(ABI_SYSCALL_NUMBERS_MUNMAP, page, 4096);
    }

    // A pipe: the kernel copies with rep movsb both ways, with the caller's DF set.
    int fds[2];
    if (check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, fds), 0)) {
        static const char text[16] = "0123456789abcde";
        char got[16] = { 0 };
        check_long("write to a pipe with DF set", flagged_syscall(ALL_FLAGS, &after, ABI_SYSCALL_NUMBERS_WRITE, fds[1], (long)text, 16), 16);
        check_long("read from a pipe with DF set", flagged_syscall(ALL_FLAGS, &after, ABI_SYSCALL_NUMBERS_READ, fds[0], (long)got, 16), 16);
        int same = 1;
        for (int i = 0; i < 16; i++)
            if (got[i] != text[i])
                same = 0;
        check("the bytes come through in order with DF set", same);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[0]);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[1]);
    }

    // Timer interrupts (and switches to a thread that yields) while ring 3 runs with the flags.
    struct child_report report2 = { 0, 0, 0 };
    tid = thread_start(&thread, child, &report2, 0);
    check_hex("DF, AC and NT stay set across timer interrupts", spin_with_flags(ALL_FLAGS, 20000000) & ALL_FLAGS, ALL_FLAGS);
    if (tid > 0) {
        thread_join(&thread);
        check_hex("a thread created without the flags starts without them", report2.entry_rflags & ALL_FLAGS, 0);
    }
    return check_done();
}
