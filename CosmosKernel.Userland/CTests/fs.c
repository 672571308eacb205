// fs: the file tree (issue 13, item 2) with Linux's answers: open's flags (O_CREAT,
// O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC), files that grow and
// shrink, the stat family, getdents64, mkdir/rmdir/unlink/rename/link/symlink/readlink
// with their errnos, the working directory (getcwd, chdir, fchdir, a removed one), the
// *at calls' directory descriptors, umask, access, truncate, /dev/null and /dev/zero,
// /proc/self/maps and /proc/meminfo, and two threads writing one O_APPEND file.
//
// On Linux this runs as /init of an initramfs that has only /dev/console: it makes
// /dev/null, /dev/zero and /proc (mknod, mount) first; CosmosKernel has them from boot.
#include "check.h"
#include <sys/syscall.h> // SYS_mknod, SYS_mount: only to give Linux's /init what CosmosKernel has

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define E(name) (-ABI_ERRNO_##name)
#define O(name) ABI_OPEN_FLAGS_##name
#define CWD ABI_OPEN_FLAGS_AT_FD_CWD
#define RDONLY 0
#define WRONLY 1
#define RDWR 2

static struct abi_stat st;

static long open3(const char *path, long flags, long mode) { return sys4(NR(OPENAT), CWD, path, flags, mode); }
static long stat_(const char *path) { return sys2(NR(STAT), path, &st); }
static long lstat_(const char *path) { return sys2(NR(LSTAT), path, &st); }
static long put(long fd, const char *s) { return sys3(NR(WRITE), fd, s, check_strlen(s)); }
static long close_(long fd) { return sys1(NR(CLOSE), fd); }

static int same(const char *a, const char *b, long n)
{
    for (long i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

// Whether `text` holds `word` somewhere.
static int contains(const char *text, long length, const char *word)
{
    long n = (long)check_strlen(word);
    for (long i = 0; i + n <= length; i++)
        if (same(text + i, word, n))
            return 1;
    return 0;
}

// The names getdents64 lists in `path`, joined with '/' (in the order given), and how
// many records.
static int list(const char *path, char *names, long size)
{
    long fd = open3(path, RDONLY | O(DIRECTORY), 0);
    static char buffer[512];
    long used = 0;
    int count = 0;
    for (;;) {
        long n = sys3(NR(GETDENTS64), fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        for (long at = 0; at < n; at += *(unsigned short *)(buffer + at + ABI_DIRENT_RECORD_LENGTH)) {
            const char *name = buffer + at + ABI_DIRENT_NAME;
            for (long i = 0; name[i] && used < size - 2; i++)
                names[used++] = name[i];
            names[used++] = '/';
            count++;
        }
    }
    names[used] = 0;
    close_(fd);
    return count;
}

static void linux_setup(void)
{
    if (sys3(NR(ACCESS), "/dev/null", 0, 0) != 0)
        sys3(SYS_mknod, "/dev/null", ABI_FILE_MODES_CHAR_DEVICE | 0666, (1 << 8) | 3);
    if (sys3(NR(ACCESS), "/dev/zero", 0, 0) != 0)
        sys3(SYS_mknod, "/dev/zero", ABI_FILE_MODES_CHAR_DEVICE | 0666, (1 << 8) | 5);
    if (sys3(NR(ACCESS), "/proc/meminfo", 0, 0) != 0) {
        sys2(NR(MKDIR), "/proc", 0555);
        sys6(SYS_mount, "proc", "/proc", "proc", 0, 0, 0);
    }
}

static long append_fd;

static int appender(void *arg, unsigned long rflags)
{
    (void)arg;
    (void)rflags;
    for (int i = 0; i < 200; i++)
        put(append_fd, "bbbb");
    return 0;
}

int main(void)
{
    check_begin("fs");
    linux_setup();
    sys1(NR(UMASK), 022);
    check_long("mkdir /fstest", sys2(NR(MKDIR), "/fstest", 0755), 0);
    check_long("chdir /fstest", sys1(NR(CHDIR), "/fstest"), 0);
    char cwd[64];
    check_long("getcwd: the length with the NUL", sys2(NR(GETCWD), cwd, sizeof cwd), 8);
    check("getcwd: /fstest", same(cwd, "/fstest", 8));
    check_long("getcwd into 7 bytes: ERANGE", sys2(NR(GETCWD), cwd, 7), E(ERANGE));

    // Creating, writing, reading, the offset.
    long fd = open3("a", O(CREATE) | O(EXCLUSIVE) | RDWR, 0666);
    check("O_CREAT|O_EXCL makes a file", fd >= 0);
    check_long("O_CREAT|O_EXCL on it again: EEXIST", open3("a", O(CREATE) | O(EXCLUSIVE) | RDWR, 0666), E(EEXIST));
    check_long("write 11 bytes", put(fd, "hello world"), 11);
    check_long("fstat: 11 bytes", sys2(NR(FSTAT), fd, &st) == 0 ? st.size : -1, 11);
    check_long("fstat: a regular file, 0666 less the umask", st.mode, ABI_FILE_MODES_REGULAR | 0644);
    check_long("fstat: one link", st.links, 1);
    check_long("lseek to 6", sys3(NR(LSEEK), fd, 6, 0), 6);
    char buffer[64] = { 0 };
    check_long("read from 6", sys3(NR(READ), fd, buffer, sizeof buffer), 5);
    check("the bytes read", same(buffer, "world", 5));
    check_long("read at the end: 0", sys3(NR(READ), fd, buffer, sizeof buffer), 0);
    check_long("pwrite past the end leaves a gap", sys4(NR(PWRITE64), fd, "!", 1, 20), 1);
    check_long("the file grew to 21", stat_("a") == 0 ? st.size : -1, 21);
    check_long("pread of the gap", sys4(NR(PREAD64), fd, buffer, 10, 11), 10);
    check("the gap reads as zeros", buffer[0] == 0 && buffer[8] == 0 && buffer[9] == '!');
    check_long("ftruncate to 5", sys2(NR(FTRUNCATE), fd, 5), 0);
    check_long("ftruncate back up to 8", sys2(NR(FTRUNCATE), fd, 8), 0);
    check_long("pread after the truncations", sys4(NR(PREAD64), fd, buffer, 16, 0), 8);
    check("the cut bytes came back as zeros", same(buffer, "hello\0\0\0", 8));
    check_long("ftruncate to a negative length: EINVAL", sys2(NR(FTRUNCATE), fd, -1), E(EINVAL));
    close_(fd);
    fd = open3("a", RDONLY, 0);
    check_long("ftruncate of a read-only descriptor: EINVAL", sys2(NR(FTRUNCATE), fd, 0), E(EINVAL));
    check_long("write to a read-only descriptor: EBADF", put(fd, "x"), E(EBADF));
    close_(fd);
    fd = open3("a", WRONLY | O(TRUNCATE), 0);
    check_long("O_TRUNC empties it", stat_("a") == 0 ? st.size : -1, 0);
    sys4(NR(PWRITE64), fd, "abc", 3, 0);
    close_(open3("a", RDONLY | O(TRUNCATE), 0));
    check_long("O_RDONLY|O_TRUNC empties it too (Linux)", stat_("a") == 0 ? st.size : -1, 0);
    check_long("read from a write-only descriptor: EBADF", sys3(NR(READ), fd, buffer, 1), E(EBADF));
    close_(fd);
    fd = open3("a", WRONLY | O(APPEND), 0);
    put(fd, "12");
    sys3(NR(LSEEK), fd, 0, 0);
    put(fd, "34");
    check_long("O_APPEND writes at the end whatever the offset", stat_("a") == 0 ? st.size : -1, 4);
    check_long("truncate by path", sys2(NR(TRUNCATE), "a", 2), 0);
    check_long("truncate: 2 bytes left", stat_("a") == 0 ? st.size : -1, 2);
    close_(fd);

    // Two threads appending to one file: every write lands whole, none is lost.
    append_fd = open3("appended", O(CREATE) | WRONLY | O(APPEND), 0644);
    struct thread t;
    thread_start(&t, appender, 0, 0);
    for (int i = 0; i < 200; i++)
        put(append_fd, "aaaa");
    thread_join(&t);
    check_long("two threads' appends: 1600 bytes", stat_("appended") == 0 ? st.size : -1, 1600);
    close_(append_fd);

    // Errors of open.
    check_long("open of a missing file: ENOENT", open3("missing", RDONLY, 0), E(ENOENT));
    check_long("O_CREAT in a missing directory: ENOENT", open3("nodir/x", O(CREATE) | WRONLY, 0644), E(ENOENT));
    check_long("a file as a directory on the way: ENOTDIR", open3("a/x", RDONLY, 0), E(ENOTDIR));
    check_long("a file with a trailing slash: ENOTDIR", open3("a/", RDONLY, 0), E(ENOTDIR));
    check_long("O_DIRECTORY on a file: ENOTDIR", open3("a", RDONLY | O(DIRECTORY), 0), E(ENOTDIR));
    check_long("a directory for writing: EISDIR", open3(".", WRONLY, 0), E(EISDIR));
    check_long("O_CREAT on a directory: EISDIR", open3("/fstest", O(CREATE) | RDONLY, 0644), E(EISDIR));
    check_long("O_CREAT with a trailing slash: EISDIR", open3("new/", O(CREATE) | RDWR, 0644), E(EISDIR));
    check_long("an empty path: ENOENT", open3("", RDONLY, 0), E(ENOENT));
    char name[300];
    for (int i = 0; i < 256; i++)
        name[i] = 'n';
    name[256] = 0;
    check_long("a 256-byte name: ENAMETOOLONG", open3(name, O(CREATE) | RDWR, 0644), E(ENAMETOOLONG));
    check_long("a bad path pointer: EFAULT", open3((const char *)8, RDONLY, 0), E(EFAULT));
    fd = open3(".", RDONLY, 0);
    check_long("read of a directory: EISDIR", sys3(NR(READ), fd, buffer, 8), E(EISDIR));
    close_(fd);
    fd = open3("a", RDONLY | O(CLOEXEC), 0);
    check_long("O_CLOEXEC sets FD_CLOEXEC", sys2(NR(FCNTL), fd, ABI_FCNTL_COMMANDS_GET_FD), ABI_FCNTL_COMMANDS_FD_CLOEXEC);
    check_long("F_GETFL: O_RDONLY|O_LARGEFILE", sys2(NR(FCNTL), fd, ABI_FCNTL_COMMANDS_GET_FL), O(LARGEFILE));
    check_long("getdents64 on a file: ENOTDIR", sys3(NR(GETDENTS64), fd, buffer, sizeof buffer), E(ENOTDIR));
    close_(fd);

    // Directories.
    check_long("mkdir d", sys2(NR(MKDIR), "d", 0755), 0);
    check_long("mkdir d again: EEXIST", sys2(NR(MKDIR), "d", 0755), E(EEXIST));
    check_long("mkdir .: EEXIST", sys2(NR(MKDIR), ".", 0755), E(EEXIST));
    check_long("mkdir under a file: ENOTDIR", sys2(NR(MKDIR), "a/d", 0755), E(ENOTDIR));
    check_long("mkdir d/e/f without d/e: ENOENT", sys2(NR(MKDIR), "d/e/f", 0755), E(ENOENT));
    check_long("mkdir d/e", sys2(NR(MKDIR), "d/e", 0700), 0);
    check_long("a directory's mode", stat_("d/e") == 0 ? st.mode : -1, ABI_FILE_MODES_DIRECTORY | 0700);
    check_long("d has 3 links (its name, its ., e's ..)", stat_("d") == 0 ? (long)st.links : -1, 3);
    check_long("stat with many slashes and dots", stat_("/fstest//d/./e/../e/") == 0 ? st.mode : -1, ABI_FILE_MODES_DIRECTORY | 0700);
    check_long("rmdir of a non-empty directory: ENOTEMPTY", sys1(NR(RMDIR), "d"), E(ENOTEMPTY));
    check_long("rmdir of a file: ENOTDIR", sys1(NR(RMDIR), "a"), E(ENOTDIR));
    check_long("rmdir .: EINVAL", sys1(NR(RMDIR), "."), E(EINVAL));
    check_long("unlink of a directory: EISDIR", sys1(NR(UNLINK), "d"), E(EISDIR));
    check_long("unlinkat with AT_REMOVEDIR removes d/e", sys3(NR(UNLINKAT), CWD, "d/e", ABI_AT_FLAGS_REMOVE_DIR), 0);
    check_long("unlinkat with an unknown flag: EINVAL", sys3(NR(UNLINKAT), CWD, "d", 1), E(EINVAL));
    check_long("d has 2 links again", stat_("d") == 0 ? (long)st.links : -1, 2);

    // Listing: ".", "..", then the names.
    sys2(NR(MKDIR), "l", 0755);
    close_(open3("l/one", O(CREATE) | WRONLY, 0644));
    close_(open3("l/two", O(CREATE) | WRONLY, 0644));
    char names[200];
    check_long("getdents64 lists 4 entries", list("l", names, sizeof names), 4);
    check("., .. and both names", contains(names, 200, "./") && contains(names, 200, "../") && contains(names, 200, "one/")
        && contains(names, 200, "two/"));
    fd = open3("l", RDONLY | O(DIRECTORY), 0);
    check_long("getdents64 into 10 bytes: EINVAL", sys3(NR(GETDENTS64), fd, buffer, 10), E(EINVAL));
    long got = sys3(NR(GETDENTS64), fd, buffer, sizeof buffer);
    check("the first record is . as a directory", got > 0 && buffer[ABI_DIRENT_NAME] == '.' && buffer[ABI_DIRENT_NAME + 1] == 0
        && buffer[ABI_DIRENT_TYPE] == 4);
    long total = got;
    while ((got = sys3(NR(GETDENTS64), fd, buffer, sizeof buffer)) > 0)
        total += got;
    check_long("at the end: 0", got, 0);
    check_long("lseek to 0 starts over", sys3(NR(LSEEK), fd, 0, 0), 0);
    got = 0;
    for (long more; (more = sys3(NR(GETDENTS64), fd, buffer, sizeof buffer)) > 0;)
        got += more;
    check_long("and lists the same bytes again", got, total);
    sys3(NR(LSEEK), fd, 0, 0);
    check_long("getdents64 into a bad buffer: EFAULT", sys3(NR(GETDENTS64), fd, 8, 512), E(EFAULT));

    // The *at calls from a directory descriptor.
    check_long("openat relative to a directory descriptor", (got = sys4(NR(OPENAT), fd, "one", RDONLY, 0)) >= 0, 1);
    close_(got);
    check_long("openat from a file descriptor: ENOTDIR", sys4(NR(OPENAT), 0, "one", RDONLY, 0), E(ENOTDIR));
    check_long("openat from a closed descriptor: EBADF", sys4(NR(OPENAT), 999, "one", RDONLY, 0), E(EBADF));
    check("an absolute path ignores the descriptor", (got = sys4(NR(OPENAT), 999, "/fstest/a", RDONLY, 0)) >= 0);
    close_(got);
    check_long("newfstatat from the descriptor", sys4(NR(NEWFSTATAT), fd, "two", &st, 0), 0);
    check_long("newfstatat with AT_EMPTY_PATH: the directory itself", sys4(NR(NEWFSTATAT), fd, "", &st, ABI_AT_FLAGS_EMPTY_PATH) == 0
        ? st.mode : -1, ABI_FILE_MODES_DIRECTORY | 0755);
    check_long("newfstatat of an empty path without the flag: ENOENT", sys4(NR(NEWFSTATAT), fd, "", &st, 0), E(ENOENT));
    check_long("mkdirat from the descriptor", sys3(NR(MKDIRAT), fd, "sub", 0755), 0);
    check_long("fchdir into it", sys1(NR(FCHDIR), fd), 0);
    check_long("getcwd: /fstest/l", sys2(NR(GETCWD), cwd, sizeof cwd), 10);
    check_long("fchdir to a file: ENOTDIR", sys1(NR(FCHDIR), 0), E(ENOTDIR));
    close_(fd);
    sys1(NR(CHDIR), "sub");
    check_long("rmdir of the working directory's own path", sys1(NR(RMDIR), "/fstest/l/sub"), 0);
    check_long("getcwd in a removed directory: ENOENT", sys2(NR(GETCWD), cwd, sizeof cwd), E(ENOENT));
    check_long("creating in a removed directory: ENOENT", open3("x", O(CREATE) | WRONLY, 0644), E(ENOENT));
    check_long("stat . still works", stat_("."), 0);
    sys1(NR(CHDIR), "/fstest");

    // Renames.
    close_(open3("r1", O(CREATE) | WRONLY, 0644));
    check_long("rename a file", sys2(NR(RENAME), "r1", "r2"), 0);
    check_long("the old name is gone", stat_("r1"), E(ENOENT));
    check_long("rename over another file", sys2(NR(RENAME), "r2", "a"), 0);
    check_long("rename of a missing name: ENOENT", sys2(NR(RENAME), "r2", "r3"), E(ENOENT));
    check_long("a file over a directory: EISDIR", sys2(NR(RENAME), "a", "d"), E(EISDIR));
    check_long("a directory over a file: ENOTDIR", sys2(NR(RENAME), "d", "a"), E(ENOTDIR));
    check_long("a directory into itself: EINVAL", sys2(NR(RENAME), "d", "d/inside"), E(EINVAL));
    check_long("a directory over a non-empty one: ENOTEMPTY", sys2(NR(RENAME), "d", "l"), E(ENOTEMPTY));
    check_long("rename of .: EBUSY", sys2(NR(RENAME), ".", "x"), E(EBUSY));
    check_long("rename of a mount point (/proc): EBUSY", sys2(NR(RENAME), "/proc", "/fstest/p"), E(EBUSY));
    check_long("a directory to a new name", sys2(NR(RENAME), "d", "d2"), 0);
    check_long("renameat2 RENAME_NOREPLACE onto a name: EEXIST", sys(NR(RENAMEAT2), CWD, (long)"d2", CWD, (long)"l", ABI_AT_FLAGS_RENAME_NO_REPLACE, 0),
        E(EEXIST));
    sys2(NR(MKDIR), "d2/in", 0755);
    check_long("getcwd follows a renamed directory", sys1(NR(CHDIR), "d2/in") == 0 && sys2(NR(RENAME), "/fstest/d2", "/fstest/d3") == 0
        ? sys2(NR(GETCWD), cwd, sizeof cwd) : -1, 14);
    check("the new path", same(cwd, "/fstest/d3/in", 14));
    sys1(NR(CHDIR), "/fstest");

    // Links.
    check_long("link", sys2(NR(LINK), "a", "b"), 0);
    check_long("two names: 2 links", stat_("a") == 0 ? (long)st.links : -1, 2);
    long inode = (long)st.inode;
    check_long("the same inode", stat_("b") == 0 ? (long)st.inode : -1, inode);
    check_long("link of a directory: EPERM", sys2(NR(LINK), "l", "l2"), E(EPERM));
    check_long("link onto a name: EEXIST", sys2(NR(LINK), "a", "b"), E(EEXIST));
    check_long("unlink one name", sys1(NR(UNLINK), "b"), 0);
    check_long("1 link left", stat_("a") == 0 ? (long)st.links : -1, 1);
    fd = open3("a", RDWR, 0);
    sys1(NR(UNLINK), "a");
    check_long("an unlinked file stays open: write", put(fd, "still"), 5);
    check_long("fstat: no links", sys2(NR(FSTAT), fd, &st) == 0 ? (long)st.links : -1, 0);
    check_long("pread it back", sys4(NR(PREAD64), fd, buffer, 5, 0), 5);
    check("its bytes", same(buffer, "still", 5));
    close_(fd);

    // Symbolic links.
    close_(open3("target", O(CREATE) | WRONLY, 0600));
    check_long("symlink", sys2(NR(SYMLINK), "target", "ln"), 0);
    check_long("lstat: a link", lstat_("ln") == 0 ? st.mode & ABI_FILE_MODES_TYPE_MASK : -1, ABI_FILE_MODES_SYMLINK);
    check_long("lstat: its size is the target's length", st.size, 6);
    check_long("stat follows it", stat_("ln") == 0 ? st.mode : -1, ABI_FILE_MODES_REGULAR | 0600);
    check_long("readlink", sys3(NR(READLINK), "ln", buffer, sizeof buffer), 6);
    check("readlink's bytes", same(buffer, "target", 6));
    check_long("readlink cut at 3 bytes", sys3(NR(READLINK), "ln", buffer, 3), 3);
    check_long("readlink of a file: EINVAL", sys3(NR(READLINK), "target", buffer, sizeof buffer), E(EINVAL));
    check_long("readlink with size 0: EINVAL", sys3(NR(READLINK), "ln", buffer, 0), E(EINVAL));
    check_long("O_NOFOLLOW on a link: ELOOP", open3("ln", RDONLY | O(NO_FOLLOW), 0), E(ELOOP));
    check_long("symlink onto a name: EEXIST", sys2(NR(SYMLINK), "x", "target"), E(EEXIST));
    sys2(NR(SYMLINK), "loop2", "loop1");
    sys2(NR(SYMLINK), "loop1", "loop2");
    check_long("a loop of links: ELOOP", stat_("loop1"), E(ELOOP));
    sys2(NR(SYMLINK), "/fstest/l", "dirlink");
    check_long("a link to a directory, in the middle of a path", stat_("dirlink/one"), 0);
    check_long("a dangling link: ENOENT through it", (sys2(NR(SYMLINK), "nowhere", "dangling"), stat_("dangling")), E(ENOENT));
    check_long("O_CREAT|O_EXCL on a dangling link: EEXIST", open3("dangling", O(CREATE) | O(EXCLUSIVE) | WRONLY, 0644), E(EEXIST));
    check_long("unlink removes the link, not its target", sys1(NR(UNLINK), "ln") == 0 ? stat_("target") : -1, 0);

    // umask, access, chmod.
    check_long("umask returns the old mask", sys1(NR(UMASK), 077), 022);
    close_(open3("masked", O(CREATE) | WRONLY, 0666));
    check_long("a new file under umask 077", stat_("masked") == 0 ? st.mode & 0777 : -1, 0600);
    sys1(NR(UMASK), 022);
    check_long("access F_OK", sys2(NR(ACCESS), "masked", 0), 0);
    check_long("access R_OK|W_OK (root)", sys2(NR(ACCESS), "masked", 6), 0);
    check_long("access X_OK of a file nobody may run: EACCES", sys2(NR(ACCESS), "masked", 1), E(EACCES));
    check_long("access with a bad mode: EINVAL", sys2(NR(ACCESS), "masked", 8), E(EINVAL));
    check_long("access of a missing file: ENOENT", sys2(NR(ACCESS), "nothing", 0), E(ENOENT));
    check_long("chmod 0755", sys2(NR(CHMOD), "masked", 0755), 0);
    check_long("access X_OK now", sys2(NR(ACCESS), "masked", 1), 0);
    check_long("faccessat from the working directory", sys4(NR(FACCESSAT), CWD, "masked", 1, 0), 0);

    // O_TMPFILE: an unnamed file in a directory, which linkat(AT_EMPTY_PATH) may name.
    long tmp = open3("/fstest", O(TMP_FILE) | RDWR, 0600);
    check("O_TMPFILE in a directory", tmp >= 0);
    check_long("  takes bytes", put(tmp, "hidden"), 6);
    check_long("  has no link", sys2(NR(FSTAT), tmp, &st) == 0 ? (long)st.links : -1, 0);
    check_long("  is a regular file", (long)(st.mode & 0170000), 0100000);
    check_long("linkat(AT_EMPTY_PATH) names it", sys5(NR(LINKAT), tmp, "", CWD, "/fstest/named", ABI_AT_FLAGS_EMPTY_PATH), 0);
    check_long("  one link now", sys2(NR(FSTAT), tmp, &st) == 0 ? (long)st.links : -1, 1);
    fd = open3("/fstest/named", RDONLY, 0);
    check_long("  its name reads its bytes", sys3(NR(READ), fd, buffer, 16), 6);
    check("  the same bytes", same(buffer, "hidden", 6));
    close_(fd);
    check_long("a second name for it", sys5(NR(LINKAT), tmp, "", CWD, "/fstest/named2", ABI_AT_FLAGS_EMPTY_PATH), 0);
    check_long("unlink both", sys1(NR(UNLINK), "/fstest/named") | sys1(NR(UNLINK), "/fstest/named2"), 0);
    check_long("unnamed again, it cannot be named: ENOENT", sys5(NR(LINKAT), tmp, "", CWD, "/fstest/named", ABI_AT_FLAGS_EMPTY_PATH), E(ENOENT));
    close_(tmp);
    tmp = open3("/fstest", O(TMP_FILE) | O(EXCLUSIVE) | WRONLY, 0600);
    check("O_TMPFILE | O_EXCL", tmp >= 0);
    check_long("  can never be named: ENOENT", sys5(NR(LINKAT), tmp, "", CWD, "/fstest/named", ABI_AT_FLAGS_EMPTY_PATH), E(ENOENT));
    close_(tmp);
    check_long("O_TMPFILE read-only: EINVAL", open3("/fstest", O(TMP_FILE) | RDONLY, 0600), E(EINVAL));
    check_long("O_TMPFILE with O_CREAT: EINVAL", open3("/fstest", O(TMP_FILE) | O(CREATE) | RDWR, 0600), E(EINVAL));
    check_long("O_TMPFILE of a missing directory: ENOENT", open3("/fstest/nowhere", O(TMP_FILE) | RDWR, 0600), E(ENOENT));
    fd = open3("/fstest/plain", RDWR | O(CREATE), 0644);
    check_long("O_TMPFILE of a regular file: ENOTDIR", open3("/fstest/plain", O(TMP_FILE) | RDWR, 0600), E(ENOTDIR));
    check_long("an unlinked file's descriptor", sys1(NR(UNLINK), "/fstest/plain"), 0);
    check_long("  cannot be named again: ENOENT", sys5(NR(LINKAT), fd, "", CWD, "/fstest/plain", ABI_AT_FLAGS_EMPTY_PATH), E(ENOENT));
    close_(fd);
    check_long("linkat with an empty path and no AT_EMPTY_PATH: ENOENT", sys5(NR(LINKAT), CWD, "", CWD, "/fstest/x", 0), E(ENOENT));
    check_long("linkat(AT_EMPTY_PATH) of a directory: EPERM", sys5(NR(LINKAT), CWD, "", CWD, "/fstest/x", ABI_AT_FLAGS_EMPTY_PATH), E(EPERM));

    // O_PATH: a descriptor that names a node, for fstat, fchdir and the *at calls only.
    fd = open3("/fstest/pathfile", RDWR | O(CREATE), 0644);
    check_long("a file for O_PATH", put(fd, "xyz"), 3);
    close_(fd);
    long dirpath = open3("/fstest", O(PATH) | O(DIRECTORY), 0);
    check("O_PATH | O_DIRECTORY of a directory", dirpath >= 0);
    check_long("  getdents64 on it: EBADF", sys3(NR(GETDENTS64), dirpath, buffer, sizeof buffer), E(EBADF));
    check_long("  fstat works", sys2(NR(FSTAT), dirpath, &st), 0);
    check_long("  a directory", (long)(st.mode & 0170000), 0040000);
    check_long("  newfstatat relative to it", sys4(NR(NEWFSTATAT), dirpath, "pathfile", &st, 0) == 0 ? st.size : -1, 3);
    fd = sys4(NR(OPENAT), dirpath, "pathfile", RDONLY, 0);
    check_long("  openat relative to it reads", sys3(NR(READ), fd, buffer, 8), 3);
    close_(fd);
    check("  F_GETFL says O_PATH", (sys2(NR(FCNTL), dirpath, ABI_FCNTL_COMMANDS_GET_FL) & O(PATH)) != 0);
    check_long("  F_SETFL: EBADF", sys3(NR(FCNTL), dirpath, ABI_FCNTL_COMMANDS_SET_FL, O(NONBLOCK)), E(EBADF));
    long copy = sys1(NR(DUP), dirpath);
    check("  dup works", copy >= 0);
    close_(copy);
    long here = open3(".", O(PATH) | O(DIRECTORY), 0);
    check_long("  fchdir into it", sys1(NR(FCHDIR), dirpath), 0);
    check_long("  the working directory is it", sys2(NR(STAT), "pathfile", &st) == 0 ? st.size : -1, 3);
    check_long("  and back through an O_PATH descriptor of \".\"", sys1(NR(FCHDIR), here), 0);
    close_(here);
    close_(dirpath);
    long filepath = open3("/fstest/pathfile", O(PATH) | RDWR, 0);
    check("O_PATH of a file (the access mode is ignored)", filepath >= 0);
    check_long("  read: EBADF", sys3(NR(READ), filepath, buffer, 1), E(EBADF));
    check_long("  write: EBADF", put(filepath, "a"), E(EBADF));
    check_long("  lseek: EBADF", sys3(NR(LSEEK), filepath, 0, 0), E(EBADF));
    check_long("  ftruncate: EBADF", sys2(NR(FTRUNCATE), filepath, 0), E(EBADF));
    check_long("  mmap: EBADF", sys6(NR(MMAP), 0, 4096, ABI_PROT_READ, ABI_MAP_FLAGS_PRIVATE, filepath, 0), E(EBADF));
    check_long("  fstat gives its size", sys2(NR(FSTAT), filepath, &st) == 0 ? st.size : -1, 3);
    check_long("  as a directory for openat: ENOTDIR", sys4(NR(OPENAT), filepath, "x", RDONLY, 0), E(ENOTDIR));
    check_long("  fchdir: ENOTDIR", sys1(NR(FCHDIR), filepath), E(ENOTDIR));
    close_(filepath);
    check_long("O_PATH | O_DIRECTORY of a file: ENOTDIR", open3("/fstest/pathfile", O(PATH) | O(DIRECTORY), 0), E(ENOTDIR));
    check_long("O_PATH | O_CREAT makes nothing: ENOENT", open3("/fstest/nothere", O(PATH) | O(CREATE), 0644), E(ENOENT));
    check_long("a link to the file", sys2(NR(SYMLINK), "pathfile", "/fstest/pathlink"), 0);
    long linkpath = open3("/fstest/pathlink", O(PATH) | O(NO_FOLLOW), 0);
    check("O_PATH | O_NOFOLLOW of a symbolic link", linkpath >= 0);
    check_long("  is the link itself", sys2(NR(FSTAT), linkpath, &st) == 0 ? (long)(st.mode & 0170000) : -1, 0120000);
    close_(linkpath);
    long nullpath = open3("/dev/null", O(PATH), 0);
    check_long("O_PATH of /dev/null: a character device", sys2(NR(FSTAT), nullpath, &st) == 0 ? (long)(st.mode & 0170000) : -1, 0020000);
    check_long("  that cannot be written: EBADF", put(nullpath, "a"), E(EBADF));
    close_(nullpath);
    sys1(NR(UNLINK), "/fstest/pathlink");
    sys1(NR(UNLINK), "/fstest/pathfile");

    // Devices.
    fd = open3("/dev/null", RDWR, 0);
    check_long("/dev/null takes every byte", put(fd, "gone"), 4);
    check_long("/dev/null reads nothing", sys3(NR(READ), fd, buffer, 8), 0);
    check_long("/dev/null is a character device 1:3", sys2(NR(FSTAT), fd, &st) == 0 ? (long)st.special_device : -1, (1 << 8) | 3);
    close_(fd);
    fd = open3("/dev/zero", RDONLY, 0);
    buffer[0] = buffer[9] = 'x';
    check_long("/dev/zero fills the buffer", sys3(NR(READ), fd, buffer, 10), 10);
    check("with zeros", buffer[0] == 0 && buffer[9] == 0);
    close_(fd);

    // /proc.
    static char text[8192];
    char *mapping = (char *)sys6(NR(MMAP), 0, 8192, ABI_PROT_READ | ABI_PROT_WRITE, ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
    fd = open3("/proc/self/maps", RDONLY, 0);
    long n = sys3(NR(READ), fd, text, sizeof text - 1);
    check("/proc/self/maps reads", n > 0);
    struct check_line line = { .length = 0 };
    line_add_hex(&line, (unsigned long)mapping);
    line.text[line.length] = 0;
    check("/proc/self/maps lists the new mapping", n > 0 && contains(text, n, line.text + 2));
    check("with rw-p", n > 0 && contains(text, n, "rw-p"));
    close_(fd);
    // A file's mapping is named by its absolute path (as it was at mmap: an unlink
    // after it does not add Linux's " (deleted)" here; not checked).
    long file = open3("/fstest/./mapped", RDWR | O(CREATE), 0644);
    check_long("a file to map", put(file, "abc"), 3);
    char *filemap = (char *)sys6(NR(MMAP), 0, 4096, ABI_PROT_READ, ABI_MAP_FLAGS_SHARED, file, 0);
    check("mapped", (long)filemap > 0);
    fd = open3("/proc/self/maps", RDONLY, 0);
    n = sys3(NR(READ), fd, text, sizeof text - 1);
    check("/proc/self/maps names the file's mapping by its path", n > 0 && contains(text, n, " /fstest/mapped\n"));
    close_(fd);
    check_long("unlink the mapped file", sys1(NR(UNLINK), "/fstest/mapped"), 0);
    sys2(NR(MUNMAP), filemap, 4096);
    close_(file);
    fd = open3("/proc/self/maps", WRONLY, 0);
    check("root may open /proc/self/maps for writing", fd >= 0);
    check_long("but not write it: EINVAL", put(fd, "x"), E(EINVAL));
    close_(fd);
    fd = open3("/proc/meminfo", RDONLY, 0);
    n = sys3(NR(READ), fd, text, sizeof text - 1);
    check("/proc/meminfo has MemTotal and MemFree", n > 0 && contains(text, n, "MemTotal:") && contains(text, n, "MemFree:"));
    close_(fd);

    // Bad pointers.
    check_long("stat into a bad buffer: EFAULT", sys2(NR(STAT), "/fstest", 8), E(EFAULT));
    check_long("mkdir of a bad path: EFAULT", sys2(NR(MKDIR), (const char *)8, 0755), E(EFAULT));
    check_long("getcwd into a bad buffer: EFAULT", sys2(NR(GETCWD), 8, 64), E(EFAULT));
    return check_done();
}
