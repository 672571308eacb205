// signals: handlers as musl installs them (sigaction with its restorer), and what
// Linux does around them (issue 13): rt_sigaction's checks, kill/tgkill/tkill, the
// siginfo a handler gets, the mask while it runs, registers and SSE state given back
// by rt_sigreturn (after a syscall and after a timer interrupt on a spinning thread),
// a SIGSEGV handler that reads si_addr and moves rip, sigaltstack, EINTR from a
// blocked read (and a restart with SA_RESTART), SA_RESETHAND and SA_NODEFER, default actions (in forked children: on
// Linux this program is /init, which ignores signals it has no handler for), and a
// handler that returns to a kernel address (killed with SIGSEGV, the kernel goes on),
// and SIGPIPE from a write into a pipe without readers.
#define _GNU_SOURCE // REG_RIP and friends
#include <signal.h>
#include <ucontext.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name

static long my_pid, my_tid;

// ---- handlers and what they saw ----------------------------------------------------

struct seen {
    volatile int count;
    int signo, code, pid;
    void *addr;
    unsigned long mask;        // the signal mask inside the handler
    unsigned long stack;       // an address on the handler's stack
    int aligned;               // a 16-aligned local is 16-aligned (rsp was right at entry)
    unsigned long tid;
};
static struct seen seen;

static unsigned long current_mask(void)
{
    unsigned long mask = 0;
    sys4(NR(RT_SIGPROCMASK), ABI_SIGNALS_SIG_BLOCK, 0, &mask, 8);
    return mask;
}

static void record(int sig, siginfo_t *info, void *context)
{
    _Alignas(16) volatile char local[16];
    seen.signo = sig;
    seen.code = info->si_code;
    seen.pid = info->si_pid;
    seen.addr = info->si_addr;
    seen.mask = current_mask();
    seen.stack = (unsigned long)local;
    seen.aligned = ((unsigned long)local & 15) == 0;
    seen.tid = sys0(NR(GETTID));
    // The interrupted code's registers must come back whatever the handler does to them.
    __asm__ volatile("mov $0, %%r8\n mov $0, %%r9\n mov $0, %%r10\n pxor %%xmm0, %%xmm0\n pxor %%xmm5, %%xmm5"
                     ::: "r8", "r9", "r10", "xmm0", "xmm5");
    seen.count++;
    (void)context;
}

static int install(int sig, void (*handler)(int, siginfo_t *, void *), int flags, unsigned long block)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    for (int s = 1; s < 64; s++)
        if (block & (1UL << (s - 1)))
            sigaddset(&sa.sa_mask, s);
    return sigaction(sig, &sa, 0);
}

static unsigned long bit(int sig) { return 1UL << (sig - 1); }

// ---- registers across a handler ----------------------------------------------------

// kill(pid, sig) made with r8, r9, r10 and xmm0 holding known values; the handler runs
// on the syscall's way back and zeroes them; out[] gets what the caller has afterwards.
long kill_keeping_registers(long pid, long sig, unsigned long *out);
__asm__(".text\n"
        ".globl kill_keeping_registers\n"
        "kill_keeping_registers:\n"
        "    push %r12\n"
        "    mov %rdx, %r12\n"
        "    mov $0x1111, %r8\n"
        "    mov $0x2222, %r9\n"
        "    mov $0x3333, %r10\n"
        "    mov $0x4444, %rax\n"
        "    movq %rax, %xmm0\n"
        "    mov $62, %eax\n"           // kill
        "    syscall\n"
        "    mov %r8, 0(%r12)\n"
        "    mov %r9, 8(%r12)\n"
        "    mov %r10, 16(%r12)\n"
        "    movq %xmm0, %rdx\n"
        "    mov %rdx, 24(%r12)\n"
        "    pop %r12\n"
        "    ret\n");

// Spin until *flag is set, with 0x7777 in xmm5 and 0x5555 in r8 all along: a timer
// interrupt that delivers a signal must give both back. Returns xmm5 + r8 (0xCCCC).
long spin_until(volatile int *flag);
__asm__(".text\n"
        ".globl spin_until\n"
        "spin_until:\n"
        "    mov $0x7777, %rax\n"
        "    movq %rax, %xmm5\n"
        "    mov $0x5555, %r8\n"
        "1:  pause\n"
        "    cmpl $0, (%rdi)\n"
        "    je 1b\n"
        "    movq %xmm5, %rax\n"
        "    add %r8, %rax\n"
        "    ret\n");

// Read or write 8 bytes at rdi; a SIGSEGV handler that moves rip to probe_resume makes
// it return 0x5151 instead.
long probe_read(unsigned long address);
long probe_write(unsigned long address);
extern char probe_read_insn[], probe_write_insn[], probe_resume[];
__asm__(".text\n"
        ".globl probe_read, probe_write, probe_read_insn, probe_write_insn, probe_resume\n"
        "probe_read:\n"
        "probe_read_insn:\n"
        "    mov (%rdi), %rax\n"
        "    ret\n"
        "probe_write:\n"
        "probe_write_insn:\n"
        "    movq $1, (%rdi)\n"
        "    xor %eax, %eax\n"
        "    ret\n"
        "probe_resume:\n"
        "    mov $0x5151, %eax\n"
        "    ret\n");

static volatile unsigned long fault_rip, fault_rdi;

static void on_segv(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    seen.signo = sig;
    seen.code = info->si_code;
    seen.addr = info->si_addr;
    fault_rip = uc->uc_mcontext.gregs[REG_RIP];
    fault_rdi = uc->uc_mcontext.gregs[REG_RDI];
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)probe_resume;
    seen.count++;
}

// ---- threads ----------------------------------------------------------------------

struct worker {
    volatile int ready, flag;
    volatile long tid;
    long result;
    int fd;
};

static void set_flag(int sig, siginfo_t *info, void *context)
{
    (void)sig; (void)info; (void)context;
    __asm__ volatile("pxor %%xmm5, %%xmm5\n mov $0, %%r8" ::: "xmm5", "r8");
    seen.count++;
    seen.tid = sys0(NR(GETTID));
}

static struct worker *spinner_worker;
static void set_spinner_flag(int sig, siginfo_t *info, void *context)
{
    set_flag(sig, info, context);
    spinner_worker->flag = 1;
}

static int spinner(void *arg, unsigned long entry_rflags)
{
    struct worker *w = arg;
    w->tid = sys0(NR(GETTID));
    __atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
    w->result = spin_until(&w->flag);
    return 0;
}

static int reader(void *arg, unsigned long entry_rflags)
{
    struct worker *w = arg;
    char c;
    w->tid = sys0(NR(GETTID));
    __atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
    w->result = sys3(NR(READ), w->fd, &c, 1);
    return 0;
}

static void wait_ready(struct worker *w)
{
    while (!__atomic_load_n(&w->ready, __ATOMIC_ACQUIRE))
        sys0(NR(SCHED_YIELD));
}

static void sleep_ms(long ms)
{
    long ts[2] = { 0, ms * 1000000 };
    sys2(NR(NANOSLEEP), ts, 0);
}

// ---- forked children ----------------------------------------------------------------

// Run fn in a child; its wait4 status.
static int in_child(void (*fn)(void))
{
    long child = sys0(NR(FORK));
    if (child == 0) {
        fn();
        sys1(NR(EXIT_GROUP), 0);
    }
    int status = -1;
    sys4(NR(WAIT4), child, &status, 0, 0);
    return status;
}

static void child_sigterm(void) { sys2(NR(KILL), sys0(NR(GETPID)), ABI_SIGNALS_TERM); for (;;) sleep_ms(10); }
static void child_sigchld_ignored(void) { sys2(NR(KILL), sys0(NR(GETPID)), ABI_SIGNALS_CHLD); }
static void child_sigterm_ignored(void)
{
    signal(SIGTERM, SIG_IGN);
    sys2(NR(KILL), sys0(NR(GETPID)), ABI_SIGNALS_TERM);
    sys1(NR(EXIT_GROUP), 3);
}
static void child_blocked_segv(void)
{
    install(SIGSEGV, on_segv, 0, 0);
    unsigned long block = bit(SIGSEGV);
    sys4(NR(RT_SIGPROCMASK), ABI_SIGNALS_SIG_BLOCK, &block, 0, 8);
    probe_read(16); // blocked: the fault kills it
    sys1(NR(EXIT_GROUP), 4);
}
static void return_to_kernel(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0xffffffff80001000UL;
    (void)sig; (void)info;
}
static void child_bad_sigreturn(void)
{
    signal(SIGSEGV, SIG_DFL); // the parent's SIGSEGV handler came along with fork
    install(SIGUSR1, return_to_kernel, 0, 0);
    sys2(NR(KILL), sys0(NR(GETPID)), ABI_SIGNALS_USR1);
    sys1(NR(EXIT_GROUP), 5); // not reached: the return to a kernel address is a SIGSEGV
}
static void child_writes_to_a_closed_pipe(void)
{
    int p[2];
    sys1(NR(PIPE), p);
    sys1(NR(CLOSE), p[0]);
    sys3(NR(WRITE), p[1], "x", 1); // SIGPIPE's default ends it here
    sys1(NR(EXIT_GROUP), 7);
}

static void child_unhandled_read_fault(void)
{
    signal(SIGSEGV, SIG_DFL); // the parent's handler came along with fork
    probe_read(16);
    sys1(NR(EXIT_GROUP), 6);
}

int main(void)
{
    check_begin("signals");
    my_pid = sys0(NR(GETPID));
    my_tid = sys0(NR(GETTID));

    // rt_sigaction's checks, made raw: struct sigaction as the kernel takes it.
    unsigned long act[4] = { 0, 0, 0, 0 }, old[4] = { 9, 9, 9, 9 };
    check_long("rt_sigaction with sigsetsize 4", sys4(NR(RT_SIGACTION), SIGUSR1, 0, old, 4), -ABI_ERRNO_EINVAL);
    check_long("rt_sigaction of signal 0", sys4(NR(RT_SIGACTION), 0, 0, old, 8), -ABI_ERRNO_EINVAL);
    check_long("rt_sigaction of signal 65", sys4(NR(RT_SIGACTION), 65, 0, old, 8), -ABI_ERRNO_EINVAL);
    check_long("a handler for SIGKILL", sys4(NR(RT_SIGACTION), SIGKILL, act, 0, 8), -ABI_ERRNO_EINVAL);
    check_long("a handler for SIGSTOP", sys4(NR(RT_SIGACTION), SIGSTOP, act, 0, 8), -ABI_ERRNO_EINVAL);
    check_long("SIGKILL's action may be read", sys4(NR(RT_SIGACTION), SIGKILL, 0, old, 8), 0);
    check_long("it is the default", (long)old[0], 0);
    check_long("an action from an unmapped page", sys4(NR(RT_SIGACTION), SIGUSR1, 16, 0, 8), -ABI_ERRNO_EFAULT);
    check_long("an action from a kernel address", sys4(NR(RT_SIGACTION), SIGUSR1, 0xffffffff80000000UL, 0, 8), -ABI_ERRNO_EFAULT);
    check_long("the old action to an unmapped page", sys4(NR(RT_SIGACTION), SIGUSR1, 0, 16, 8), -ABI_ERRNO_EFAULT);
    act[0] = 1; // SIG_IGN
    act[3] = bit(SIGKILL) | bit(SIGUSR2);
    check_long("SIGUSR1 ignored", sys4(NR(RT_SIGACTION), SIGUSR1, act, 0, 8), 0);
    check_long("and read back", sys4(NR(RT_SIGACTION), SIGUSR1, 0, old, 8), 0);
    check_long("the handler read back is SIG_IGN", (long)old[0], 1);
    check_hex("the mask read back lost SIGKILL", old[3], bit(SIGUSR2));
    check_long("an ignored signal sent to itself", sys2(NR(KILL), my_pid, SIGUSR1), 0);

    // A handler, as musl's sigaction installs it; raise() is tgkill (SI_TKILL).
    check_long("sigaction installs a handler", install(SIGUSR1, record, 0, bit(SIGUSR2)), 0);
    seen.count = 0;
    check_long("raise(SIGUSR1)", raise(SIGUSR1), 0);
    check_long("the handler ran once before raise returned", seen.count, 1);
    check_long("si_signo", seen.signo, SIGUSR1);
    check_long("si_code is SI_TKILL for tgkill", seen.code, ABI_SIGNALS_SI_TKILL);
    check_long("si_pid is the sender", seen.pid, my_pid);
    check_hex("inside, the signal and sa_mask are blocked", seen.mask, bit(SIGUSR1) | bit(SIGUSR2));
    check_hex("after it, the mask is back", current_mask(), 0);
    check("the handler's stack is aligned as after a call", seen.aligned);

    check_long("a handler for SIGUSR2", install(SIGUSR2, record, 0, 0), 0);
    seen.count = 0;
    unsigned long regs[4] = { 0, 0, 0, 0 };
    check_long("kill(getpid(), SIGUSR2) with registers set", kill_keeping_registers(my_pid, SIGUSR2, regs), 0);
    check_long("the handler ran", seen.count, 1);
    check_long("si_code is SI_USER for kill", seen.code, ABI_SIGNALS_SI_USER);
    check_hex("r8 survives the handler", regs[0], 0x1111);
    check_hex("r9 survives the handler", regs[1], 0x2222);
    check_hex("r10 survives the handler", regs[2], 0x3333);
    check_hex("xmm0 survives the handler", regs[3], 0x4444);

    // A blocked signal waits, and runs when unblocked, before sigprocmask returns.
    unsigned long block = bit(SIGUSR1);
    check_long("block SIGUSR1", sys4(NR(RT_SIGPROCMASK), ABI_SIGNALS_SIG_BLOCK, &block, 0, 8), 0);
    seen.count = 0;
    check_long("kill while blocked", sys2(NR(KILL), my_pid, SIGUSR1), 0);
    check_long("twice", sys2(NR(KILL), my_pid, SIGUSR1), 0);
    check_long("no handler ran while blocked", seen.count, 0);
    check_long("unblock", sys4(NR(RT_SIGPROCMASK), ABI_SIGNALS_SIG_UNBLOCK, &block, 0, 8), 0);
    check_long("the handler ran once at the unblock (a standard signal does not queue)", seen.count, 1);

    // kill, tgkill, tkill: their checks.
    check_long("kill with signal 65", sys2(NR(KILL), my_pid, 65), -ABI_ERRNO_EINVAL);
    check_long("kill with signal -1", sys2(NR(KILL), my_pid, -1), -ABI_ERRNO_EINVAL);
    check_long("kill(self, 0) checks only", sys2(NR(KILL), my_pid, 0), 0);
    check_long("kill of no such process", sys2(NR(KILL), 999999, 0), -ABI_ERRNO_ESRCH);
    check_long("kill(INT_MIN)", sys2(NR(KILL), -2147483647L - 1, 0), -ABI_ERRNO_ESRCH);
    check_long("tgkill(self, self, 0)", sys3(NR(TGKILL), my_pid, my_tid, 0), 0);
    check_long("tgkill with tgid 0", sys3(NR(TGKILL), 0, my_tid, 0), -ABI_ERRNO_EINVAL);
    check_long("tgkill with tid -1", sys3(NR(TGKILL), my_pid, -1, 0), -ABI_ERRNO_EINVAL);
    check_long("tgkill of no such thread", sys3(NR(TGKILL), my_pid, 999999, 0), -ABI_ERRNO_ESRCH);
    check_long("tgkill with signal 65", sys3(NR(TGKILL), my_pid, my_tid, 65), -ABI_ERRNO_EINVAL);
    check_long("tkill with tid 0", sys2(NR(TKILL), 0, 0), -ABI_ERRNO_EINVAL);
    check_long("tkill(self, 0)", sys2(NR(TKILL), my_tid, 0), 0);

    // SIGSEGV to a handler: si_addr, si_code, the faulting rip; the handler moves rip on.
    check_long("a SIGSEGV handler", install(SIGSEGV, on_segv, 0, 0), 0);
    seen.count = 0;
    check_hex("a read of an unmapped page goes on at the handler's rip", probe_read(0x10), 0x5151);
    check_long("the handler ran once", seen.count, 1);
    check_long("SIGSEGV", seen.signo, SIGSEGV);
    check_long("SEGV_MAPERR", seen.code, ABI_SIGNALS_SEGV_MAPERR);
    check_hex("si_addr is the address read", (unsigned long)seen.addr, 0x10);
    check_hex("the frame's rip is the faulting instruction", fault_rip, (unsigned long)probe_read_insn);
    check_hex("the frame's rdi is the caller's", fault_rdi, 0x10);
    long page = sys6(NR(MMAP), 0, 4096, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    seen.count = 0;
    check_hex("a write to a read-only page goes on too", probe_write(page + 8), 0x5151);
    check_long("SEGV_ACCERR", seen.code, ABI_SIGNALS_SEGV_ACCERR);
    check_hex("si_addr is the address written", (unsigned long)seen.addr, page + 8);
    check_hex("the frame's rip is the writing instruction", fault_rip, (unsigned long)probe_write_insn);
    sys2(NR(MUNMAP), page, 4096);

    // sigaltstack.
    unsigned long ss[3] = { 1, 1, 1 };
    check_long("sigaltstack reads the old stack", sys2(NR(SIGALTSTACK), 0, ss), 0);
    check_long("none at first (SS_DISABLE)", (long)(int)ss[1], ABI_SIGNALS_SS_DISABLE);
    long alt = sys6(NR(MMAP), 0, 65536, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    unsigned long small[3] = { (unsigned long)alt, 0, 1024 };
    check_long("a stack below MINSIGSTKSZ", sys2(NR(SIGALTSTACK), small, 0), -ABI_ERRNO_ENOMEM);
    unsigned long badflags[3] = { (unsigned long)alt, 4, 65536 };
    check_long("unknown flags", sys2(NR(SIGALTSTACK), badflags, 0), -ABI_ERRNO_EINVAL);
    check_long("a stack_t from an unmapped page", sys2(NR(SIGALTSTACK), 16, 0), -ABI_ERRNO_EFAULT);
    unsigned long good[3] = { (unsigned long)alt, 0, 65536 };
    check_long("sigaltstack sets a 64 KiB stack", sys2(NR(SIGALTSTACK), good, 0), 0);
    check_long("a handler with SA_ONSTACK", install(SIGUSR2, record, SA_ONSTACK, 0), 0);
    seen.count = 0;
    check_long("raise(SIGUSR2)", raise(SIGUSR2), 0);
    check_long("it ran", seen.count, 1);
    check("on the alternate stack", seen.stack >= (unsigned long)alt && seen.stack < (unsigned long)alt + 65536);
    check("still aligned there", seen.aligned);
    check_long("the old stack reads back", sys2(NR(SIGALTSTACK), 0, ss), 0);
    check_hex("its base", ss[0], (unsigned long)alt);
    check_long("its size", (long)ss[2], 65536);

    // SA_RESETHAND and SA_NODEFER.
    check_long("a one-shot handler (SA_RESETHAND)", install(SIGUSR2, record, SA_RESETHAND | SA_NODEFER, 0), 0);
    seen.count = 0;
    check_long("raise", raise(SIGUSR2), 0);
    check_long("it ran", seen.count, 1);
    check_hex("with SA_NODEFER the signal is not blocked inside", seen.mask & bit(SIGUSR2), 0);
    check_long("the action is read", sys4(NR(RT_SIGACTION), SIGUSR2, 0, old, 8), 0);
    check_long("it is the default again", (long)old[0], 0);

    // A thread spinning in ring 3 takes a signal at a timer interrupt; its registers
    // and SSE state come back.
    struct worker w = { 0 };
    struct thread t;
    spinner_worker = &w;
    check_long("a handler that sets the spinner's flag", install(SIGUSR1, set_spinner_flag, 0, 0), 0);
    seen.count = 0;
    check("a spinning thread starts", thread_start(&t, spinner, &w, 0) > 0);
    wait_ready(&w);
    sleep_ms(20);
    check_long("tgkill to the spinning thread", sys3(NR(TGKILL), my_pid, w.tid, SIGUSR1), 0);
    thread_join(&t);
    check_long("its handler ran, in that thread", seen.count == 1 && seen.tid == (unsigned long)w.tid, 1);
    check_hex("xmm5 and r8 came back to the interrupted loop", w.result, 0xCCCC);

    // A thread blocked in read() on an empty pipe: a signal's handler runs and read
    // returns EINTR (no SA_RESTART).
    int fds[2];
    check_long("pipe", sys1(NR(PIPE), fds), 0);
    struct worker r = { 0 };
    r.fd = fds[0];
    check_long("a handler without SA_RESTART", install(SIGUSR1, set_flag, 0, 0), 0);
    seen.count = 0;
    check("a reader thread starts", thread_start(&t, reader, &r, 0) > 0);
    wait_ready(&r);
    sleep_ms(50);
    check_long("tgkill to the blocked reader", sys3(NR(TGKILL), my_pid, r.tid, SIGUSR1), 0);
    thread_join(&t);
    check_long("its read returned EINTR", r.result, -ABI_ERRNO_EINTR);
    check_long("after the handler ran in it", seen.count == 1 && seen.tid == (unsigned long)r.tid, 1);

    // The same with SA_RESTART: the handler runs and read goes on waiting, then
    // returns the byte written after it.
    struct worker r2 = { 0 };
    r2.fd = fds[0];
    r2.result = -12345;
    check_long("a handler with SA_RESTART", install(SIGUSR1, set_flag, SA_RESTART, 0), 0);
    seen.count = 0;
    check("another reader thread starts", thread_start(&t, reader, &r2, 0) > 0);
    wait_ready(&r2);
    sleep_ms(50);
    check_long("tgkill to the blocked reader", sys3(NR(TGKILL), my_pid, r2.tid, SIGUSR1), 0);
    sleep_ms(50);
    check_long("the handler ran in it", seen.count == 1 && seen.tid == (unsigned long)r2.tid, 1);
    check_long("and its read is still waiting", __atomic_load_n(&r2.result, __ATOMIC_ACQUIRE), -12345);
    check_long("a byte is written", sys3(NR(WRITE), fds[1], "y", 1), 1);
    thread_join(&t);
    check_long("the restarted read returns it", r2.result, 1);

    // Default actions, in forked children.
    int status = in_child(child_sigterm);
    check_long("SIGTERM by default ends the child", status & 0x7f, SIGTERM);
    status = in_child(child_sigchld_ignored);
    check_long("SIGCHLD by default is ignored", status, 0);
    status = in_child(child_sigterm_ignored);
    check_long("SIG_IGN keeps SIGTERM from ending it", status, 3 << 8);
    status = in_child(child_blocked_segv);
    check_long("a fault with SIGSEGV blocked ends it by SIGSEGV", status & 0x7f, SIGSEGV);
    status = in_child(child_unhandled_read_fault);
    check_long("without a handler, by SIGSEGV", status & 0x7f, SIGSEGV);
    status = in_child(child_bad_sigreturn);
    check_long("a handler that returns to a kernel address: SIGSEGV", status & 0x7f, SIGSEGV);

    // A write into a pipe without readers: SIGPIPE (default: the end), or EPIPE and
    // the handler.
    status = in_child(child_writes_to_a_closed_pipe);
    check_long("a write into a pipe without readers ends it by SIGPIPE", status & 0x7f, SIGPIPE);
    int closed[2];
    sys1(NR(PIPE), closed);
    sys1(NR(CLOSE), closed[0]);
    check_long("a SIGPIPE handler", install(SIGPIPE, record, 0, 0), 0);
    seen.count = 0;
    check_long("with it, the write answers EPIPE", sys3(NR(WRITE), closed[1], "x", 1), -ABI_ERRNO_EPIPE);
    check_long("and the handler ran once, before write returned", seen.count, 1);
    check_long("with SIGPIPE", seen.signo, SIGPIPE);
    signal(SIGPIPE, SIG_IGN);
    check_long("ignored, the write answers EPIPE", sys3(NR(WRITE), closed[1], "x", 1), -ABI_ERRNO_EPIPE);
    sys1(NR(CLOSE), closed[1]);

    // A child blocked in read() is ended by SIGKILL and by SIGTERM from its parent.
    for (int round = 0; round < 2; round++) {
        long child = sys0(NR(FORK));
        if (child == 0) {
            char c;
            sys3(NR(READ), fds[0], &c, 1);
            sys1(NR(EXIT_GROUP), 7);
        }
        sleep_ms(30);
        int sig = round == 0 ? SIGKILL : SIGTERM;
        check_long("kill the blocked child", sys2(NR(KILL), child, sig), 0);
        status = -1;
        check_long("and reap it", sys4(NR(WAIT4), child, &status, 0, 0), child);
        check_long(round == 0 ? "it ended by SIGKILL" : "it ended by SIGTERM", status & 0x7f, sig);
    }
    check_long("kill of a reaped child", sys2(NR(KILL), 999999, SIGTERM), -ABI_ERRNO_ESRCH);
    return check_done();
}
