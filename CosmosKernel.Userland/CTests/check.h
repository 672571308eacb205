// check.h: the checks of the C regression programs (CosmosKernel.Userland/CTests).
//
// Each program runs unchanged on CosmosKernel and on Linux (the launcher's `linux`
// command), so Linux's answers are the expectation. The checks print with write(2)
// only (so a check does not depend on musl's stdio, which writes with writev: fds.c
// checks that), one line per failed check naming it, and a
// summary "<program>: N/M checks passed"; check_done() returns the exit status: 0 only
// when every check passed (and there was at least one).
//
// Syscalls are made raw (sys()), so a check sees the kernel's own -errno and not what
// a libc wrapper made of it. Threads are raw clone() threads here, so a check controls
// the flags and RFLAGS of the clone itself: thread_start()/thread_join() (pthreads.c
// uses musl's own pthreads).
#ifndef COSMOS_CHECK_H
#define COSMOS_CHECK_H

#include <stdint.h>
// The ABI's constants (syscall numbers, errnos, flags, struct layouts) as the kernel
// defines them: generated at build time from CosmosKernel/Abi/*.cs (build/Kernel.targets
// runs CosmosKernel.AbiHeaders and passes -I artifacts/include), so nothing here
// restates a number. The names are the C# ones (Abi.Errno.EFAULT: ABI_ERRNO_EFAULT).
#include "cosmos_abi.h"

static const char *check_program = "?";
static int check_passed, check_total;

// A raw Linux x86-64 syscall: the result, or -errno.
static inline long sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}
#define sys0(nr) sys(nr, 0, 0, 0, 0, 0, 0)
#define sys1(nr, a) sys(nr, (long)(a), 0, 0, 0, 0, 0)
#define sys2(nr, a, b) sys(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(nr, a, b, c) sys(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(nr, a, b, c, d) sys(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(nr, a, b, c, d, e) sys(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define sys6(nr, a, b, c, d, e, f) sys(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))


static inline unsigned long check_strlen(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}


// A line written with one write(2), so lines of several threads do not interleave.
struct check_line { char text[400]; unsigned long length; };

static inline void line_add(struct check_line *line, const char *s)
{
    while (*s && line->length < sizeof line->text - 1)
        line->text[line->length++] = *s++;
}

static inline void line_add_long(struct check_line *line, long value)
{
    char digits[24];
    int n = 0;
    unsigned long v = value < 0 ? 0 - (unsigned long)value : (unsigned long)value;
    do
        digits[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (value < 0)
        line_add(line, "-");
    while (n > 0) {
        char c[2] = { digits[--n], 0 };
        line_add(line, c);
    }
}

static inline void line_add_hex(struct check_line *line, unsigned long value)
{
    char text[19] = "0x";
    int n = 2;
    for (int shift = 60; shift >= 0; shift -= 4)
        if ((value >> shift) != 0 || shift == 0 || n > 2)
            text[n++] = "0123456789abcdef"[(value >> shift) & 15];
    text[n] = 0;
    line_add(line, text);
}

static inline void line_print(struct check_line *line)
{
    line_add(line, "\n");
    sys3(ABI_SYSCALL_NUMBERS_WRITE, 1, line->text, line->length);
}

static inline void check_begin(const char *program) { check_program = program; }

// Counts a check. A failed one starts its line in *line ("<program>: FAILED <what>"),
// for the caller to add what it saw and print; returns ok.
static inline int check_count(const char *what, int ok, struct check_line *line)
{
    check_total++;
    if (ok) {
        check_passed++;
        return 1;
    }
    line->length = 0;
    line_add(line, check_program);
    line_add(line, ": FAILED ");
    line_add(line, what);
    return 0;
}

// One check: counts it, and names it in a line when it failed.
static inline int check(const char *what, int ok)
{
    struct check_line line;
    if (check_count(what, ok, &line))
        return 1;
    line_print(&line);
    return 0;
}

// A check of a number (a syscall result: -errno): on failure the line says both.
static inline int check_long(const char *what, long got, long expected)
{
    struct check_line line;
    if (check_count(what, got == expected, &line))
        return 1;
    line_add(&line, ": got ");
    line_add_long(&line, got);
    line_add(&line, ", expected ");
    line_add_long(&line, expected);
    line_print(&line);
    return 0;
}

// A check of bits: the line shows both values in hex.
static inline int check_hex(const char *what, unsigned long got, unsigned long expected)
{
    struct check_line line;
    if (check_count(what, got == expected, &line))
        return 1;
    line_add(&line, ": got ");
    line_add_hex(&line, got);
    line_add(&line, ", expected ");
    line_add_hex(&line, expected);
    line_print(&line);
    return 0;
}

// The summary line; the program's exit status (0: every check passed).
static inline int check_done(void)
{
    struct check_line line = { .length = 0 };
    line_add(&line, check_program);
    line_add(&line, ": ");
    line_add_long(&line, check_passed);
    line_add(&line, "/");
    line_add_long(&line, check_total);
    line_add(&line, " checks passed");
    line_print(&line);
    // tcdrain(1): on Linux the console's bytes may still sit in the serial driver's
    // buffer when /init exits, and the panic that follows could cut them off.
    // (CosmosKernel writes synchronously and answers ENOSYS.)
    sys3(16 /* ioctl */, 1, 0x5409 /* TCSBRK */, 1);
    return check_total > 0 && check_passed == check_total ? 0 : 1;
}

// ---- threads: raw clone --------------------------------------------------------------

// What musl's and glibc's pthread_create pass (Abi.CloneFlags' thread flags with the
// tid words, and the TLS).
#define THREAD_CLONE_FLAGS (ABI_CLONE_FLAGS_PTHREAD_THREAD_WITH_TIDS | ABI_CLONE_FLAGS_SET_TLS)

#define RFLAGS_DF 0x400UL
#define RFLAGS_NT 0x4000UL
#define RFLAGS_AC 0x40000UL

// check_clone(flags, stack, ptid, ctid, tls, set_rflags): the raw clone syscall with the
// RFLAGS bits `set_rflags` set around it (see flagged_syscall). The child starts on
// `stack`, which holds its function and argument (the stub does not count on the
// other registers, which both kernels copy from the parent): it records the
// RFLAGS it entered ring 3 with, clears DF, AC and NT before any compiled code runs
// (the ABI wants DF clear; AC would make unaligned accesses fault where CR0.AM is on),
// calls fn(arg, entry_rflags) and exits the thread with its result.
//
// The stub is file-level assembly, which takes no operands; the syscall numbers reach it
// as assembler symbols that the function below defines from the generated header (a
// forward reference to an absolute symbol is resolved when the file is assembled).
static void __attribute__((used)) check_clone_numbers(void)
{
    __asm__ volatile(".equ CHECK_NR_CLONE, %c0\n"
                     ".equ CHECK_NR_EXIT, %c1\n"
                     :: "i"(ABI_SYSCALL_NUMBERS_CLONE), "i"(ABI_SYSCALL_NUMBERS_EXIT));
}
long check_clone(unsigned long flags, void *stack, int *ptid, int *ctid, void *tls, unsigned long set_rflags);
__asm__(".text\n"
        ".globl check_clone\n"
        ".type check_clone, @function\n"
        "check_clone:\n"
        "    mov %rcx, %r10\n"          // ctid: the syscall's fourth argument is r10
        "    pushfq\n"
        "    or %r9, (%rsp)\n"
        "    popfq\n"
        "    mov $CHECK_NR_CLONE, %eax\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jz 1f\n"
        "    pushfq\n"                  // the parent: leave the asked bits clear again
        "    andq $~0x44400, (%rsp)\n"
        "    popfq\n"
        "    ret\n"
        "1:  pushfq\n"                  // the child: what it entered ring 3 with
        "    pop %rsi\n"
        "    pushfq\n"
        "    andq $~0x44400, (%rsp)\n"
        "    popfq\n"
        "    pop %rax\n"                // fn
        "    pop %rdi\n"                // arg
        "    and $-16, %rsp\n"
        "    call *%rax\n"
        "    mov %eax, %edi\n"
        "    mov $CHECK_NR_EXIT, %eax\n"
        "    syscall\n"
        "    ud2\n"
        ".size check_clone, . - check_clone\n");

// flagged_syscall(set_rflags, rflags_after, nr, a0, a1, a2): a raw syscall made with
// the RFLAGS bits `set_rflags` set (DF, AC, NT: what a program may set with popfq);
// *rflags_after gets RFLAGS as the syscall returned them; the bits are cleared again
// before any compiled code runs. Every memory access in between is 8-byte aligned
// (AC makes unaligned ones fault where CR0.AM is on, as on Linux).
long flagged_syscall(unsigned long set_rflags, unsigned long *rflags_after, long nr, long a0, long a1, long a2);
__asm__(".text\n"
        ".globl flagged_syscall\n"
        ".type flagged_syscall, @function\n"
        "flagged_syscall:\n"
        "    push %rsi\n"
        "    push %rdi\n"
        "    mov %rdx, %rax\n"
        "    mov %rcx, %rdi\n"
        "    mov %r8, %rsi\n"
        "    mov %r9, %rdx\n"
        "    pushfq\n"
        "    mov 8(%rsp), %rcx\n"
        "    or %rcx, (%rsp)\n"
        "    popfq\n"
        "    syscall\n"
        "    pushfq\n"
        "    pop %rcx\n"                // RFLAGS after the syscall
        "    pop %rdi\n"
        "    pop %rsi\n"
        "    mov %rcx, (%rsi)\n"
        "    not %rdi\n"
        "    and %rdi, %rcx\n"
        "    push %rcx\n"
        "    popfq\n"
        "    ret\n"
        ".size flagged_syscall, . - flagged_syscall\n");

struct thread {
    int tid;                 // the kernel sets it (PARENT_SETTID) and clears it at exit
    void *stack;
    void *tls[4];            // a TLS block whose first word points to itself (x86-64 TCB)
};

#define THREAD_STACK_SIZE (64 * 1024)

// Start fn(arg, entry_rflags) as a thread of this process, with `set_rflags` set around
// the clone (0 for none). Returns the tid or -errno.
static inline long thread_start(struct thread *t, int (*fn)(void *, unsigned long), void *arg, unsigned long set_rflags)
{
    long stack = sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, THREAD_STACK_SIZE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    if (stack < 0)
        return stack;
    t->stack = (void *)stack;
    t->tls[0] = t->tls;
    void **top = (void **)(stack + THREAD_STACK_SIZE) - 2;
    top[0] = (void *)fn;
    top[1] = arg;
    return check_clone(THREAD_CLONE_FLAGS, top, &t->tid, &t->tid, t->tls, set_rflags);
}

// Wait until the thread has exited (CLONE_CHILD_CLEARTID zeroes t->tid and wakes us).
static inline void thread_join(struct thread *t)
{
    int tid;
    while ((tid = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE)) != 0)
        sys4(ABI_SYSCALL_NUMBERS_FUTEX, &t->tid, ABI_FUTEX_OPS_WAIT, tid, 0);
    sys2(ABI_SYSCALL_NUMBERS_MUNMAP, t->stack, THREAD_STACK_SIZE);
}

#endif
