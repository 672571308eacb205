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
            if (_offset >= File.Length)
                return 0;
            ulong length = count < File.Length - _offset ? count : File.Length - _offset;
            ulong notCopied = _copier.CopyToUser(user.Space, buffer, File.Data + _offset, length);
            ulong copied = length - notCopied;
            _offset += copied;
            return copied > 0 || length == 0 ? (long)copied : -Errno.EFAULT;
        }

        public override bool Writable => false; // opened read-only

        public override long Write(IFileUser user, ulong buffer, ulong count) => -Errno.EBADF;
    }
}
