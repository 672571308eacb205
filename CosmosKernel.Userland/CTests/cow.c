// cow: fork's copy-on-write follows the private mapping, not the page's write bit
// (issue 16, item 2), and MAP_SHARED|MAP_ANONYMOUS is one memory for parent and child
// (item 3).
//  - A private page read-only (or PROT_NONE) at fork: the child makes it writable and
//    writes; the parent still sees its own byte (the kernel shared the frame writable).
//  - The program's own text: a child makes a code page writable and patches a
//    function; the parent still runs the original.
//  - A shared anonymous page first touched after fork, by either side: the other sees it.
#include "check.h"


static long map(long length, int protection, int flags)
{
    return sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, length, protection, flags, -1, 0);
}

// Fork a child that runs `body(arg)` and exits with its result; the child's exit status.
static int in_child(int (*body)(void *), void *arg)
{
    long pid = sys0(ABI_SYSCALL_NUMBERS_FORK);
    if (pid == 0)
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, body(arg));
    if (pid < 0)
        return -1;
    int status = 0;
    if (sys4(ABI_SYSCALL_NUMBERS_WAIT4, pid, &status, 0, 0) != pid)
        return -1;
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
}

static int write_after_mprotect(void *arg)
{
    volatile char *page = arg;
    if (sys3(ABI_SYSCALL_NUMBERS_MPROTECT, page, 4096, ABI_PROT_READ | ABI_PROT_WRITE) != 0)
        return 2;
    page[0] = 'C';
    return page[0] == 'C' ? 0 : 3;
}

__attribute__((noinline)) int answer(void) { return 42; }

// Patch answer() to return 7: its code is `mov eax, 42; ret`.
static int patch_text(void *unused)
{
    unsigned char *code = (unsigned char *)answer;
    unsigned long page = (unsigned long)code & ~4095UL;
    if (sys3(ABI_SYSCALL_NUMBERS_MPROTECT, page, 8192, ABI_PROT_READ | ABI_PROT_WRITE | ABI_PROT_EXEC) != 0)
        return 2;
    for (int i = 0; i < 16; i++) {
        if (code[i] == 0xb8 && code[i + 1] == 42 && code[i + 2] == 0) {
            code[i + 1] = 7;
            __asm__ volatile("" ::: "memory");
            return answer() == 7 ? 0 : 3;
        }
    }
    return 4;
}

static int touch_shared(void *arg)
{
    volatile char *page = arg;
    page[0] = 'X';
    return 0;
}

static int read_shared(void *arg)
{
    volatile char *page = arg;
    return page[4096] == 'Y' ? 0 : 5;
}

int main(void)
{
    check_begin("cow");

    // A private page, read-only at fork.
    long p = map(4096, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS);
    check("mmap private", p > 0);
    volatile char *page = (volatile char *)p;
    page[0] = 'A';
    check_long("mprotect read-only", sys3(ABI_SYSCALL_NUMBERS_MPROTECT, p, 4096, ABI_PROT_READ), 0);
    check_long("child writes after mprotect", in_child(write_after_mprotect, (void *)p), 0);
    check_long("parent keeps its byte (read-only at fork)", page[0], 'A');

    // The same page PROT_NONE at fork.
    check_long("mprotect PROT_NONE", sys3(ABI_SYSCALL_NUMBERS_MPROTECT, p, 4096, ABI_PROT_NONE), 0);
    check_long("child writes after mprotect (PROT_NONE at fork)", in_child(write_after_mprotect, (void *)p), 0);
    check_long("mprotect read-only again", sys3(ABI_SYSCALL_NUMBERS_MPROTECT, p, 4096, ABI_PROT_READ), 0);
    check_long("parent keeps its byte (PROT_NONE at fork)", page[0], 'A');

    // The program's text.
    check_long("child patches a function", in_child(patch_text, 0), 0);
    check_long("parent runs the original", answer(), 42);

    // Shared anonymous memory, touched first after fork.
    long s = map(2 * 4096, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_SHARED | ABI_MAP_FLAGS_ANONYMOUS);
    check("mmap shared", s > 0);
    volatile char *shared = (volatile char *)s;
    check_long("child touches a shared page first", in_child(touch_shared, (void *)s), 0);
    check_long("parent sees the child's byte", shared[0], 'X');
    shared[4096] = 'Y';
    check_long("a child sees the parent's byte in a page it touched first", in_child(read_shared, (void *)s), 0);
    return check_done();
}
