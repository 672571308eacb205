using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.FileSystem
{
    // An open regular file: read and write at the file offset, which every descriptor
    // of the open file shares (dup, fork). _position (a FIFO mutex, held across the
    // copy) makes reads and writes on several threads take turns, so each gets its own
    // bytes (Linux's f_pos lock); the bytes themselves are the node's (FileNode).
    // Lock order: _position, then the node's lock.
    public sealed class FileHandle : OpenFile
    {
        public readonly FileNode Node;
        // Where it was opened: the directory and the name there (what /proc/self/maps
        // shows for a mapping of it: FileTree.MappedName). Null for a /proc snapshot,
        // or when the path's last step was a symbolic link.
        public DirectoryNode OpenedIn;
        public string OpenedAs;
        private readonly UserCopier _copier;
        private readonly Threading.FifoMutex _position;
        private readonly bool _readable, _writable;
        private ulong _offset;

        public FileHandle(FileNode node, UserCopier copier, Threading.IThreadBackend threads, bool readable, bool writable)
        {
            Node = node;
            Origin = node;
            _copier = copier;
            _readable = readable;
            _writable = writable;
            _position = new Threading.FifoMutex(threads, 4, "file position");
        }

        // The open file takes over the hold the tree took for it (FileTree.Open); it
        // gives it back when the last descriptor closes.
        protected override void Closed() => Node.Unhold();

        public override bool Readable => _readable;
        public override bool Writable => _writable;

        // open(2) on a 64-bit kernel: O_LARGEFILE, as Linux reports it.
        protected override ulong OpenedFlags => OpenFlags.Largefile;

        private bool Appending => (StatusFlags & OpenFlags.Append) != 0;

        public override long Read(IFileUser user, ulong buffer, ulong count)
        {
            _position.Lock();
            long result = Node.Read(_copier, user, buffer, count, _offset);
            if (result > 0)
                _offset += (ulong)result;
            _position.Unlock();
            return result;
        }

        // A read-only node open for writing is a /proc file's snapshot (the modules'
        // files are EROFS at open): EINVAL, as Linux answers a file without a write.
        public override long Write(IFileUser user, ulong buffer, ulong count)
        {
            if (Node.ReadOnly)
                return -Errno.EINVAL;
            _position.Lock();
            ulong offset = _offset;
            long result = Node.Write(_copier, user, buffer, count, ref offset, Appending);
            if (result > 0)
                _offset = offset + (ulong)result;
            else if (Appending)
                _offset = offset; // O_APPEND moves the offset to the end even when nothing was written
            _position.Unlock();
            return result;
        }

        // pread64 and pwrite64 leave the offset alone (pwrite on an O_APPEND file still
        // appends: Linux's documented bug).
        public override bool Positional => true;

        public override long ReadAt(IFileUser user, ulong buffer, ulong count, long offset)
            => Node.Read(_copier, user, buffer, count, (ulong)offset);

        public override long WriteAt(IFileUser user, ulong buffer, ulong count, long offset)
        {
            if (Node.ReadOnly)
                return -Errno.EINVAL;
            ulong at = (ulong)offset;
            return Node.Write(_copier, user, buffer, count, ref at, Appending);
        }

        // lseek: any offset >= 0, past the end too (a write there leaves a gap of zeros);
        // SEEK_DATA and SEEK_HOLE as for a file without holes (Linux's
        // generic_file_llseek, which tmpfs uses for the rest).
        public override long Seek(long offset, int whence)
        {
            _position.Lock();
            long result = SeekLocked(offset, whence);
            _position.Unlock();
            return result;
        }

        private long SeekLocked(long offset, int whence)
        {
            long length = (long)Node.Size;
            long target;
            switch (whence)
            {
                case SeekWhence.Set: target = offset; break;
                case SeekWhence.Current: target = unchecked((long)_offset + offset); break;
                case SeekWhence.End: target = unchecked(length + offset); break;
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
    }
}
