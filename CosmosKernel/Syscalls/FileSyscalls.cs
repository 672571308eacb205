using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Files: read, write, pipe, open (close goes straight to the file table).
    public sealed unsafe partial class SyscallTable
    {
        // read and write: the descriptor and its mode, then the whole user range (Linux's
        // access_ok; issue 16, item 10: a count running past user space was cut and
        // partly done), then at most MAX_RW_COUNT bytes. A range inside user space that
        // runs into unmapped memory moves the bytes before the hole, as on Linux.
        // On any CPU at once: the file comes with a reference of this call's own,
        // so a close on another thread cannot end it meanwhile.
        private long Write(Process process, ulong fd, ulong buffer, ulong count)
        {
            OpenFile file = process.TakeFile(fd);
            if (file == null)
                return -Errno.EBADF;
            long result = !file.Writable ? -Errno.EBADF
                : !Memory.UserCopy.UserCopier.AccessOk(buffer, count) ? -Errno.EFAULT
                : file.Write(process, buffer, count > MaxIo ? MaxIo : count);
            file.Release();
            return result;
        }

        private long Read(Process process, ulong fd, ulong buffer, ulong count)
        {
            OpenFile file = process.TakeFile(fd);
            if (file == null)
                return -Errno.EBADF;
            long result = !file.Readable ? -Errno.EBADF
                : !Memory.UserCopy.UserCopier.AccessOk(buffer, count) ? -Errno.EFAULT
                : file.Read(process, buffer, count > MaxIo ? MaxIo : count);
            file.Release();
            return result;
        }

        private const ulong MaxIo = 0x7FFFF000; // Linux's MAX_RW_COUNT

        // pipe / pipe2: two descriptors, [0] the read end, [1] the write end.
        private long Pipe(Process process, ulong fds, ulong flags)
        {
            if ((flags & ~OpenFlags.Cloexec) != 0)
                return -Errno.EINVAL; // O_NONBLOCK and O_DIRECT are not supported
            if (OpenFile.Count + 2 > Limits.OpenFiles)
                return -Errno.ENFILE;
            if (!Platform.KernelHeap.HasRoom(2 * Limits.FileBytes))
                return -Errno.ENOMEM;
            var pipe = new Pipe(_scheduler, _copier);
            var reader = new PipeEnd(pipe, writer: false);
            var writer = new PipeEnd(pipe, writer: true);
            int readFd = process.AddFile(reader);
            int writeFd = readFd < 0 ? -1 : process.AddFile(writer);
            if (writeFd < 0)
            {
                if (readFd >= 0)
                    process.Close((ulong)readFd);
                return -Errno.EMFILE;
            }
            int* pair = stackalloc int[2];
            pair[0] = readFd;
            pair[1] = writeFd;
            if (_copier.CopyToUser(process.Space, fds, (byte*)pair, 8) != 0)
            {
                process.Close((ulong)readFd);
                process.Close((ulong)writeFd);
                return -Errno.EFAULT;
            }
            return 0;
        }

        // open(path, flags): the GRUB modules as /modules/NAME (or /slow/NAME, Ramdisk), read-only.
        private long Open(Process process, ulong pathAddress, ulong flags)
        {
            long error = StringFromUser(process, pathAddress, MaxStringFromUser, Errno.ENAMETOOLONG, out string path);
            if (error != 0)
                return error;
            if ((flags & OpenFlags.AccessModeMask) != 0 || (flags & (OpenFlags.Create | OpenFlags.Truncate)) != 0)
                return -Errno.EROFS;
            Memory.RamdiskFile file = _ramdisk.Open(path);
            if (file == null)
                return -Errno.ENOENT;
            if (OpenFile.Count + 1 > Limits.OpenFiles)
                return -Errno.ENFILE;
            if (!Platform.KernelHeap.HasRoom(Limits.FileBytes))
                return -Errno.ENOMEM;
            int fd = process.AddFile(new RamdiskFileHandle(file, _copier, _scheduler));
            return fd < 0 ? -Errno.EMFILE : fd;
        }
    }
}
