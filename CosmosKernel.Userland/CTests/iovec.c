// iovec: readv(2), writev(2), pread64(2), pwrite64(2) and lseek(2) as Linux answers them
// (issue 13: musl's stdio writes with writev, which the kernel did not have):
// - writev and readv move their segments in order; a read returns what the pipe has
//   (a partial readv); iovcnt 0 is 0; iovcnt < 0 or > 1024 (UIO_MAXIOV) is EINVAL; an
//   iovec array that is not readable is EFAULT; of several segments, a length above
//   SSIZE_MAX is EINVAL and a range outside user space EFAULT, and nothing moves;
//   a readv from a file whose second segment is unmapped returns the first's bytes;
// - pread64 and pwrite64 read at an offset without moving the file offset; a negative
//   offset is EINVAL (before the descriptor is looked at), a pipe or the console ESPIPE,
//   offset + count past 2^63 EINVAL, pwrite to a read-only file EBADF;
// - lseek: SEEK_SET, SEEK_CUR, SEEK_END (past the end too), SEEK_DATA, SEEK_HOLE on a
//   file; a negative result or a bad whence is EINVAL and leaves the offset; a pipe
//   and the console are ESPIPE.
// The file is the program itself: /init on Linux, /modules/iovec on CosmosKernel.
#include "check.h"

#define KERNEL_ADDRESS 0xFFFF800000000000UL

struct iov { const void *base; unsigned long length; };

static struct iov many[1025];
static char file_bytes[64];

static long sys_writev(long fd, const struct iov *v, long n) { return sys3(ABI_SYSCALL_NUMBERS_WRITEV, fd, v, n); }
static long sys_readv(long fd, const struct iov *v, long n) { return sys3(ABI_SYSCALL_NUMBERS_READV, fd, v, n); }
static long sys_lseek(long fd, long offset, long whence) { return sys3(ABI_SYSCALL_NUMBERS_LSEEK, fd, offset, whence); }
static long sys_pread(long fd, void *buffer, long count, long offset) { return sys4(ABI_SYSCALL_NUMBERS_PREAD64, fd, buffer, count, offset); }
static long sys_pwrite(long fd, const void *buffer, long count, long offset) { return sys4(ABI_SYSCALL_NUMBERS_PWRITE64, fd, buffer, count, offset); }

static int same(const char *a, const char *b, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void vectors(void)
{
    int fds[2];
    char got[16];
    if (!check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, fds), 0))
        return;
    struct iov out[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
    check_long("writev of three segments (one empty) writes them all", sys_writev(fds[1], out, 3), 5);
    check_long("read gets them", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], got, sizeof got), 5);
    check("in order", same(got, "abcde", 5));

    char first[2], second[8];
    struct iov in[3] = { { first, 2 }, { got, 0 }, { second, 8 } };
    check_long("six bytes into the pipe", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], "123456", 6), 6);
    check_long("readv of 2 + 0 + 8 bytes returns the 6 there are", sys_readv(fds[0], in, 3), 6);
    check("the first segment got the first two", same(first, "12", 2));
    check("the third the rest", same(second, "3456", 4));

    check_long("writev with iovcnt 0 is 0", sys_writev(fds[1], 0, 0), 0);
    check_long("readv with iovcnt 0 is 0", sys_readv(fds[0], 0, 0), 0);
    check_long("writev with iovcnt -1 is EINVAL", sys_writev(fds[1], out, -1), -ABI_ERRNO_EINVAL);
    check_long("readv with iovcnt 1025 is EINVAL", sys_readv(fds[0], many, 1025), -ABI_ERRNO_EINVAL);
    for (int i = 0; i < 1024; i++)
        many[i] = (struct iov){ "x", 0 };
    many[1023].length = 1;
    check_long("writev of 1024 segments (UIO_MAXIOV) works", sys_writev(fds[1], many, 1024), 1);
    check_long("its byte arrives", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], got, sizeof got), 1);
    check_long("writev with a NULL iovec array is EFAULT", sys_writev(fds[1], 0, 1), -ABI_ERRNO_EFAULT);
    check_long("readv with a kernel-half iovec array is EFAULT", sys_readv(fds[0], (void *)KERNEL_ADDRESS, 2), -ABI_ERRNO_EFAULT);
    struct iov huge[2] = { { "a", 1 }, { "b", 1UL << 63 } };
    check_long("writev with a segment longer than SSIZE_MAX is EINVAL", sys_writev(fds[1], huge, 2), -ABI_ERRNO_EINVAL);
    struct iov kernel[2] = { { "a", 1 }, { (void *)KERNEL_ADDRESS, 1 } };
    check_long("writev with a kernel-half segment is EFAULT", sys_writev(fds[1], kernel, 2), -ABI_ERRNO_EFAULT);
    struct iov wraps[2] = { { "a", 1 }, { (void *)0x10000, 1UL << 62 } };
    check_long("writev with a segment past user space is EFAULT", sys_writev(fds[1], wraps, 2), -ABI_ERRNO_EFAULT);
    check_long("a marker byte", sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], "M", 1), 1);
    check_long("the refused writevs moved nothing: only the marker is there", sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], got, sizeof got), 1);
    check("and it is the marker", got[0] == 'M');

    check_long("writev to the read end is EBADF", sys_writev(fds[0], out, 1), -ABI_ERRNO_EBADF);
    check_long("readv from the write end is EBADF", sys_readv(fds[1], in, 1), -ABI_ERRNO_EBADF);
    check_long("writev to a closed descriptor is EBADF", sys_writev(999, out, 1), -ABI_ERRNO_EBADF);

    static const char line1[] = "iovec: a line written by writev ", line2[] = "in two segments\n";
    struct iov console[2] = { { line1, sizeof line1 - 1 }, { line2, sizeof line2 - 1 } };
    check_long("writev to the console writes both segments", sys_writev(1, console, 2), (long)(sizeof line1 + sizeof line2 - 2));

    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[0]);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[1]);
}

static long open_self(void)
{
    long fd = sys2(ABI_SYSCALL_NUMBERS_OPEN, "/init", 0);
    return fd >= 0 ? fd : sys2(ABI_SYSCALL_NUMBERS_OPEN, "/modules/iovec", 0);
}

static void positional(long fd, long size)
{
    char got[16];
    int fds[2];
    check_long("the file starts at offset 0", sys_lseek(fd, 0, ABI_SEEK_WHENCE_CURRENT), 0);
    check_long("pread of 3 bytes at 1", sys_pread(fd, got, 3, 1), 3);
    check("is ELF", same(got, "ELF", 3));
    check_long("pread left the offset at 0", sys_lseek(fd, 0, ABI_SEEK_WHENCE_CURRENT), 0);
    check_long("read of 16 bytes", sys3(ABI_SYSCALL_NUMBERS_READ, fd, file_bytes, 16), 16);
    check_long("pread at 4", sys_pread(fd, got, 8, 4), 8);
    check("gets the bytes read gets at 4", same(got, file_bytes + 4, 8));
    check_long("and leaves the offset at 16", sys_lseek(fd, 0, ABI_SEEK_WHENCE_CURRENT), 16);
    check_long("pread at the end is 0", sys_pread(fd, got, 8, size), 0);
    check_long("pread past the end is 0", sys_pread(fd, got, 8, size + 4096), 0);
    check_long("pread with a negative offset is EINVAL", sys_pread(fd, got, 1, -1), -ABI_ERRNO_EINVAL);
    check_long("... even on a closed descriptor (checked first)", sys_pread(999, got, 1, -1), -ABI_ERRNO_EINVAL);
    check_long("pread of a closed descriptor is EBADF", sys_pread(999, got, 1, 0), -ABI_ERRNO_EBADF);
    check_long("pread into the kernel half is EFAULT", sys_pread(fd, (void *)KERNEL_ADDRESS, 1, 0), -ABI_ERRNO_EFAULT);
    check_long("pread whose offset + count passes 2^63 is EINVAL", sys_pread(fd, got, 16, 0x7FFFFFFFFFFFFFF8L), -ABI_ERRNO_EINVAL);
    check_long("pwrite to a read-only file is EBADF", sys_pwrite(fd, "x", 1, 0), -ABI_ERRNO_EBADF);
    check_long("pread from the console is ESPIPE", sys_pread(0, got, 1, 0), -ABI_ERRNO_ESPIPE);
    check_long("pwrite to the console is ESPIPE", sys_pwrite(1, "x", 1, 0), -ABI_ERRNO_ESPIPE);
    if (check_long("pipe", sys1(ABI_SYSCALL_NUMBERS_PIPE, fds), 0)) {
        check_long("pwrite to a pipe is ESPIPE", sys_pwrite(fds[1], "x", 1, 0), -ABI_ERRNO_ESPIPE);
        check_long("pread from a pipe is ESPIPE", sys_pread(fds[0], got, 1, 0), -ABI_ERRNO_ESPIPE);
        check_long("pread from a pipe's write end is ESPIPE too (before its mode)", sys_pread(fds[1], got, 1, 0), -ABI_ERRNO_ESPIPE);
        check_long("lseek on a pipe is ESPIPE", sys_lseek(fds[0], 0, ABI_SEEK_WHENCE_CURRENT), -ABI_ERRNO_ESPIPE);
        check_long("lseek on a pipe with a bad whence is EINVAL (checked first)", sys_lseek(fds[0], 0, 99), -ABI_ERRNO_EINVAL);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[0]);
        sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[1]);
    }
}

static void seeks(long fd, long size)
{
    char got[8], expected[8];
    check_long("SEEK_SET 10", sys_lseek(fd, 10, ABI_SEEK_WHENCE_SET), 10);
    check_long("SEEK_CUR +5", sys_lseek(fd, 5, ABI_SEEK_WHENCE_CURRENT), 15);
    check_long("SEEK_CUR -3", sys_lseek(fd, -3, ABI_SEEK_WHENCE_CURRENT), 12);
    check_long("read 4 bytes there", sys3(ABI_SYSCALL_NUMBERS_READ, fd, got, 4), 4);
    check_long("pread 4 bytes at 12", sys_pread(fd, expected, 4, 12), 4);
    check("read read at 12", same(got, expected, 4));
    check_long("SEEK_SET -1 is EINVAL", sys_lseek(fd, -1, ABI_SEEK_WHENCE_SET), -ABI_ERRNO_EINVAL);
    check_long("SEEK_CUR below 0 is EINVAL", sys_lseek(fd, -17, ABI_SEEK_WHENCE_CURRENT), -ABI_ERRNO_EINVAL);
    check_long("SEEK_END below 0 is EINVAL", sys_lseek(fd, -(size + 1), ABI_SEEK_WHENCE_END), -ABI_ERRNO_EINVAL);
    check_long("whence 5 is EINVAL", sys_lseek(fd, 0, 5), -ABI_ERRNO_EINVAL);
    check_long("the refused seeks left the offset at 16", sys_lseek(fd, 0, ABI_SEEK_WHENCE_CURRENT), 16);
    check_long("SEEK_END -4", sys_lseek(fd, -4, ABI_SEEK_WHENCE_END), size - 4);
    check_long("read at the end gets the last 4 bytes", sys3(ABI_SYSCALL_NUMBERS_READ, fd, got, 8), 4);
    check_long("SEEK_END +100: past the end is allowed", sys_lseek(fd, 100, ABI_SEEK_WHENCE_END), size + 100);
    check_long("a read there is 0", sys3(ABI_SYSCALL_NUMBERS_READ, fd, got, 8), 0);
    check_long("SEEK_DATA 0 is 0", sys_lseek(fd, 0, ABI_SEEK_WHENCE_DATA), 0);
    check_long("SEEK_HOLE 0 is the end", sys_lseek(fd, 0, ABI_SEEK_WHENCE_HOLE), size);
    check_long("SEEK_DATA at the end is ENXIO", sys_lseek(fd, size, ABI_SEEK_WHENCE_DATA), -ABI_ERRNO_ENXIO);
    check_long("lseek on the console is ESPIPE", sys_lseek(1, 0, ABI_SEEK_WHENCE_CURRENT), -ABI_ERRNO_ESPIPE);
    check_long("lseek on a closed descriptor is EBADF", sys_lseek(999, 0, ABI_SEEK_WHENCE_SET), -ABI_ERRNO_EBADF);

    // readv from the file: the second segment is an unmapped page, so the first's bytes
    // come back and the offset moves by them.
    long page = sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, 8192, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    if (!check("mmap two pages", page > 0))
        return;
    sys2(ABI_SYSCALL_NUMBERS_MUNMAP, page + 4096, 4096);
    check_long("SEEK_SET 0", sys_lseek(fd, 0, ABI_SEEK_WHENCE_SET), 0);
    struct iov parts[2] = { { (void *)page, 8 }, { (void *)(page + 4096), 8 } };
    check_long("readv whose second segment is unmapped returns the first's 8 bytes", sys_readv(fd, parts, 2), 8);
    check("which are the file's first 8", same((char *)page, file_bytes, 8));
    check_long("and the offset moved by 8", sys_lseek(fd, 0, ABI_SEEK_WHENCE_CURRENT), 8);
}

int main(void)
{
    check_begin("iovec");
    vectors();
    long fd = open_self();
    if (check("open the program's own file", fd >= 0)) {
        long size = sys_lseek(fd, 0, ABI_SEEK_WHENCE_END);
        check("SEEK_END gives its size", size > 4096);
        check_long("SEEK_SET 0", sys_lseek(fd, 0, ABI_SEEK_WHENCE_SET), 0);
        positional(fd, size);
        seeks(fd, size);
    }
    return check_done();
}
