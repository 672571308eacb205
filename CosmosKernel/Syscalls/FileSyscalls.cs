using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Files: read, write, readv, writev, pread64, pwrite64, lseek, pipe (open and the
    // other calls that take a path: PathSyscalls.cs; close and the descriptor calls,
    // dup and fcntl, go to the file table: DescriptorSyscalls.cs).
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

        // readv and writev: the descriptor and its mode (EBADF), then the iovec array,
        // copied in whole once before anything moves (the lengths checked are the ones
        // used: no second fetch), then each segment checked as Linux's import_iovec
        // does: a length above SSIZE_MAX is EINVAL, a range outside user space EFAULT,
        // and the total is cut at MAX_RW_COUNT. A transfer stops at the first segment
        // that moves less than its length (partial, as on Linux).
        private long Vectored(Process process, ulong fd, ulong vector, ulong count, bool write)
        {
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            long result = (write ? !file.Writable : !file.Readable) ? -Errno.EBADF : VectoredIo(process, file, vector, count, write);
            file.Release();
            return result;
        }

        // Iovecs on the kernel stack up to this many (musl's stdio writes two); a longer
        // array is a heap array for the call.
        private const int IovecsOnStack = 8;

        private long VectoredIo(Process process, OpenFile file, ulong vector, ulong count, bool write)
        {
            if (count > Iovec.MaxCount)
                return -Errno.EINVAL;
            if (count == 0)
                return 0;
            int n = (int)count;
            ulong bytes = (ulong)n * (ulong)sizeof(Iovec);
            if (n <= IovecsOnStack)
            {
                Iovec* segments = stackalloc Iovec[IovecsOnStack];
                return VectoredIoIn(process, file, vector, segments, n, bytes, write);
            }
            if (!Platform.KernelHeap.HasRoom(bytes))
                return -Errno.ENOMEM;
            var array = new Iovec[n];
            fixed (Iovec* segments = &array[0])
                return VectoredIoIn(process, file, vector, segments, n, bytes, write);
        }

        private long VectoredIoIn(Process process, OpenFile file, ulong vector, Iovec* segments, int n, ulong bytes, bool write)
        {
            if (!Memory.UserCopy.UserCopier.AccessOk(vector, bytes) || _copier.CopyFromUser(process.Space, (byte*)segments, vector, bytes) != 0)
                return -Errno.EFAULT;
            long checkedSegments = CheckSegments(segments, n);
            if (checkedSegments < 0)
                return checkedSegments;
            return write ? file.WriteVector(process, segments, n) : file.ReadVector(process, segments, n);
        }

        // Linux's order: one segment is cut at MAX_RW_COUNT and then checked (so a huge
        // length is not EINVAL); of several, each length must fit ssize_t, its range
        // must be user space, and the lengths are cut so the total stays MAX_RW_COUNT.
        // 0, -EINVAL or -EFAULT.
        private static long CheckSegments(Iovec* segments, int n)
        {
            ulong total = 0;
            for (int i = 0; i < n; i++)
            {
                ulong length = segments[i].Length;
                if (n == 1 && length > MaxIo)
                    length = MaxIo;
                if ((long)length < 0)
                    return -Errno.EINVAL;
                if (!Memory.UserCopy.UserCopier.AccessOk(segments[i].Base, length))
                    return -Errno.EFAULT;
                if (length > MaxIo - total)
                    length = MaxIo - total;
                segments[i].Length = length;
                total += length;
            }
            return 0;
        }

        // pread64 and pwrite64: at `offset`, which must be >= 0 (EINVAL, before the
        // descriptor is looked at), without moving the file's offset; a file without
        // offsets (a pipe, the console) is ESPIPE, before its mode is looked at; offset
        // plus count past 2^63 is EINVAL (Linux's rw_verify_area).
        private long Positional(Process process, ulong fd, ulong buffer, ulong count, ulong offset, bool write)
        {
            if ((long)offset < 0)
                return -Errno.EINVAL;
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            long result = PositionalIo(process, file, buffer, count, (long)offset, write);
            file.Release();
            return result;
        }

        private long PositionalIo(Process process, OpenFile file, ulong buffer, ulong count, long offset, bool write)
        {
            if (!file.Positional)
                return -Errno.ESPIPE;
            if (write ? !file.Writable : !file.Readable)
                return -Errno.EBADF;
            if (!Memory.UserCopy.UserCopier.AccessOk(buffer, count))
                return -Errno.EFAULT;
            if (unchecked(offset + (long)count) < 0)
                return -Errno.EINVAL;
            ulong length = count > MaxIo ? MaxIo : count;
            return write ? file.WriteAt(process, buffer, length, offset) : file.ReadAt(process, buffer, length, offset);
        }

        // lseek: EBADF, then EINVAL for a whence past SEEK_HOLE (even on a pipe), then
        // the file's answer (ESPIPE for a pipe or the console).
        private long Lseek(Process process, ulong fd, ulong offset, ulong whence)
        {
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            long result = (uint)whence > SeekWhence.Hole ? -Errno.EINVAL : file.Seek((long)offset, (int)(uint)whence);
            file.Release();
            return result;
        }

        // pipe / pipe2: two descriptors, [0] the read end, [1] the write end; O_NONBLOCK
        // on both ends' open files, O_CLOEXEC on both descriptors.
        private long Pipe(Process process, ulong fds, ulong flags)
        {
            if ((flags & ~(OpenFlags.Cloexec | OpenFlags.Nonblock)) != 0)
                return -Errno.EINVAL; // O_DIRECT (packet mode) is not supported
            if (OpenFile.Count + 2 > Limits.OpenFiles)
                return -Errno.ENFILE;
            if (!Platform.KernelHeap.HasRoom(2 * Limits.FileBytes))
                return -Errno.ENOMEM;
            var pipe = new Pipe(_scheduler, _copier);
            var reader = new PipeEnd(pipe, writer: false);
            var writer = new PipeEnd(pipe, writer: true);
            reader.SetStatusFlags(flags);
            writer.SetStatusFlags(flags);
            bool closeOnExec = (flags & OpenFlags.Cloexec) != 0;
            int readFd = process.AddFile(reader, closeOnExec);
            int writeFd = readFd < 0 ? -1 : process.AddFile(writer, closeOnExec);
            if (writeFd < 0)
            {
                // The creator's references of the ends no descriptor took (they leaked
                // before: OpenFile.Count grew at every EMFILE).
                if (readFd >= 0)
                    process.Close((ulong)readFd);
                else
                    reader.Release();
                writer.Release();
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
    }
}
