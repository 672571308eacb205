// sse: a program's SSE registers (xmm0-xmm15), MXCSR and x87 state are its own across
// every way into the kernel and back: a syscall, a syscall that switches to another
// thread (which sets other values meanwhile), a sleep, a page fault, and a timer
// interrupt in the middle of its code. The kernel saves xmm0-15 and MXCSR on every
// entry (its own code uses no x87 and no AVX) and the whole fxsave area only when it
// switches threads: this checks that together they keep all of it, as Linux does.
#include <stdio.h>
#include "check.h"

#define MXCSR_TOWARD_ZERO 0x7F80 // all exceptions masked, rounding toward zero (default 0x1F80)

// Load xmm0-15 from in[] and MXCSR from *mxcsr, make syscall nr(a0, a1) (nr < 0: touch
// the byte at a0 instead, a page fault when it is not mapped yet; nr == -2: spin until
// the TSC passes a0), then store xmm0-15 into out[] and MXCSR into *mxcsr.
long sse_round_trip(const unsigned char *in, unsigned char *out, unsigned int *mxcsr, long nr, long a0, long a1);
__asm__(".text\n"
        ".globl sse_round_trip\n"
        ".type sse_round_trip, @function\n"
        "sse_round_trip:\n"
        "    push %rbx\n"
        "    push %r12\n"
        "    push %r13\n"
        "    mov %rdi, %r12\n"          // in
        "    mov %rsi, %r13\n"          // out
        "    mov %rdx, %rbx\n"          // mxcsr
        "    ldmxcsr (%rbx)\n"
        "    movdqu 0(%r12), %xmm0\n"
        "    movdqu 16(%r12), %xmm1\n"
        "    movdqu 32(%r12), %xmm2\n"
        "    movdqu 48(%r12), %xmm3\n"
        "    movdqu 64(%r12), %xmm4\n"
        "    movdqu 80(%r12), %xmm5\n"
        "    movdqu 96(%r12), %xmm6\n"
        "    movdqu 112(%r12), %xmm7\n"
        "    movdqu 128(%r12), %xmm8\n"
        "    movdqu 144(%r12), %xmm9\n"
        "    movdqu 160(%r12), %xmm10\n"
        "    movdqu 176(%r12), %xmm11\n"
        "    movdqu 192(%r12), %xmm12\n"
        "    movdqu 208(%r12), %xmm13\n"
        "    movdqu 224(%r12), %xmm14\n"
        "    movdqu 240(%r12), %xmm15\n"
        "    cmp $-1, %rcx\n"
        "    je 2f\n"
        "    cmp $-2, %rcx\n"
        "    je 3f\n"
        "    mov %rcx, %rax\n"          // a syscall: nr, a0, a1
        "    mov %r8, %rdi\n"
        "    mov %r9, %rsi\n"
        "    syscall\n"
        "    jmp 1f\n"
        "2:  movb $1, (%r8)\n"          // a page fault
        "    xor %eax, %eax\n"
        "    jmp 1f\n"
        "3:  rdtsc\n"                   // spin until the TSC passes a0: a timer interrupt lands here
        "    shl $32, %rdx\n"
        "    or %rdx, %rax\n"
        "    cmp %r8, %rax\n"
        "    jb 3b\n"
        "    xor %eax, %eax\n"
        "1:  movdqu %xmm0, 0(%r13)\n"
        "    movdqu %xmm1, 16(%r13)\n"
        "    movdqu %xmm2, 32(%r13)\n"
        "    movdqu %xmm3, 48(%r13)\n"
        "    movdqu %xmm4, 64(%r13)\n"
        "    movdqu %xmm5, 80(%r13)\n"
        "    movdqu %xmm6, 96(%r13)\n"
        "    movdqu %xmm7, 112(%r13)\n"
        "    movdqu %xmm8, 128(%r13)\n"
        "    movdqu %xmm9, 144(%r13)\n"
        "    movdqu %xmm10, 160(%r13)\n"
        "    movdqu %xmm11, 176(%r13)\n"
        "    movdqu %xmm12, 192(%r13)\n"
        "    movdqu %xmm13, 208(%r13)\n"
        "    movdqu %xmm14, 224(%r13)\n"
        "    movdqu %xmm15, 240(%r13)\n"
        "    stmxcsr (%rbx)\n"
        "    pop %r13\n"
        "    pop %r12\n"
        "    pop %rbx\n"
        "    ret\n"
        ".size sse_round_trip, . - sse_round_trip\n");

// Load the x87 control word `cw` and push `value`, make syscall nr(a0) (nr == -2: spin
// until the TSC passes a0), then pop the value into *value_out and store the control
// word into *cw_out.
long x87_round_trip(const unsigned short *cw, const double *value, long nr, long a0, unsigned short *cw_out, double *value_out);
__asm__(".text\n"
        ".globl x87_round_trip\n"
        ".type x87_round_trip, @function\n"
        "x87_round_trip:\n"
        "    push %rbx\n"
        "    push %r12\n"
        "    mov %r8, %rbx\n"          // cw_out
        "    mov %r9, %r12\n"          // value_out
        "    fldcw (%rdi)\n"
        "    fldl (%rsi)\n"
        "    cmp $-2, %rdx\n"
        "    je 3f\n"
        "    mov %rdx, %rax\n"
        "    mov %rcx, %rdi\n"
        "    syscall\n"
        "    jmp 1f\n"
        "3:  mov %rcx, %rsi\n"
        "4:  rdtsc\n"
        "    shl $32, %rdx\n"
        "    or %rdx, %rax\n"
        "    cmp %rsi, %rax\n"
        "    jb 4b\n"
        "1:  fstpl (%r12)\n"
        "    fnstcw (%rbx)\n"
        "    pop %r12\n"
        "    pop %rbx\n"
        "    ret\n"
        ".size x87_round_trip, . - x87_round_trip\n");

static int x87_check(const char *what, unsigned short cw, double value, long nr, long a0)
{
    unsigned short cw_out = 0;
    double value_out = 0;
    x87_round_trip(&cw, &value, nr, a0, &cw_out, &value_out);
    char name[160];
    snprintf(name, sizeof name, "%s: x87 control word unchanged", what);
    int ok = check_hex(name, cw_out, cw);
    snprintf(name, sizeof name, "%s: x87 stack unchanged", what);
    return check(name, value_out == value) && ok;
}

static unsigned long rdtsc(void)
{
    unsigned int low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((unsigned long)high << 32) | low;
}

static void fill(unsigned char *bytes, unsigned seed)
{
    for (int i = 0; i < 256; i++)
        bytes[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

// One round trip; true when every register and MXCSR came back as they went in.
static int round_trip(const char *what, unsigned seed, long nr, long a0, long a1)
{
    unsigned char in[256], out[256];
    fill(in, seed);
    for (int i = 0; i < 256; i++)
        out[i] = 0;
    unsigned int mxcsr = MXCSR_TOWARD_ZERO;
    sse_round_trip(in, out, &mxcsr, nr, a0, a1);
    int same = 1;
    for (int i = 0; i < 256; i++)
        if (in[i] != out[i])
            same = 0;
    char name[160];
    snprintf(name, sizeof name, "%s: xmm0-xmm15 unchanged", what);
    int ok = check(name, same);
    snprintf(name, sizeof name, "%s: MXCSR unchanged", what);
    return check_hex(name, mxcsr, MXCSR_TOWARD_ZERO) && ok;
}

// Another thread that keeps other values in its SSE registers and yields: on one CPU
// it runs while the main thread is in sched_yield or asleep.
static volatile int stop;

static int other(void *arg, unsigned long entry_rflags)
{
    (void)arg;
    (void)entry_rflags;
    unsigned char in[256], out[256];
    fill(in, 99);
    unsigned int mxcsr = 0x1F80;
    unsigned short cw = 0x037F, cw_out;
    double value = 99.25, value_out;
    while (!stop) {
        sse_round_trip(in, out, &mxcsr, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, 0);
        x87_round_trip(&cw, &value, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, &cw_out, &value_out);
    }
    return 0;
}

int main(void)
{
    check_begin("sse");
    round_trip("getpid", 1, ABI_SYSCALL_NUMBERS_GETPID, 0, 0);

    struct thread thread;
    long tid = thread_start(&thread, other, 0, 0);
    check("a second thread that uses other SSE values starts", tid > 0);
    for (unsigned i = 0; i < 5; i++)
        round_trip("sched_yield while another thread runs", 2 + i, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0, 0);
    long sleep[2] = { 0, 2000000 }; // 2 ms
    round_trip("nanosleep", 10, ABI_SYSCALL_NUMBERS_NANOSLEEP, (long)sleep, 0);

    long page = sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    if (check("mmap a page", page > 0))
        round_trip("a demand-zero page fault", 11, -1, page, 0);

    // 50 ms of spinning in ring 3: timer interrupts (100 per second on both kernels'
    // side of this test) land in it, and the other thread may run in between.
    unsigned long start = rdtsc();
    struct { long sec, nsec; } ten_ms = { 0, 10000000 };
    sys2(ABI_SYSCALL_NUMBERS_NANOSLEEP, &ten_ms, 0);
    unsigned long per_10ms = rdtsc() - start;
    round_trip("timer interrupts in the middle of the code", 12, -2, (long)(rdtsc() + 5 * per_10ms), 0);

    // x87: another control word (round toward zero) and a value on the stack, while
    // the other thread loads its own (the kernel switches between the two).
    for (int i = 0; i < 5; i++)
        x87_check("sched_yield while another thread uses x87", 0x0F7F, 1.5 + i, ABI_SYSCALL_NUMBERS_SCHED_YIELD, 0);
    x87_check("x87 across timer interrupts", 0x0F7F, 7.75, -2, (long)(rdtsc() + 5 * per_10ms));

    stop = 1;
    if (tid > 0)
        thread_join(&thread);
    if (page > 0)
        sys2(ABI_SYSCALL_NUMBERS_MUNMAP, page, 4096);
    return check_done();
}
