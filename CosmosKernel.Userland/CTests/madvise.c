// madvise: MADV_DONTNEED as Linux does it (issue 13): private anonymous pages read as
// zeros afterwards and the others keep their bytes, a forked child's copy-on-write
// pages drop in the child only, shared anonymous memory keeps its bytes, a private
// mapping of a file reads as the file again; the hints are accepted; an unaligned
// address or an unknown advice is EINVAL, a zero length 0, a range with a hole ENOMEM
// (the mapped part still dropped).
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define PAGE 4096L

static long map(long length, long flags)
{
    return sys6(NR(MMAP), 0, length, ABI_PROT_READ | ABI_PROT_WRITE, flags | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
}

int main(void)
{
    check_begin("madvise");
    char *p = (char *)map(4 * PAGE, ABI_MAP_FLAGS_PRIVATE);
    for (int i = 0; i < 4; i++)
        p[i * PAGE] = (char)('a' + i);
    check_long("MADV_DONTNEED on pages 1 and 2", sys3(NR(MADVISE), p + PAGE, 2 * PAGE, ABI_MADVISE_DONTNEED), 0);
    check_long("page 0 keeps its byte", p[0], 'a');
    check_long("page 1 reads zero", p[PAGE], 0);
    check_long("page 2 reads zero", p[2 * PAGE], 0);
    check_long("page 3 keeps its byte", p[3 * PAGE], 'd');
    p[PAGE] = 'x';
    check_long("a dropped page is written again", p[PAGE], 'x');

    for (int advice = 0; advice <= 3; advice++)
        check_long("a hint (NORMAL, RANDOM, SEQUENTIAL, WILLNEED)", sys3(NR(MADVISE), p, 4 * PAGE, advice), 0);
    check_long("the hints changed nothing", p[0], 'a');
    check_long("an unaligned address", sys3(NR(MADVISE), p + 1, PAGE, ABI_MADVISE_DONTNEED), -ABI_ERRNO_EINVAL);
    check_long("an unknown advice", sys3(NR(MADVISE), p, PAGE, 999), -ABI_ERRNO_EINVAL);
    check_long("a zero length", sys3(NR(MADVISE), p, 0, ABI_MADVISE_DONTNEED), 0);
    check_long("a range that wraps", sys3(NR(MADVISE), p, -PAGE, ABI_MADVISE_DONTNEED), -ABI_ERRNO_EINVAL);

    // A hole: page 2 unmapped; pages 1 and 3 still drop, then ENOMEM.
    p[PAGE] = 'y';
    p[3 * PAGE] = 'z';
    sys2(NR(MUNMAP), p + 2 * PAGE, PAGE);
    check_long("a range with a hole", sys3(NR(MADVISE), p + PAGE, 3 * PAGE, ABI_MADVISE_DONTNEED), -ABI_ERRNO_ENOMEM);
    check_long("the page before the hole dropped", p[PAGE], 0);
    check_long("the page after it too", p[3 * PAGE], 0);
    check_long("nothing mapped at all", sys3(NR(MADVISE), p + 2 * PAGE, PAGE, ABI_MADVISE_DONTNEED), -ABI_ERRNO_ENOMEM);

    // Copy-on-write after fork: the child's drop leaves the parent's page.
    p[0] = 'q';
    long child = sys0(NR(FORK));
    if (child == 0) {
        long ok = sys3(NR(MADVISE), p, PAGE, ABI_MADVISE_DONTNEED) == 0 && p[0] == 0;
        sys1(NR(EXIT_GROUP), ok ? 0 : 1);
    }
    int status = -1;
    sys4(NR(WAIT4), child, &status, 0, 0);
    check_long("the child's page reads zero after its MADV_DONTNEED", status, 0);
    check_long("the parent's keeps its byte", p[0], 'q');

    // Shared anonymous memory keeps its bytes.
    char *s = (char *)map(PAGE, ABI_MAP_FLAGS_SHARED);
    s[0] = 's';
    check_long("MADV_DONTNEED on shared memory", sys3(NR(MADVISE), s, PAGE, ABI_MADVISE_DONTNEED), 0);
    check_long("it keeps its byte", s[0], 's');

    // A private mapping of a file (this program) reads as the file again.
    long fd = sys2(NR(OPEN), "/init", 0); // Linux: this program is /init
    if (fd < 0)
        fd = sys2(NR(OPEN), "/modules/madvise", 0);
    if (check("the program's file opens", fd >= 0)) {
        char *f = (char *)sys6(NR(MMAP), 0, PAGE, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE, fd, 0);
        check_long("its first byte is the ELF magic", f[0], 0x7f);
        f[0] = 'w';
        check_long("MADV_DONTNEED on the written page", sys3(NR(MADVISE), f, PAGE, ABI_MADVISE_DONTNEED), 0);
        check_long("it reads as the file again", f[0], 0x7f);
    }
    return check_done();
}
