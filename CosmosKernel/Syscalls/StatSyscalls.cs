using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.FileSystem;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // The stat family: stat, lstat, newfstatat (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH),
    // fstat and statx, laid out as x86-64 Linux's struct stat (Abi/Stat.cs) and
    // struct statx. What each reports comes from the tree's node (Node.Describe) or,
    // for a pipe and a new program's console, from the open file.
    public sealed unsafe partial class SyscallTable
    {
        private const int StatFlags = AtFlags.SymlinkNoFollow | AtFlags.EmptyPath | AtFlags.NoAutomount;

        private long StatPath(Process process, long dirfd, ulong pathAddress, ulong buffer, ulong flags)
        {
            if ((flags & ~(ulong)StatFlags) != 0)
                return -Errno.EINVAL;
            long error = DescribeAt(process, dirfd, pathAddress, (int)flags, out FileStatus status);
            return error != 0 ? error : WriteStat(process, buffer, ref status);
        }

        private long Fstat(Process process, ulong fd, ulong buffer)
        {
            long error = DescribeDescriptor(process, fd, out FileStatus status);
            return error != 0 ? error : WriteStat(process, buffer, ref status);
        }

        // What `path` from dirfd names, or with AT_EMPTY_PATH and an empty path, dirfd's
        // open file itself (a pipe too).
        private long DescribeAt(Process process, long dirfd, ulong pathAddress, int flags, out FileStatus status)
        {
            status = default;
            long error = PathFromUser(process, pathAddress, (flags & AtFlags.EmptyPath) != 0, out string path);
            if (error != 0)
                return error;
            if (path.Length == 0 && (int)dirfd != (int)OpenFlags.AtFdCwd)
                return DescribeDescriptor(process, (ulong)(uint)dirfd, out status);
            Node node = process.Cwd;
            if (path.Length > 0)
            {
                error = StartDirectory(process, dirfd, path, out DirectoryNode start);
                if (error == 0)
                    error = _tree.Lookup(start, path, (flags & AtFlags.SymlinkNoFollow) == 0, out node);
                if (error != 0)
                    return error;
            }
            node.Describe(ref status);
            return 0;
        }

        private static long DescribeDescriptor(Process process, ulong fd, out FileStatus status)
        {
            status = default;
            OpenFile file = process.TakeDescriptor((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            file.Describe(ref status);
            file.Release();
            return 0;
        }

        private long WriteStat(Process process, ulong buffer, ref FileStatus status)
        {
            Stat stat = default;
            stat.Device = status.Device;
            stat.Inode = status.Inode;
            stat.Links = status.Links;
            stat.Mode = status.Mode;
            stat.SpecialDevice = status.SpecialDevice;
            stat.Size = (long)status.Size;
            stat.BlockSize = 4096;
            stat.Blocks = (long)((status.Size + 4095) / 4096 * 8);
            stat.AccessSeconds = (long)(status.AccessTime / 1000000000);
            stat.AccessNanoseconds = (long)(status.AccessTime % 1000000000);
            stat.ModifySeconds = (long)(status.ModifyTime / 1000000000);
            stat.ModifyNanoseconds = (long)(status.ModifyTime % 1000000000);
            stat.ChangeSeconds = (long)(status.ChangeTime / 1000000000);
            stat.ChangeNanoseconds = (long)(status.ChangeTime % 1000000000);
            return _copier.CopyToUser(process.Space, buffer, (byte*)&stat, (ulong)sizeof(Stat)) != 0 ? -Errno.EFAULT : 0;
        }

        // statx(dirfd, path, flags, mask, buffer): EINVAL for unknown flags, both sync
        // kinds at once, or the reserved mask bit; the basic fields whatever the mask
        // asks (as Linux, which may fill more than asked).
        private long Statx(Process process, long dirfd, ulong pathAddress, ulong flags, ulong mask, ulong buffer)
        {
            if ((flags & ~(ulong)(StatFlags | Abi.Statx.SyncTypeMask)) != 0 || (flags & (ulong)Abi.Statx.SyncTypeMask) == (ulong)Abi.Statx.SyncTypeMask
                || ((uint)mask & Abi.Statx.ReservedMask) != 0)
                return -Errno.EINVAL;
            long error = DescribeAt(process, dirfd, pathAddress, (int)flags, out FileStatus status);
            if (error != 0)
                return error;
            byte* x = stackalloc byte[Abi.Statx.Bytes];
            for (int i = 0; i < Abi.Statx.Bytes; i++)
                x[i] = 0;
            *(uint*)(x + Abi.Statx.Mask) = Abi.Statx.BasicStats;
            *(uint*)(x + Abi.Statx.BlockSize) = 4096;
            *(uint*)(x + Abi.Statx.Links) = (uint)status.Links;
            *(ushort*)(x + Abi.Statx.Mode) = (ushort)status.Mode;
            *(ulong*)(x + Abi.Statx.Inode) = status.Inode;
            *(ulong*)(x + Abi.Statx.Size) = status.Size;
            *(ulong*)(x + Abi.Statx.Blocks) = (status.Size + 4095) / 4096 * 8;
            WriteTimestamp(x + Abi.Statx.AccessTime, status.AccessTime);
            WriteTimestamp(x + Abi.Statx.ChangeTime, status.ChangeTime);
            WriteTimestamp(x + Abi.Statx.ModifyTime, status.ModifyTime);
            *(uint*)(x + Abi.Statx.RdevMajor) = (uint)(status.SpecialDevice >> 8);
            *(uint*)(x + Abi.Statx.RdevMinor) = (uint)(status.SpecialDevice & 0xFF);
            *(uint*)(x + Abi.Statx.DevMajor) = (uint)(status.Device >> 8);
            *(uint*)(x + Abi.Statx.DevMinor) = (uint)(status.Device & 0xFF);
            return _copier.CopyToUser(process.Space, buffer, x, Abi.Statx.Bytes) != 0 ? -Errno.EFAULT : 0;
        }

        // struct statx_timestamp: seconds (s64), nanoseconds (u32), a reserved u32.
        private static void WriteTimestamp(byte* at, ulong nanoseconds)
        {
            *(long*)at = (long)(nanoseconds / 1000000000);
            *(uint*)(at + 8) = (uint)(nanoseconds % 1000000000);
        }
    }
}
