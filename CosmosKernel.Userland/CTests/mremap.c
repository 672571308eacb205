// mremap as Linux does it (issue 13, item 1): a mapping grows in place when nothing
// follows it, moves (MREMAP_MAYMOVE) with its bytes when something does, and says
// ENOMEM without MREMAP_MAYMOVE; a shrink gives back the tail; MREMAP_FIXED moves it to
// a chosen address over what was there; MREMAP_DONTUNMAP leaves the old range mapped and
// empty; an old length of 0 makes a second mapping of shared memory; shared anonymous
// memory grown past its size is SIGBUS; a file mapping moved still shares the file; a
// forked child's move leaves the parent's copy-on-write page alone; musl's realloc of a
// large block (which calls mremap) keeps its bytes; and Linux's errnos (EINVAL, EFAULT).
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define E(name) (-ABI_ERRNO_##name)
#define PAGE 4096L
#define RW (ABI_PROT_READ | ABI_PROT_WRITE)
#define MAYMOVE ABI_MREMAP_FLAGS_MAY_MOVE
#define FIXED ABI_MREMAP_FLAGS_FIXED
#define DONTUNMAP ABI_MREMAP_FLAGS_DONT_UNMAP

static long map_at(long address, long length, long protection, long flags)
{
    return sys6(NR(MMAP), address, length, protection, flags | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
}

static char *map(long length, long flags)
{
    return (char *)map_at(0, length, RW, flags);
}

static long remap(void *address, long old_length, long new_length, long flags, void *new_address)
{
    return sys6(NR(MREMAP), address, old_length, new_length, flags, new_address, 0);
}

// 1 when no mapping covers the page at p (a MAP_FIXED_NOREPLACE mapping fits there).
static int unmapped(char *p)
{
    long q = map_at((long)p, PAGE, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_FIXED_NO_REPLACE);
    if (q == (long)p)
        sys2(NR(MUNMAP), p, PAGE);
    return q == (long)p;
}

static sigjmp_buf probe_jump;

static void on_bus(int sig)
{
    (void)sig;
    siglongjmp(probe_jump, 1);
}

static int bus_on_read(volatile char *p)
{
    if (sigsetjmp(probe_jump, 1))
        return 1;
    (void)*p;
    return 0;
}

static void grow_and_shrink(void)
{
    char *p = map(8 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    sys2(NR(MUNMAP), p + 2 * PAGE, 6 * PAGE);
    p[0] = 'a';
    p[PAGE] = 'b';
    check_hex("growing with nothing after it: in place", remap(p, 2 * PAGE, 4 * PAGE, 0, 0), (unsigned long)p);
    check_long("its bytes stay", p[0] + p[PAGE], 'a' + 'b');
    check_long("the new pages read zero", p[3 * PAGE], 0);
    p[3 * PAGE] = 'd';
    check_hex("shrinking to one page: in place", remap(p, 4 * PAGE, PAGE, 0, 0), (unsigned long)p);
    check("the tail is unmapped", unmapped(p + PAGE) && unmapped(p + 3 * PAGE));
    check_long("the first page keeps its byte", p[0], 'a');
    check_hex("the same length", remap(p, PAGE, PAGE, 0, 0), (unsigned long)p);
    sys2(NR(MUNMAP), p, PAGE);

    // Blocked by a mapping right after it.
    char *q = map(3 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    sys3(NR(MPROTECT), q + 2 * PAGE, PAGE, ABI_PROT_READ); // a different mapping after two pages
    q[0] = 'x';
    q[PAGE] = 'y';
    check_long("growing into the next mapping without MREMAP_MAYMOVE: ENOMEM", remap(q, 2 * PAGE, 4 * PAGE, 0, 0), E(ENOMEM));
    check_long("an old length past its mapping: EFAULT", remap(q, 3 * PAGE, 4 * PAGE, MAYMOVE, 0), E(EFAULT));
    char *moved = (char *)remap(q, 2 * PAGE, 4 * PAGE, MAYMOVE, 0);
    check("with MREMAP_MAYMOVE it moves", (long)moved > 0 && moved != q);
    check_long("with its bytes", moved[0] + moved[PAGE], 'x' + 'y');
    check_long("the grown part reads zero", moved[3 * PAGE], 0);
    moved[3 * PAGE] = 'z';
    check("the old pages are unmapped", unmapped(q) && unmapped(q + PAGE));
    check("the mapping after them stays", !unmapped(q + 2 * PAGE));
    sys2(NR(MUNMAP), moved, 4 * PAGE);
    sys2(NR(MUNMAP), q + 2 * PAGE, PAGE);
}

static void fixed_and_dontunmap(void)
{
    char *a = map(4 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    for (int i = 0; i < 4; i++)
        a[i * PAGE] = (char)('A' + i);
    char *t = map(3 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    for (int i = 0; i < 3; i++)
        t[i * PAGE] = 'T';
    check_long("MREMAP_FIXED over the old range: EINVAL", remap(a, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, a + PAGE), E(EINVAL));
    check_long("MREMAP_FIXED to an unaligned address: EINVAL", remap(a, 2 * PAGE, 2 * PAGE, MAYMOVE | FIXED, t + 1), E(EINVAL));
    check_hex("MREMAP_FIXED, 4 pages cut to 2, over a mapping", remap(a, 4 * PAGE, 2 * PAGE, MAYMOVE | FIXED, t), (unsigned long)t);
    check_long("the target holds the moved bytes", t[0] + t[PAGE], 'A' + 'B');
    check_long("the target's third page is not replaced", t[2 * PAGE], 'T');
    check("the whole old range is unmapped", unmapped(a) && unmapped(a + 2 * PAGE) && unmapped(a + 3 * PAGE));
    sys2(NR(MUNMAP), t, 3 * PAGE);

    char *d = map(2 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    d[0] = 'D';
    d[PAGE] = 'E';
    check_long("MREMAP_DONTUNMAP with another length: EINVAL", remap(d, 2 * PAGE, 3 * PAGE, MAYMOVE | DONTUNMAP, 0), E(EINVAL));
    char *e = (char *)remap(d, 2 * PAGE, 2 * PAGE, MAYMOVE | DONTUNMAP, 0);
    check("MREMAP_DONTUNMAP moves", (long)e > 0 && e != d);
    check_long("the bytes", e[0] + e[PAGE], 'D' + 'E');
    check("the old range stays mapped", !unmapped(d));
    check_long("and reads zero", d[0] + d[PAGE], 0);
    sys2(NR(MUNMAP), d, 2 * PAGE);
    sys2(NR(MUNMAP), e, 2 * PAGE);
}

static void shared_memory(void)
{
    char *s = map(PAGE, ABI_MAP_FLAGS_SHARED);
    s[0] = 'S';
    char *g = (char *)remap(s, PAGE, 2 * PAGE, MAYMOVE, 0);
    check("shared anonymous memory grows", (long)g > 0);
    check_long("its page moved along", g[0], 'S');
    struct sigaction sa = { 0 };
    sa.sa_handler = on_bus;
    sigaction(SIGBUS, &sa, 0);
    check_long("past its size: SIGBUS", bus_on_read(g + PAGE), 1);
    char *dup = (char *)remap(g, 0, PAGE, MAYMOVE, 0);
    check("an old length of 0: a second mapping", (long)dup > 0 && dup != g);
    check_long("of the same page", dup[0], 'S');
    dup[1] = '2';
    check_long("a store through one shows in the other", g[1], '2');
    char *private = map(PAGE, ABI_MAP_FLAGS_PRIVATE);
    check_long("an old length of 0 on private memory: EINVAL", remap(private, 0, PAGE, MAYMOVE, 0), E(EINVAL));
    sys2(NR(MUNMAP), g, 2 * PAGE);
    sys2(NR(MUNMAP), dup, PAGE);
    sys2(NR(MUNMAP), private, PAGE);

    sys2(NR(MKDIR), "/tmp", 01777); // Linux's /init starts with an empty rootfs
    long fd = sys3(NR(OPEN), "/tmp/mremap", ABI_OPEN_FLAGS_CREATE | ABI_OPEN_FLAGS_TRUNCATE | 2, 0644);
    static char bytes[2 * PAGE];
    for (long i = 0; i < 2 * PAGE; i++)
        bytes[i] = 'f';
    check_long("a file of two pages", sys3(NR(WRITE), fd, bytes, sizeof bytes), sizeof bytes);
    char *f = (char *)sys6(NR(MMAP), 0, PAGE, RW, ABI_MAP_FLAGS_SHARED, fd, 0);
    char *blocker = (char *)map_at((long)f + PAGE, PAGE, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_FIXED_NO_REPLACE);
    char *f2 = (char *)remap(f, PAGE, 2 * PAGE, MAYMOVE, 0);
    check("a shared file mapping moves", (long)f2 > 0 && f2 != f);
    f2[PAGE + 3] = 'M';
    char byte = 0;
    sys4(NR(PREAD64), fd, &byte, 1, PAGE + 3);
    check_long("and still writes the file", byte, 'M');
    check_long("and reads it", f2[0], 'f');
    sys2(NR(MUNMAP), f2, 2 * PAGE);
    if ((long)blocker > 0)
        sys2(NR(MUNMAP), blocker, PAGE);
    sys1(NR(CLOSE), fd);
    sys1(NR(UNLINK), "/tmp/mremap");
}

static void forked_child(void)
{
    char *p = map(PAGE, ABI_MAP_FLAGS_PRIVATE);
    p[0] = 'P';
    char *spot = map(PAGE, ABI_MAP_FLAGS_PRIVATE);
    long child = sys0(NR(FORK));
    if (child == 0)
    {
        // The child moves its copy-on-write page and writes it.
        char *c = (char *)remap(p, PAGE, PAGE, MAYMOVE | FIXED, spot);
        int ok = c == spot && c[0] == 'P';
        c[0] = 'C';
        sys1(NR(EXIT_GROUP), ok && c[0] == 'C' ? 7 : 1);
    }
    int status = -1;
    sys4(NR(WAIT4), child, &status, 0, 0);
    check_long("a forked child moved its copy of a page and wrote it", status, 7 << 8);
    check_long("the parent's page is its own", p[0], 'P');
    check_long("and the child's target is untouched here", spot[0], 0);
    sys2(NR(MUNMAP), p, PAGE);
    sys2(NR(MUNMAP), spot, PAGE);
}

static void errors_and_realloc(void)
{
    char *p = map(2 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    check_long("an unknown flag: EINVAL", remap(p, PAGE, PAGE, 8, 0), E(EINVAL));
    check_long("MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL", remap(p, PAGE, PAGE, FIXED, p + 8 * PAGE), E(EINVAL));
    check_long("an unaligned address: EINVAL", remap(p + 1, PAGE, PAGE, 0, 0), E(EINVAL));
    check_long("a new length of 0: EINVAL", remap(p, PAGE, 0, 0, 0), E(EINVAL));
    sys2(NR(MUNMAP), p, 2 * PAGE);
    check_long("an unmapped address: EFAULT", remap(p, PAGE, 2 * PAGE, MAYMOVE, 0), E(EFAULT));
    check_long("a shrink of an unmapped address: EFAULT", remap(p, 2 * PAGE, PAGE, 0, 0), E(EFAULT));

    // musl's realloc moves a large block with mremap.
    long n = 1 << 20;
    unsigned char *block = malloc(n);
    for (long i = 0; i < n; i++)
        block[i] = (unsigned char)(i * 7);
    unsigned char *bigger = realloc(block, 8 * n);
    check("realloc of 1 MiB to 8 MiB", bigger != 0);
    long same = 0;
    for (long i = 0; bigger && i < n; i++)
        same += bigger[i] == (unsigned char)(i * 7);
    check_long("keeps every byte", same, n);
    if (bigger)
        bigger[8 * n - 1] = 1;
    free(bigger);
}

int main(void)
{
    check_begin("mremap");
    grow_and_shrink();
    fixed_and_dontunmap();
    shared_memory();
    forked_child();
    errors_and_realloc();
    return check_done();
}
