// waiters: two threads of a process in wait4(-1) for its one child (issue 16, item 11:
// only one was ever woken, the other slept forever). Linux wakes both: one reaps the
// child, the other looks again, finds no child and gets ECHILD.
#include "check.h"


struct waiter {
    int ready;
    long result;
    int status;
};

static int wait_for_any_child(void *arg, unsigned long entry_rflags)
{
    struct waiter *w = arg;
    __atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
    w->result = sys4(ABI_SYSCALL_NUMBERS_WAIT4, -1, &w->status, 0, 0);
    return 0;
}

int main(void)
{
    check_begin("waiters");
    int go[2];
    if (!check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, go), 0))
        return check_done();
    long child = sys0(ABI_SYSCALL_NUMBERS_FORK);
    if (child == 0) {
        // The child: exit with 7 once the parent says so (both its waiters are asleep).
        char c;
        sys3(ABI_SYSCALL_NUMBERS_READ, go[0], &c, 1);
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, 7);
    }
    if (!check("fork", child > 0))
        return check_done();

    struct waiter a = { 0, 0, 0 }, b = { 0, 0, 0 };
    struct thread ta, tb;
    check("the first waiter thread starts", thread_start(&ta, wait_for_any_child, &a, 0) > 0);
    check("the second waiter thread starts", thread_start(&tb, wait_for_any_child, &b, 0) > 0);
    while (!__atomic_load_n(&a.ready, __ATOMIC_ACQUIRE) || !__atomic_load_n(&b.ready, __ATOMIC_ACQUIRE))
        sys0(ABI_SYSCALL_NUMBERS_SCHED_YIELD);
    for (int i = 0; i < 100; i++)
        sys0(ABI_SYSCALL_NUMBERS_SCHED_YIELD); // both go to sleep in wait4
    check_long("the child is told to exit", sys3(ABI_SYSCALL_NUMBERS_WRITE, go[1], "x", 1), 1);
    thread_join(&ta);
    thread_join(&tb);

    struct waiter *reaper = a.result == child ? &a : &b, *other = reaper == &a ? &b : &a;
    check_long("one waiter reaps the child", reaper->result, child);
    check_long("with its exit status 7", reaper->status, 7 << 8);
    check_long("the other waiter wakes too and gets ECHILD", other->result, -ABI_ERRNO_ECHILD);
    check_long("no child is left", sys4(ABI_SYSCALL_NUMBERS_WAIT4, -1, 0, ABI_WAIT_STATUS_NO_HANG, 0), -ABI_ERRNO_ECHILD);
    return check_done();
}
