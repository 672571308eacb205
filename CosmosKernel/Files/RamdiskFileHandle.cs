using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.Files
{
    // An open ramdisk file: read() from a file offset; mmap() maps its RamdiskFile. The
    // offset is shared by every descriptor of the open file (fork): _position (a FIFO
    // mutex, held across the copy) makes reads on several threads take turns, so each
    // gets its own bytes (Linux's f_pos lock). The file's data never changes.
    public sealed unsafe class RamdiskFileHandle : OpenFile
    {
        public readonly RamdiskFile File;
        private readonly UserCopier _copier;
        private readonly Threading.FifoMutex _position;
        private ulong _offset;

        public RamdiskFileHandle(RamdiskFile file, UserCopier copier, Threading.IThreadBackend threads)
        {
            File = file;
            _copier = copier;
            _position = new Threading.FifoMutex(threads, 4, "file position");
        }

        public override long Read(IFileUser user, ulong buffer, ulong count)
        {
            _position.Lock();
            long result = ReadLocked(user, buffer, count);
            _position.Unlock();
            return result;
        }

        private long ReadLocked(IFileUser user, ulong buffer, ulong count)
        {
            long result = CopyOut(user, buffer, count, _offset);
            if (result > 0)
                _offset += (ulong)result;
            return result;
        }

        // Bytes from `offset` (past the end: none) into the user buffer: how many, or
        // -EFAULT when not one could be copied.
        private long CopyOut(IFileUser user, ulong buffer, ulong count, ulong offset)
        {
            if (offset >= File.Length)
                return 0;
            ulong length = count < File.Length - offset ? count : File.Length - offset;
            ulong notCopied = _copier.CopyToUser(user.Space, buffer, File.Data + offset, length);
            ulong copied = length - notCopied;
            return copied > 0 || length == 0 ? (long)copied : -Errno.EFAULT;
        }

        // pread64: the data never changes, and the offset is not touched, so no lock.
        public override bool Positional => true;
        public override long ReadAt(IFileUser user, ulong buffer, ulong count, long offset) => CopyOut(user, buffer, count, (ulong)offset);
        public override long WriteAt(IFileUser user, ulong buffer, ulong count, long offset) => -Errno.EBADF;

        // lseek: any offset >= 0, past the end too (a read there returns 0); a result
        // below 0 (or past long's range: it wraps negative, as on Linux) is EINVAL.
        // (Linux's generic_file_llseek, which its ramfs uses.)
        public override long Seek(long offset, int whence)
        {
            _position.Lock();
            long result = SeekLocked(offset, whence);
            _position.Unlock();
            return result;
        }

        private long SeekLocked(long offset, int whence)
        {
            long length = (long)File.Length;
            long target;
            switch (whence)
            {
                case SeekWhence.Set: target = offset; break;
                case SeekWhence.Current: target = unchecked((long)_offset + offset); break;
                case SeekWhence.End: target = unchecked(length + offset); break;
                // A file without holes: its data is everywhere before the end, its one
                // hole at the end; an offset at or past the end (or below 0) is ENXIO.
                case SeekWhence.Data:
                case SeekWhence.Hole:
                    if ((ulong)offset >= (ulong)length)
                        return -Errno.ENXIO;
                    target = whence == SeekWhence.Data ? offset : length;
                    break;
                default: return -Errno.EINVAL;
            }
            if (target < 0)
                return -Errno.EINVAL;
            _offset = (ulong)target;
            return target;
        }

        // open(2) on a 64-bit kernel: O_LARGEFILE, as Linux reports it.
        protected override ulong OpenedFlags => OpenFlags.Largefile;

        public override bool Writable => false; // opened read-only

        public override long Write(IFileUser user, ulong buffer, ulong count) => -Errno.EBADF;
    }
}
