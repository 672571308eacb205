// fds: descriptors and pipes as Linux answers them (issue 13, "unmodified static musl
// programs"):
// - dup, dup2, dup3: the lowest free descriptor; dup2 closes what newfd referred to
//   (a pipe's last writer: its reader sees end of file) and clears FD_CLOEXEC; dup2 of
//   a descriptor to itself checks it; dup3 to itself, or with a flag but O_CLOEXEC, is
//   EINVAL; newfd past RLIMIT_NOFILE (1024) is EBADF;
// - fcntl: F_DUPFD (>= its argument; EINVAL at 1024 or below 0; EMFILE when none is
//   free), F_DUPFD_CLOEXEC, F_GETFD/F_SETFD (FD_CLOEXEC per descriptor: a dup starts
//   without it), F_GETFL/F_SETFL (O_NONBLOCK and O_APPEND per open file: shared by a
//   dup; the access mode does not change), F_GETPIPE_SZ (65536, Linux's default; EBADF
//   on other files); EBADF for a closed descriptor, EINVAL for an unknown command;
// - O_NONBLOCK pipes: pipe2(O_NONBLOCK | O_CLOEXEC), EAGAIN on an empty pipe with a
//   writer and on a full one, partial writes above PIPE_BUF, end of file once the
//   writer is gone;
// - a pipe holds 64 KiB: a program writes 64 KiB into its own pipe without blocking;
// - musl's printf works (it writes with writev): into a pipe dup2'd over stdout, and
//   on the console.
#include <stdio.h>
#include "check.h"

#define NONBLOCK ABI_OPEN_FLAGS_NONBLOCK
#define CLOEXEC ABI_OPEN_FLAGS_CLOEXEC

static char big[65536], back[65536];

static long fcntl3(long fd, long command, long argument) { return sys3(ABI_SYSCALL_NUMBERS_FCNTL, fd, command, argument); }
static long sys_close(long fd) { return sys1(ABI_SYSCALL_NUMBERS_CLOSE, fd); }
static long sys_read(long fd, void *buffer, long count) { return sys3(ABI_SYSCALL_NUMBERS_READ, fd, buffer, count); }
static long sys_write(long fd, const void *buffer, long count) { return sys3(ABI_SYSCALL_NUMBERS_WRITE, fd, buffer, count); }

static void dups(void)
{
    int a[2], b[2], c[2];
    char got[8];
    if (!check_long("pipe a", sys1(ABI_SYSCALL_NUMBERS_PIPE, a), 0) || !check_long("pipe b", sys1(ABI_SYSCALL_NUMBERS_PIPE, b), 0)
        || !check_long("pipe c", sys1(ABI_SYSCALL_NUMBERS_PIPE, c), 0))
        return;
    long d = sys1(ABI_SYSCALL_NUMBERS_DUP, a[1]);
    check_long("dup gives the lowest free descriptor", d, c[1] + 1);
    check_long("a write through the dup", sys_write(d, "D", 1), 1);
    check_long("arrives in the pipe", sys_read(a[0], got, 8), 1);
    check_long("dup of a closed descriptor is EBADF", sys1(ABI_SYSCALL_NUMBERS_DUP, 999), -ABI_ERRNO_EBADF);
    check_long("dup of -1 is EBADF", sys1(ABI_SYSCALL_NUMBERS_DUP, -1), -ABI_ERRNO_EBADF);
    check_long("close the dup", sys_close(d), 0);

    check_long("dup2 to 20", sys2(ABI_SYSCALL_NUMBERS_DUP2, a[1], 20), 20);
    check_long("F_SETFD FD_CLOEXEC on 20", fcntl3(20, ABI_FCNTL_COMMANDS_SET_FD, ABI_FCNTL_COMMANDS_FD_CLOEXEC), 0);
    check_long("dup2 over 20", sys2(ABI_SYSCALL_NUMBERS_DUP2, b[1], 20), 20);
    check_long("dup2 cleared FD_CLOEXEC", fcntl3(20, ABI_FCNTL_COMMANDS_GET_FD, 0), 0);
    check_long("a write to 20", sys_write(20, "B", 1), 1);
    check_long("goes to pipe b now", sys_read(b[0], got, 8), 1);
    check_long("dup2 of 20 to itself is 20", sys2(ABI_SYSCALL_NUMBERS_DUP2, 20, 20), 20);
    check_long("dup2 of a closed descriptor to itself is EBADF", sys2(ABI_SYSCALL_NUMBERS_DUP2, 998, 998), -ABI_ERRNO_EBADF);
    check_long("dup2 of a closed descriptor is EBADF", sys2(ABI_SYSCALL_NUMBERS_DUP2, 999, 21), -ABI_ERRNO_EBADF);
    check_long("dup2 to 1024 (RLIMIT_NOFILE) is EBADF", sys2(ABI_SYSCALL_NUMBERS_DUP2, a[1], 1024), -ABI_ERRNO_EBADF);
    check_long("dup2 to -1 is EBADF", sys2(ABI_SYSCALL_NUMBERS_DUP2, a[1], -1), -ABI_ERRNO_EBADF);
    check_long("dup2 to 1023 works", sys2(ABI_SYSCALL_NUMBERS_DUP2, a[1], 1023), 1023);
    check_long("close 1023", sys_close(1023), 0);

    // dup2 closes what newfd referred to: 21 holds pipe c's only writer.
    check_long("dup2 c's writer to 21", sys2(ABI_SYSCALL_NUMBERS_DUP2, c[1], 21), 21);
    check_long("close c's writer", sys_close(c[1]), 0);
    check_long("dup2 over 21", sys2(ABI_SYSCALL_NUMBERS_DUP2, b[1], 21), 21);
    check_long("pipe c's reader sees end of file: its last writer was closed", sys_read(c[0], got, 8), 0);

    check_long("dup3 to itself is EINVAL", sys3(ABI_SYSCALL_NUMBERS_DUP3, 20, 20, 0), -ABI_ERRNO_EINVAL);
    check_long("dup3 with O_NONBLOCK is EINVAL", sys3(ABI_SYSCALL_NUMBERS_DUP3, a[1], 22, NONBLOCK), -ABI_ERRNO_EINVAL);
    check_long("dup3 of a closed descriptor is EBADF", sys3(ABI_SYSCALL_NUMBERS_DUP3, 999, 22, 0), -ABI_ERRNO_EBADF);
    check_long("dup3 with O_CLOEXEC", sys3(ABI_SYSCALL_NUMBERS_DUP3, a[1], 22, CLOEXEC), 22);
    check_long("sets FD_CLOEXEC", fcntl3(22, ABI_FCNTL_COMMANDS_GET_FD, 0), ABI_FCNTL_COMMANDS_FD_CLOEXEC);
    check_long("dup3 without it", sys3(ABI_SYSCALL_NUMBERS_DUP3, a[1], 22, 0), 22);
    check_long("clears it", fcntl3(22, ABI_FCNTL_COMMANDS_GET_FD, 0), 0);

    // fcntl's dups.
    check_long("F_DUPFD 30", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD, 30), 30);
    check_long("F_DUPFD 30 again: 31", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD, 30), 31);
    check_long("without FD_CLOEXEC", fcntl3(31, ABI_FCNTL_COMMANDS_GET_FD, 0), 0);
    check_long("F_DUPFD_CLOEXEC 30: 32", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD_CLOEXEC, 30), 32);
    check_long("with FD_CLOEXEC", fcntl3(32, ABI_FCNTL_COMMANDS_GET_FD, 0), ABI_FCNTL_COMMANDS_FD_CLOEXEC);
    check_long("F_DUPFD 1023", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD, 1023), 1023);
    check_long("F_DUPFD 1023 when it is taken: EMFILE", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD, 1023), -ABI_ERRNO_EMFILE);
    check_long("F_DUPFD 1024 is EINVAL", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD, 1024), -ABI_ERRNO_EINVAL);
    check_long("F_DUPFD -1 is EINVAL", fcntl3(a[1], ABI_FCNTL_COMMANDS_DUP_FD, -1), -ABI_ERRNO_EINVAL);
    for (int fd = 30; fd <= 32; fd++)
        sys_close(fd);
    sys_close(1023);

    // FD_CLOEXEC is the descriptor's.
    check_long("F_SETFD FD_CLOEXEC", fcntl3(a[0], ABI_FCNTL_COMMANDS_SET_FD, ABI_FCNTL_COMMANDS_FD_CLOEXEC), 0);
    check_long("F_GETFD sees it", fcntl3(a[0], ABI_FCNTL_COMMANDS_GET_FD, 0), ABI_FCNTL_COMMANDS_FD_CLOEXEC);
    d = sys1(ABI_SYSCALL_NUMBERS_DUP, a[0]);
    check_long("a dup of it has no FD_CLOEXEC", fcntl3(d, ABI_FCNTL_COMMANDS_GET_FD, 0), 0);
    check_long("F_SETFD with other bits keeps only FD_CLOEXEC", fcntl3(a[0], ABI_FCNTL_COMMANDS_SET_FD, 0xFE), 0);
    check_long("F_GETFD: clear", fcntl3(a[0], ABI_FCNTL_COMMANDS_GET_FD, 0), 0);

    // The status flags are the open file's.
    check_long("F_GETFL of a read end: O_RDONLY", fcntl3(a[0], ABI_FCNTL_COMMANDS_GET_FL, 0), 0);
    check_long("F_GETFL of a write end: O_WRONLY", fcntl3(a[1], ABI_FCNTL_COMMANDS_GET_FL, 0), 1);
    check_long("F_GETFL of the console: O_RDWR", fcntl3(1, ABI_FCNTL_COMMANDS_GET_FL, 0) & ABI_OPEN_FLAGS_ACCESS_MODE_MASK, 2);
    check_long("F_SETFL O_NONBLOCK | O_WRONLY | O_CREAT", fcntl3(a[0], ABI_FCNTL_COMMANDS_SET_FL, NONBLOCK | 1 | ABI_OPEN_FLAGS_CREATE), 0);
    check_long("F_GETFL: O_NONBLOCK, still O_RDONLY", fcntl3(a[0], ABI_FCNTL_COMMANDS_GET_FL, 0), NONBLOCK);
    check_long("the dup shares it", fcntl3(d, ABI_FCNTL_COMMANDS_GET_FL, 0), NONBLOCK);
    check_long("a read of the empty pipe through the dup is EAGAIN", sys_read(d, got, 8), -ABI_ERRNO_EAGAIN);
    check_long("F_SETFL O_APPEND", fcntl3(a[0], ABI_FCNTL_COMMANDS_SET_FL, ABI_OPEN_FLAGS_APPEND), 0);
    check_long("F_GETFL: O_APPEND only", fcntl3(d, ABI_FCNTL_COMMANDS_GET_FL, 0), ABI_OPEN_FLAGS_APPEND);
    check_long("F_SETFL 0", fcntl3(a[0], ABI_FCNTL_COMMANDS_SET_FL, 0), 0);
    sys_close(d);

    check_long("F_GETPIPE_SZ: 64 KiB", fcntl3(a[0], ABI_FCNTL_COMMANDS_GET_PIPE_SIZE, 0), 65536);
    check_long("F_GETPIPE_SZ of the console is EBADF", fcntl3(1, ABI_FCNTL_COMMANDS_GET_PIPE_SIZE, 0), -ABI_ERRNO_EBADF);
    check_long("fcntl of a closed descriptor is EBADF", fcntl3(999, ABI_FCNTL_COMMANDS_GET_FD, 0), -ABI_ERRNO_EBADF);
    check_long("an unknown command on a closed descriptor is EBADF", fcntl3(999, 9999, 0), -ABI_ERRNO_EBADF);
    check_long("an unknown command is EINVAL", fcntl3(a[0], 9999, 0), -ABI_ERRNO_EINVAL);

    int fds[] = { a[0], a[1], b[0], b[1], c[0], 20, 21, 22 };
    for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++)
        check_long("close", sys_close(fds[i]), 0);
}

static void nonblocking(void)
{
    int p[2];
    char got[8];
    if (!check_long("pipe2 O_NONBLOCK | O_CLOEXEC", sys2(ABI_SYSCALL_NUMBERS_PIPE2, p, NONBLOCK | CLOEXEC), 0))
        return;
    check_long("the read end has FD_CLOEXEC", fcntl3(p[0], ABI_FCNTL_COMMANDS_GET_FD, 0), ABI_FCNTL_COMMANDS_FD_CLOEXEC);
    check_long("the write end too", fcntl3(p[1], ABI_FCNTL_COMMANDS_GET_FD, 0), ABI_FCNTL_COMMANDS_FD_CLOEXEC);
    check_long("the read end is O_NONBLOCK", fcntl3(p[0], ABI_FCNTL_COMMANDS_GET_FL, 0), NONBLOCK);
    check_long("the write end is O_NONBLOCK | O_WRONLY", fcntl3(p[1], ABI_FCNTL_COMMANDS_GET_FL, 0), NONBLOCK | 1);
    check_long("pipe2 with another flag is EINVAL", sys2(ABI_SYSCALL_NUMBERS_PIPE2, got, ABI_OPEN_FLAGS_APPEND), -ABI_ERRNO_EINVAL);
    check_long("a read of an empty pipe with a writer is EAGAIN", sys_read(p[0], got, 8), -ABI_ERRNO_EAGAIN);

    for (unsigned i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + i / 4096);
    check_long("64 KiB fit", sys_write(p[1], big, sizeof big), (long)sizeof big);
    check_long("one more byte: EAGAIN", sys_write(p[1], "x", 1), -ABI_ERRNO_EAGAIN);
    check_long("read 4 KiB", sys_read(p[0], back, 4096), 4096);
    check_long("8 KiB into 4 KiB of room: the 4 KiB that fit", sys_write(p[1], big, 8192), 4096);
    check_long("a PIPE_BUF write into a full pipe: EAGAIN", sys_write(p[1], big, 4096), -ABI_ERRNO_EAGAIN);
    long total = 0, n;
    while ((n = sys_read(p[0], back + total % sizeof back, 4096)) > 0)
        total += n;
    check_long("then the pipe is empty (EAGAIN)", n, -ABI_ERRNO_EAGAIN);
    check_long("having held 64 KiB", total, 65536);
    check_long("close the write end", sys_close(p[1]), 0);
    check_long("a read after the writer is gone is end of file, not EAGAIN", sys_read(p[0], got, 8), 0);
    sys_close(p[0]);

    // Blocking: 64 KiB into the program's own pipe does not block (it held 16 KiB).
    if (!check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, p), 0))
        return;
    if (total == 65536) { // only when it cannot block forever: the checks above say it fits
        check_long("a blocking write of 64 KiB into its own pipe returns", sys_write(p[1], big, sizeof big), (long)sizeof big);
        check_long("it reads them back", sys_read(p[0], back, sizeof back), (long)sizeof back);
        int equal = 1;
        for (unsigned i = 0; i < sizeof big; i++)
            equal &= big[i] == back[i];
        check("in order", equal);
    }
    sys_close(p[0]);
    sys_close(p[1]);
}

// musl's stdio: printf's bytes reach stdout through writev.
static void musl_printf(void)
{
    int p[2];
    char got[64];
    if (!check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, p), 0))
        return;
    long saved = sys1(ABI_SYSCALL_NUMBERS_DUP, 1);
    check("dup stdout", saved >= 0);
    check_long("dup2 the pipe over stdout", sys2(ABI_SYSCALL_NUMBERS_DUP2, p[1], 1), 1);
    int printed = printf("hello, %s %d\n", "musl", 13);
    int flushed = fflush(stdout);
    check_long("dup2 stdout back", sys2(ABI_SYSCALL_NUMBERS_DUP2, saved, 1), 1);
    check_long("printf returned its length", printed, 15);
    check_long("fflush succeeded", flushed, 0);
    long n = sys_read(p[0], got, sizeof got);
    check_long("the pipe got printf's bytes", n, 15);
    int equal = n == 15;
    for (int i = 0; equal && i < 15; i++)
        equal = got[i] == "hello, musl 13\n"[i];
    check("and they are what printf printed", equal);
    sys_close(saved);
    sys_close(p[0]);
    sys_close(p[1]);
    // And on the console (CProgramTests looks for this line).
    printf("fds: hello from musl's printf\n");
    check_long("fflush to the console", fflush(stdout), 0);
}

int main(void)
{
    check_begin("fds");
    dups();
    nonblocking();
    musl_printf();
    return check_done();
}
