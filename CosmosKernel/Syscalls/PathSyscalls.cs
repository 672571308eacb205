using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.FileSystem;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // The calls that take a path: open, openat, creat, mkdir, unlink, rmdir, rename,
    // link, symlink, readlink, access, chmod, truncate (and each one's *at form), the
    // working directory (getcwd, chdir, fchdir), umask and getdents64. The tree walks
    // the paths and changes the names (FileSystem/FileTree.cs); here the arguments are
    // copied in and checked, in Linux's order: the path first (EFAULT, ENAMETOOLONG,
    // ENOENT for an empty one), then the directory descriptor (EBADF, ENOTDIR), which
    // an absolute path never looks at. The stat family is in StatSyscalls.cs.
    public sealed unsafe partial class SyscallTable
    {
        // A path from user memory: shorter than PATH_MAX with its NUL, else
        // ENAMETOOLONG; empty is ENOENT unless `emptyAllowed` (AT_EMPTY_PATH).
        private long PathFromUser(Process process, ulong address, bool emptyAllowed, out string path)
        {
            path = null;
            byte* bytes = stackalloc byte[FileModes.PathMax];
            long length = _copier.StrncpyFromUser(process.Space, bytes, address, FileModes.PathMax);
            if (length < 0)
                return length;
            if (length == FileModes.PathMax)
                return -Errno.ENAMETOOLONG;
            if (length == 0 && !emptyAllowed)
                return -Errno.ENOENT;
            path = Latin1(bytes, (int)length);
            return 0;
        }

        // Bytes as a string of the same length (a path's bytes are not decoded: each is
        // one char, and goes back as the same byte).
        private static string Latin1(byte* bytes, int length)
        {
            if (length == 0)
                return "";
            char* chars = stackalloc char[length];
            for (int i = 0; i < length; i++)
                chars[i] = (char)bytes[i];
            return new string(chars, 0, length);
        }

        // Where a relative `path` starts: the working directory for AT_FDCWD (a dirfd is
        // an int: the upper half of the register is ignored), else the directory `dirfd`
        // is open on (EBADF, ENOTDIR).
        private static long StartDirectory(Process process, long dirfd, string path, out DirectoryNode start)
        {
            start = process.Cwd;
            if ((path.Length > 0 && path[0] == '/') || (int)dirfd == (int)OpenFlags.AtFdCwd)
                return 0;
            OpenFile file = process.TakeDescriptor((uint)dirfd);
            if (file == null)
                return -Errno.EBADF;
            start = DirectoryOf(file);
            file.Release();
            return start == null ? -Errno.ENOTDIR : 0;
        }

        // The directory an open directory or an O_PATH descriptor of one names, or null.
        private static DirectoryNode DirectoryOf(OpenFile file)
            => file is DirectoryHandle handle ? handle.Directory : (file as PathHandle)?.Node as DirectoryNode;

        // The path and its start directory, both checked: 0 or -errno.
        private long PathAt(Process process, long dirfd, ulong address, bool emptyAllowed, out DirectoryNode start, out string path)
        {
            start = null;
            long error = PathFromUser(process, address, emptyAllowed, out path);
            return error != 0 ? error : StartDirectory(process, dirfd, path, out start);
        }

        // open, openat, creat: a new descriptor (O_CLOEXEC on it) for the open file the
        // tree made. A new file's permissions are `mode` less the umask.
        private long Open(Process process, long dirfd, ulong pathAddress, ulong flags, ulong mode)
        {
            long error = PathAt(process, dirfd, pathAddress, false, out DirectoryNode start, out string path);
            if (error != 0)
                return error;
            if (OpenFile.Count + 1 > Limits.OpenFiles)
                return -Errno.ENFILE;
            uint permissions = (uint)mode & FileModes.PermissionMask & ~process.Umask;
            error = _tree.Open(start, path, flags, permissions, process, out OpenFile file);
            if (error != 0)
                return error;
            int fd = process.AddFile(file, (flags & OpenFlags.Cloexec) != 0);
            if (fd < 0)
                file.Release();
            return fd;
        }

        private long Mkdir(Process process, long dirfd, ulong pathAddress, ulong mode)
        {
            long error = PathAt(process, dirfd, pathAddress, false, out DirectoryNode start, out string path);
            return error != 0 ? error : _tree.MakeDirectory(start, path, (uint)mode & 0x3FF & ~process.Umask);
        }

        // unlink, unlinkat (AT_REMOVEDIR: as rmdir; any other flag EINVAL), rmdir.
        private long Unlink(Process process, long dirfd, ulong pathAddress, ulong flags)
        {
            if ((flags & ~(ulong)AtFlags.RemoveDir) != 0)
                return -Errno.EINVAL;
            long error = PathAt(process, dirfd, pathAddress, false, out DirectoryNode start, out string path);
            return error != 0 ? error : _tree.Remove(start, path, (flags & AtFlags.RemoveDir) != 0);
        }

        private long Rename(Process process, long oldDirfd, ulong oldAddress, long newDirfd, ulong newAddress, ulong flags)
        {
            long error = PathAt(process, oldDirfd, oldAddress, false, out DirectoryNode oldStart, out string oldPath);
            if (error != 0)
                return error;
            error = PathAt(process, newDirfd, newAddress, false, out DirectoryNode newStart, out string newPath);
            return error != 0 ? error : _tree.Rename(oldStart, oldPath, newStart, newPath, (int)flags);
        }

        // link, linkat (AT_SYMLINK_FOLLOW follows a last link of the old path;
        // AT_EMPTY_PATH with an empty old path names the file behind oldDirfd, an
        // O_TMPFILE file too: FileTree.LinkNode).
        private long Link(Process process, long oldDirfd, ulong oldAddress, long newDirfd, ulong newAddress, ulong flags)
        {
            if ((flags & ~(ulong)(AtFlags.SymlinkFollow | AtFlags.EmptyPath)) != 0)
                return -Errno.EINVAL;
            bool emptyAllowed = (flags & AtFlags.EmptyPath) != 0;
            long error = PathFromUser(process, oldAddress, emptyAllowed, out string oldPath);
            if (error != 0)
                return error;
            Node node = null;
            DirectoryNode oldStart = null;
            error = oldPath.Length == 0 ? NodeOf(process, oldDirfd, out node) : StartDirectory(process, oldDirfd, oldPath, out oldStart);
            if (error != 0)
                return error;
            error = PathAt(process, newDirfd, newAddress, false, out DirectoryNode newStart, out string newPath);
            return error != 0 ? error
                : node != null ? _tree.LinkNode(node, newStart, newPath)
                : _tree.MakeLink(oldStart, oldPath, (flags & AtFlags.SymlinkFollow) != 0, newStart, newPath);
        }

        private long Symlink(Process process, ulong targetAddress, long dirfd, ulong pathAddress)
        {
            long error = PathFromUser(process, targetAddress, false, out string target);
            if (error != 0)
                return error;
            error = PathAt(process, dirfd, pathAddress, false, out DirectoryNode start, out string path);
            return error != 0 ? error : _tree.MakeSymlink(target, start, path);
        }

        // readlink, readlinkat: the target's bytes, cut at `size`, without a NUL; a size
        // of 0 or below (an int) is EINVAL, before the path is looked at.
        private long Readlink(Process process, long dirfd, ulong pathAddress, ulong buffer, ulong size)
        {
            if ((int)size <= 0)
                return -Errno.EINVAL;
            long error = PathAt(process, dirfd, pathAddress, false, out DirectoryNode start, out string path);
            string target = null;
            if (error == 0)
                error = _tree.ReadLink(start, path, out target);
            return error != 0 ? error : CopyStringOut(process, target, buffer, (ulong)(int)size, false);
        }

        // `text` into user memory, cut at `size` bytes (with a NUL after it when
        // `terminate`): the bytes written, or -EFAULT.
        private long CopyStringOut(Process process, string text, ulong buffer, ulong size, bool terminate)
        {
            int length = text.Length + (terminate ? 1 : 0);
            if ((ulong)length > size)
                length = (int)size;
            byte* bytes = stackalloc byte[length > 0 ? length : 1];
            for (int i = 0; i < length; i++)
                bytes[i] = i < text.Length ? (byte)text[i] : (byte)0;
            return _copier.CopyToUser(process.Space, buffer, bytes, (ulong)length) != 0 ? -Errno.EFAULT : length;
        }

        // getcwd: the path with its NUL, and its length with the NUL; ERANGE when it
        // does not fit in `size`; ENOENT when the directory was removed.
        private long Getcwd(Process process, ulong buffer, ulong size)
        {
            long error = _tree.PathOf(process.Cwd, out string path);
            if (error != 0)
                return error;
            if ((ulong)path.Length + 1 > size)
                return -Errno.ERANGE;
            return CopyStringOut(process, path, buffer, size, true);
        }

        private long Chdir(Process process, ulong pathAddress)
        {
            long error = PathFromUser(process, pathAddress, false, out string path);
            if (error != 0)
                return error;
            error = _tree.Lookup(process.Cwd, path, true, out Node node);
            return error != 0 ? error : ChangeDirectory(process, node);
        }

        private static long Fchdir(Process process, ulong fd)
        {
            OpenFile file = process.TakeDescriptor((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            DirectoryNode directory = DirectoryOf(file);
            file.Release();
            return directory == null ? -Errno.ENOTDIR : ChangeDirectory(process, directory);
        }

        private static long ChangeDirectory(Process process, Node node)
        {
            var directory = node as DirectoryNode;
            if (directory == null)
                return -Errno.ENOTDIR;
            process.Cwd = directory;
            return 0;
        }

        // umask: the old mask; the new one is the argument's permission bits.
        private static long Umask(Process process, ulong mask)
        {
            uint old = process.Umask;
            process.Umask = (uint)mask & 0x1FF;
            return old;
        }

        // access, faccessat, faccessat2 (AT_EACCESS, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH):
        // the mode must be F_OK or R_OK|W_OK|X_OK bits (EINVAL); every process is root,
        // so only X_OK can fail (EACCES), on a file that no one may execute; W_OK on
        // the modules' read-only part is EROFS.
        private long Access(Process process, long dirfd, ulong pathAddress, ulong mode, ulong flags)
        {
            if ((mode & ~7UL) != 0 || (flags & ~(ulong)(AtFlags.EffectiveAccess | AtFlags.SymlinkNoFollow | AtFlags.EmptyPath)) != 0)
                return -Errno.EINVAL;
            long error = NodeAt(process, dirfd, pathAddress, (int)flags, out Node node);
            if (error != 0)
                return error;
            if ((mode & AccessModes.Write) != 0 && node.ReadOnly)
                return -Errno.EROFS;
            if ((mode & AccessModes.Execute) != 0 && !node.IsDirectory && (node.Mode & FileModes.AnyExecute) == 0)
                return -Errno.EACCES;
            return 0;
        }

        // The node a path names from dirfd, for the calls that take AT_SYMLINK_NOFOLLOW
        // and AT_EMPTY_PATH (an empty path: dirfd's own node, any kind of file, or
        // AT_FDCWD's working directory).
        private long NodeAt(Process process, long dirfd, ulong pathAddress, int flags, out Node node)
        {
            node = null;
            bool emptyAllowed = (flags & AtFlags.EmptyPath) != 0;
            long error = PathFromUser(process, pathAddress, emptyAllowed, out string path);
            if (error != 0)
                return error;
            if (path.Length == 0)
                return NodeOf(process, dirfd, out node);
            error = StartDirectory(process, dirfd, path, out DirectoryNode start);
            return error != 0 ? error : _tree.Lookup(start, path, (flags & AtFlags.SymlinkNoFollow) == 0, out node);
        }

        // The tree's node behind a descriptor (AT_EMPTY_PATH); EBADF, or ENOENT for a pipe
        // or a new program's console, which are not in the tree.
        private static long NodeOf(Process process, long dirfd, out Node node)
        {
            node = (int)dirfd == (int)OpenFlags.AtFdCwd ? process.Cwd : null;
            if (node != null)
                return 0;
            OpenFile file = process.TakeDescriptor((uint)dirfd);
            if (file == null)
                return -Errno.EBADF;
            node = file.Origin as Node;
            file.Release();
            return node == null ? -Errno.ENOENT : 0;
        }

        // getdents64: EBADF, ENOTDIR for a descriptor that is no directory, EFAULT for a
        // buffer outside user space; then the directory's records (DirectoryHandle).
        private long Getdents64(Process process, ulong fd, ulong buffer, ulong count)
        {
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            var directory = file as DirectoryHandle;
            long result = directory == null ? -Errno.ENOTDIR
                : !Memory.UserCopy.UserCopier.AccessOk(buffer, count) ? -Errno.EFAULT
                : directory.ReadEntries(_tree, process, buffer, (uint)count);
            file.Release();
            return result;
        }

        // truncate: a negative length is EINVAL; a directory EISDIR; anything but a
        // regular file EINVAL.
        private long Truncate(Process process, ulong pathAddress, ulong length)
        {
            if ((long)length < 0)
                return -Errno.EINVAL;
            long error = NodeAt(process, OpenFlags.AtFdCwd, pathAddress, 0, out Node node);
            if (error != 0)
                return error;
            if (node.IsDirectory)
                return -Errno.EISDIR;
            if (node.ReadOnly)
                return -Errno.EROFS;
            var file = node as FileNode;
            return file == null ? -Errno.EINVAL : file.Truncate(length);
        }

        // ftruncate: EINVAL for a negative length, EBADF, then EINVAL for a file that is
        // not a regular file open for writing (Linux's do_sys_ftruncate).
        private static long Ftruncate(Process process, ulong fd, ulong length)
        {
            if ((long)length < 0)
                return -Errno.EINVAL;
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            var handle = file as FileHandle;
            long result = handle == null || !file.Writable ? -Errno.EINVAL : handle.Node.Truncate(length);
            file.Release();
            return result;
        }

        // chmod, fchmodat (whose syscall has no flags argument: fchmodat2 is not done).
        private long Chmod(Process process, long dirfd, ulong pathAddress, ulong mode, ulong flags = 0)
        {
            long error = NodeAt(process, dirfd, pathAddress, (int)flags, out Node node);
            return error != 0 ? error : _tree.SetPermissions(node, (uint)mode);
        }

        private long Fchmod(Process process, ulong fd, ulong mode)
        {
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            var node = file.Origin as Node;
            file.Release();
            return node == null ? -Errno.EINVAL : _tree.SetPermissions(node, (uint)mode); // a pipe's mode is not kept
        }
    }
}
