// readwrite: read(2) and write(2) as Linux answers them (issue 16, items 9 and 10):
// - a zero count returns 0 at once, even on an empty pipe or behind a writer that
//   waits for room (it blocked);
// - a writer that waits for room in a full pipe sleeps until the reader reads, even
//   just after a FUTEX_WAKE ended a timed wait of its (the kernel hung: the fuzzer);
// - the user range is checked whole before any byte moves, as Linux's access_ok does:
//   a range that wraps or ends past the end of user space (0x7FFFFFFFF000 with
//   four-level paging) is EFAULT and moves nothing (it was cut and partly done); a
//   range inside user space that runs into unmapped memory moves the bytes before
//   the hole, as on Linux.
#include "check.h"

#define USER_END 0x00007FFFFFFFF000UL // Linux's TASK_SIZE_MAX with four-level paging

static int fds[2];
static char big[64 * 1024], drained[64 * 1024];

// A thread woken from a timed FUTEX_WAIT by FUTEX_WAKE, then writing more than a pipe
// holds: it must sleep until the reader reads. (Found by the fuzzer: the wake left
// the thread a spare wake-up, so its first sleep in the pipe returned at once, and
// the full pipe's writer, which wakes every waiter before it sleeps, woke itself
// again and again while holding the kernel: every CPU hung.)
static int wake_word, after_fds[2];
static long after_wake_written;

static int wait_then_fill(void *arg, unsigned long entry_rflags)
{
    static const long five_s[2] = { 5, 0 };
    while (__atomic_load_n(&wake_word, __ATOMIC_ACQUIRE) == 0)
        sys4(ABI_SYSCALL_NUMBERS_FUTEX, &wake_word, ABI_FUTEX_OPS_WAIT | ABI_FUTEX_OPS_PRIVATE_FLAG, 0, five_s);
    after_wake_written = sys3(ABI_SYSCALL_NUMBERS_WRITE, after_fds[1], big, sizeof big);
    return 0;
}

// Writes more than a pipe holds: it waits for room until the main thread reads.
static int flood(void *arg, unsigned long entry_rflags)
{
    __atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
    long total = 0;
    for (int i = 0; i < 4; i++)
        total += sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], big, sizeof big);
    return total == 4 * (long)sizeof big ? 0 : 1;
}

int main(void)
{
    check_begin("readwrite");
    char buffer[64];
    if (!check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, fds), 0))
        return check_done();
    long page = sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    if (!check("mmap a page", page > 0))
        return check_done();

    // Zero counts (item 9).
    check_long("read of 0 bytes from an empty pipe returns 0 at once", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], buffer, 0), 0);
    check_long("read of 0 bytes to NULL returns 0", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], 0, 0), 0);
    check_long("write of 0 bytes to a pipe returns 0", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], buffer, 0), 0);
    check_long("write of 0 bytes from a kernel address is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], 0xFFFF800000000000UL, 0), -ABI_ERRNO_EFAULT);
    check_long("read of 0 bytes into a kernel address is EFAULT", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], 0xFFFFFFFF80100000UL, 0), -ABI_ERRNO_EFAULT);
    check_long("write of 0 bytes from a non-canonical address is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], 0x0000800000000000UL, 0), -ABI_ERRNO_EFAULT);
    check_long("write of 0 bytes at the end of user space returns 0", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], USER_END, 0), 0);

    // Ranges checked whole first (item 10).
    check_long("write with a count that wraps is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], page, -1L), -ABI_ERRNO_EFAULT);
    check_long("write whose range ends 1 byte past user space is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], page, USER_END + 1 - page), -ABI_ERRNO_EFAULT);
    check_long("write whose range ends at 2^63 is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], page, (1UL << 63) - page), -ABI_ERRNO_EFAULT);
    check_long("write of 1 byte from the kernel half is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], 0xFFFF800000000000UL, 1), -ABI_ERRNO_EFAULT);
    check_long("write to the console with a count that wraps is EFAULT", sys3(ABI_SYSCALL_NUMBERS_WRITE, 1, page, -1L), -ABI_ERRNO_EFAULT);
    check_long("a marker byte goes through", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], "Z", 1), 1);
    check_long("the pipe holds only the marker: the refused writes moved nothing", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], buffer, sizeof buffer), 1);
    check("and it is the marker", buffer[0] == 'Z');
    check_long("a range that ends at the end of user space but runs into unmapped memory moves the mapped page",
               sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], page, USER_END - page), 4096);
    check_long("which the reader gets", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], (void *)page, 4096), 4096);

    check_long("three bytes into the pipe", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], "abc", 3), 3);
    check_long("read with a count that wraps is EFAULT", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], page, -1L), -ABI_ERRNO_EFAULT);
    check_long("read whose range ends 1 byte past user space is EFAULT", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], page, USER_END + 1 - page), -ABI_ERRNO_EFAULT);
    check_long("read into the kernel half is EFAULT", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], 0xFFFF800000000000UL, 3), -ABI_ERRNO_EFAULT);
    check_long("the refused reads took nothing: the three bytes are still there", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], buffer, sizeof buffer), 3);
    check("and they are abc", buffer[0] == 'a' && buffer[1] == 'b' && buffer[2] == 'c');

    check_long("read from the write end is EBADF", sys3(ABI_SYSCALL_NUMBERS_READ, fds[1], buffer, 1), -ABI_ERRNO_EBADF);
    check_long("write to the read end is EBADF", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[0], buffer, 1), -ABI_ERRNO_EBADF);
    check_long("read from the write end with a wrapping count is EBADF (the mode first)", sys3(ABI_SYSCALL_NUMBERS_READ, fds[1], page, -1L), -ABI_ERRNO_EBADF);

    // A zero-byte write while another writer waits for room in the full pipe (item 9).
    struct thread writer;
    int started = 0;
    long tid = thread_start(&writer, flood, &started, 0);
    if (check("a writer thread starts", tid > 0)) {
        while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
            sys0(ABI_SYSCALL_NUMBERS_SCHED_YIELD);
        for (int i = 0; i < 100; i++)
            sys0(ABI_SYSCALL_NUMBERS_SCHED_YIELD); // the writer fills the pipe and waits for room
        check_long("write of 0 bytes while another writer waits for room returns 0", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], buffer, 0), 0);
        check_long("read of 0 bytes from a full pipe returns 0", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], buffer, 0), 0);
        long total = 0, got;
        while (total < 4 * (long)sizeof big && (got = sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], drained, sizeof drained)) > 0)
            total += got;
        check_long("the reader gets every byte of the writer", total, 4 * (long)sizeof big);
        thread_join(&writer);
    }

    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[0]);
    check_long("write of 0 bytes to a pipe without readers returns 0 (no EPIPE)", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], buffer, 0), 0);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[1]);

    // A writer just woken by FUTEX_WAKE from a timed wait fills a pipe and waits.
    struct thread filler;
    if (check_long("a second pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, after_fds), 0) && check("a thread waits on a futex", thread_start(&filler, wait_then_fill, 0, 0) > 0)) {
        long woken = 0;
        for (int i = 0; i < 100000 && woken != 1; i++) {
            woken = sys3(ABI_SYSCALL_NUMBERS_FUTEX, &wake_word, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1);
            if (woken != 1)
                sys0(ABI_SYSCALL_NUMBERS_SCHED_YIELD);
        }
        check_long("FUTEX_WAKE woke the thread in its timed wait", woken, 1);
        __atomic_store_n(&wake_word, 1, __ATOMIC_RELEASE);
        sys3(ABI_SYSCALL_NUMBERS_FUTEX, &wake_word, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1);
        for (int i = 0; i < 100; i++)
            sys0(ABI_SYSCALL_NUMBERS_SCHED_YIELD); // the thread fills the pipe and waits for room
        long total = 0, got;
        while (total < (long)sizeof big && (got = sys3(ABI_SYSCALL_NUMBERS_READ, after_fds[0], drained, sizeof drained)) > 0)
            total += got;
        check_long("the reader gets all a futex-woken writer wrote", total, sizeof big);
        thread_join(&filler);
        check_long("and the writer wrote it all", after_wake_written, sizeof big);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, after_fds[0]);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, after_fds[1]);
    }
    return check_done();
}
