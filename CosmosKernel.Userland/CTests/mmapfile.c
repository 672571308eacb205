// mmapfile: mmap of the file tree's files as Linux does it (issue 13, item 2), on a
// file written since boot: a MAP_SHARED mapping and write(2) see each other's bytes
// at once, in a forked child too, and after munmap and unlink; a private mapping's
// stores stay its own; the rest of the last page reads zero and a page wholly past the
// end is SIGBUS (BUS_ADRERR, si_addr); ftruncate moves that end for new touches; the
// permission checks (EACCES for a shared writable mapping of a read-only descriptor,
// at mmap and at mprotect; EACCES for a write-only one; ENODEV for a pipe and a
// directory); and a program copied into /tmp with write(2) runs with execve.
#include <setjmp.h>
#include <signal.h>
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define O(name) ABI_OPEN_FLAGS_##name
#define E(name) (-ABI_ERRNO_##name)
#define PAGE 4096L
#define RW (ABI_PROT_READ | ABI_PROT_WRITE)
#define SHARED ABI_MAP_FLAGS_SHARED
#define PRIVATE ABI_MAP_FLAGS_PRIVATE

static long map(long length, long protection, long flags, long fd, long offset)
{
    return sys6(NR(MMAP), 0, length, protection, flags, fd, offset);
}

static long open3(const char *path, long flags, long mode)
{
    return sys3(NR(OPEN), path, flags, mode);
}

// ---- SIGBUS: a probe that reads one byte and says whether it faulted ----------------

static sigjmp_buf probe_jump;
static volatile int probe_code;
static volatile unsigned long probe_address;

static void on_bus(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    probe_code = info->si_code;
    probe_address = (unsigned long)info->si_addr;
    siglongjmp(probe_jump, 1);
}

// 1 when reading *p raised SIGBUS (its code and address kept), 0 when it read.
static int bus_on_read(volatile char *p)
{
    probe_code = -1;
    probe_address = 0;
    if (sigsetjmp(probe_jump, 1))
        return 1;
    (void)*p;
    return 0;
}

// ---- the checks ----------------------------------------------------------------------

static long file_byte(long fd, long offset)
{
    unsigned char byte = 0;
    long n = sys4(NR(PREAD64), fd, &byte, 1, offset);
    return n == 1 ? byte : n;
}

static void shared_and_private(void)
{
    long fd = open3("/tmp/mmapfile", O(CREATE) | O(TRUNCATE) | 2, 0644);
    check("a new file in /tmp", fd >= 0);
    static char data[2 * PAGE + 100];
    for (long i = 0; i < (long)sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    check_long("write 2 pages and 100 bytes", sys3(NR(WRITE), fd, data, sizeof data), sizeof data);

    char *shared = (char *)map(3 * PAGE, RW, SHARED, fd, 0);
    check("MAP_SHARED of a file written since boot", (long)shared > 0);
    check_long("the mapping reads the file's first byte", shared[0], 'a');
    check_long("and its last", shared[2 * PAGE + 99], data[2 * PAGE + 99]);
    check_long("the rest of the last page reads zero", shared[2 * PAGE + 100], 0);
    shared[10] = '!';
    check_long("a store through the mapping is in the file at once", file_byte(fd, 10), '!');
    check_long("pwrite", sys4(NR(PWRITE64), fd, "#", 1, PAGE + 5), 1);
    check_long("shows in the mapping at once", shared[PAGE + 5], '#');

    char *private = (char *)map(3 * PAGE, RW, PRIVATE, fd, 0);
    check("MAP_PRIVATE of it", (long)private > 0);
    check_long("the private mapping reads the file", private[10], '!');
    private[11] = '?';
    check_long("its store stays its own", file_byte(fd, 11), data[11]);
    check_long("and the shared mapping does not see it", shared[11], data[11]);

    char *offset = (char *)map(PAGE, ABI_PROT_READ, SHARED, fd, PAGE);
    check("a mapping at offset one page", (long)offset > 0);
    check_long("reads the file from there", offset[5], '#');

    // A child's store through the inherited shared mapping.
    long child = sys0(NR(FORK));
    if (child == 0)
    {
        shared[20] = 'C';
        sys1(NR(EXIT_GROUP), 0);
    }
    int status = -1;
    check_long("a forked child", sys4(NR(WAIT4), child, &status, 0, 0), child);
    check_long("its store is in the parent's mapping", shared[20], 'C');
    check_long("and in the file", file_byte(fd, 20), 'C');

    // SIGBUS past the end, and ftruncate moving the end.
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, 0);
    char *wide = (char *)map(4 * PAGE, RW, SHARED, fd, 0);
    check("a mapping longer than the file", (long)wide > 0);
    check_long("a page wholly past the end: SIGBUS", bus_on_read(wide + 3 * PAGE), 1);
    check_long("BUS_ADRERR", probe_code, BUS_ADRERR);
    check_hex("si_addr is the address touched", probe_address, (unsigned long)(wide + 3 * PAGE));
    check_long("the last partial page reads", bus_on_read(wide + 2 * PAGE + 4000), 0);
    check_long("ftruncate to 4 pages", sys2(NR(FTRUNCATE), fd, 4 * PAGE), 0);
    check_long("the new page reads", bus_on_read(wide + 3 * PAGE), 0);
    check_long("as zeros", wide[3 * PAGE], 0);
    wide[3 * PAGE + 1] = 'T';
    check_long("a store there reaches the file", file_byte(fd, 3 * PAGE + 1), 'T');
    char *priv = (char *)map(4 * PAGE, RW, PRIVATE, fd, 0);
    check("a private mapping of it", (long)priv > 0);
    priv[3 * PAGE + 2] = 'P';
    check_long("its own copy of the fourth page", priv[3 * PAGE + 1], 'T');
    // Another process cuts the file: the pages past the new end leave every mapping
    // (Linux's truncate unmaps them, private copies too), so a touch is SIGBUS.
    long cutter = sys0(NR(FORK));
    if (cutter == 0)
        sys1(NR(EXIT_GROUP), sys2(NR(FTRUNCATE), fd, PAGE + 50) == 0 ? 0 : 1);
    check_long("a child's ftruncate to 1 page and 50 bytes", sys4(NR(WAIT4), cutter, &status, 0, 0) == cutter ? status : -1, 0);
    check_long("a page mapped before the cut, now past the end: SIGBUS", bus_on_read(wide + 3 * PAGE), 1);
    check_hex("  at that address", probe_address, (unsigned long)(wide + 3 * PAGE));
    check_long("the private copy of one: SIGBUS too", bus_on_read(priv + 3 * PAGE), 1);
    check_long("the page before the end still reads", bus_on_read(wide + PAGE + 10), 0);
    check_long("munmap of the private mapping", sys2(NR(MUNMAP), priv, 4 * PAGE), 0);
    check_long("the file's size follows", sys3(NR(LSEEK), fd, 0, 2), PAGE + 50);
    char *after = (char *)map(4 * PAGE, RW, SHARED, fd, 0);
    check("a new mapping after it", (long)after > 0);
    check_long("its third page: SIGBUS", bus_on_read(after + 2 * PAGE), 1);
    check_long("the cut page's tail reads zero", after[PAGE + 60], 0);
    check_long("ftruncate to 3 pages again", sys2(NR(FTRUNCATE), fd, 3 * PAGE), 0);
    check_long("the bytes cut off read zero in the file", file_byte(fd, PAGE + 60), 0);
    check_long("and in the mapping", after[PAGE + 60], 0);
    check_long("a cut page came back as zeros", after[2 * PAGE + 5], 0);

    // munmap and unlink leave the bytes where they belong.
    shared[30] = 'M';
    check_long("munmap of the shared mapping", sys2(NR(MUNMAP), shared, 3 * PAGE), 0);
    check_long("its store outlives it in the file", file_byte(fd, 30), 'M');
    check_long("unlink of the mapped file", sys1(NR(UNLINK), "/tmp/mmapfile"), 0);
    check_long("close of its descriptor", sys1(NR(CLOSE), fd), 0);
    check_long("a mapping still reads the unlinked file", after[30], 'M');
    after[31] = 'U';
    check_long("and still shares with another", wide[31], 'U');
    sys2(NR(MUNMAP), wide, 4 * PAGE);
    sys2(NR(MUNMAP), after, 4 * PAGE);
    sys2(NR(MUNMAP), private, 3 * PAGE);
    sys2(NR(MUNMAP), offset, PAGE);
}

static void permissions(void)
{
    long fd = open3("/tmp/mmapfile-rw", O(CREATE) | O(TRUNCATE) | 2, 0644);
    check_long("a page of bytes", sys3(NR(WRITE), fd, "x", 1), 1);
    sys1(NR(CLOSE), fd);

    long ro = open3("/tmp/mmapfile-rw", 0, 0);
    check_long("MAP_SHARED, PROT_WRITE of a read-only descriptor: EACCES", map(PAGE, RW, SHARED, ro, 0), E(EACCES));
    char *p = (char *)map(PAGE, ABI_PROT_READ, SHARED, ro, 0);
    check("MAP_SHARED, PROT_READ of it", (long)p > 0);
    check_long("reads the file", p[0], 'x');
    check_long("mprotect to PROT_WRITE: EACCES", sys3(NR(MPROTECT), p, PAGE, RW), E(EACCES));
    char *q = (char *)map(PAGE, RW, PRIVATE, ro, 0);
    check("MAP_PRIVATE, PROT_WRITE of it", (long)q > 0);
    q[0] = 'y';
    check_long("a private store", q[0], 'y');
    sys2(NR(MUNMAP), p, PAGE);
    sys2(NR(MUNMAP), q, PAGE);
    sys1(NR(CLOSE), ro);

    long wo = open3("/tmp/mmapfile-rw", 1, 0);
    check_long("a write-only descriptor: EACCES", map(PAGE, ABI_PROT_READ, SHARED, wo, 0), E(EACCES));
    sys1(NR(CLOSE), wo);

    int pipe_fds[2];
    sys1(NR(PIPE), pipe_fds);
    check_long("a pipe: ENODEV", map(PAGE, ABI_PROT_READ, PRIVATE, pipe_fds[0], 0), E(ENODEV));
    long dir = open3("/tmp", O(DIRECTORY), 0);
    check_long("a directory: ENODEV", map(PAGE, ABI_PROT_READ, PRIVATE, dir, 0), E(ENODEV));
    sys1(NR(CLOSE), dir);
    sys1(NR(CLOSE), pipe_fds[0]);
    sys1(NR(CLOSE), pipe_fds[1]);
    sys1(NR(UNLINK), "/tmp/mmapfile-rw");
}

// This program copied into /tmp with read and write, then run from there.
static void exec_copy(const char *self)
{
    long in = open3(self, 0, 0);
    long out = open3("/tmp/mmapfile-copy", O(CREATE) | O(TRUNCATE) | 1, 0755);
    check("the program and its copy are open", in >= 0 && out >= 0);
    static char buffer[8192];
    long n, total = 0, ok = 1;
    while ((n = sys3(NR(READ), in, buffer, sizeof buffer)) > 0)
    {
        ok &= sys3(NR(WRITE), out, buffer, n) == n;
        total += n;
    }
    check("copied with read and write", ok && n == 0 && total > 0);
    sys1(NR(CLOSE), in);
    sys1(NR(CLOSE), out);
    long child = sys0(NR(FORK));
    if (child == 0)
    {
        char *argv[] = { "mmapfile-copy", "exec-child", 0 };
        char *envp[] = { 0 };
        sys3(NR(EXECVE), "/tmp/mmapfile-copy", argv, envp);
        sys1(NR(EXIT_GROUP), 99); // execve failed
    }
    int status = -1;
    check_long("the copy ran", sys4(NR(WAIT4), child, &status, 0, 0), child);
    check_long("and exited with its own status (42)", status, 42 << 8);
    check_long("unlink of the copy", sys1(NR(UNLINK), "/tmp/mmapfile-copy"), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] == 'e')
        return 42; // exec_copy's child: the copy runs
    check_begin("mmapfile");
    sys2(NR(MKDIR), "/tmp", 01777); // Linux's /init starts with an empty rootfs: EEXIST here
    shared_and_private();
    permissions();
    exec_copy(sys2(NR(ACCESS), "/init", 0) == 0 ? "/init" : "/modules/mmapfile");
    return check_done();
}
