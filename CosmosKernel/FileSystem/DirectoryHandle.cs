using CosmosKernel.Abi;
using CosmosKernel.Files;

namespace CosmosKernel.FileSystem
{
    // An open directory: getdents64 lists it from the handle's position ("." at 0,
    // ".." at 1, then the entries in the order they were made); lseek sets the position
    // back (SEEK_SET, SEEK_CUR). read is EISDIR; it is never open for writing. Also
    // what fchdir and the *at calls take as a starting directory. _position (a FIFO
    // mutex) makes listings on several threads take turns; order: before the tree's.
    public sealed class DirectoryHandle : OpenFile
    {
        public readonly DirectoryNode Directory;
        private readonly Threading.FifoMutex _position;
        private long _index;

        public DirectoryHandle(DirectoryNode directory, Threading.IThreadBackend threads)
        {
            Directory = directory;
            Origin = directory;
            _position = new Threading.FifoMutex(threads, 4, "file position");
        }

        public override bool Writable => false;
        protected override ulong OpenedFlags => OpenFlags.Largefile | OpenFlags.Directory;

        public override long Read(IFileUser user, ulong buffer, ulong count) => -Errno.EISDIR;
        public override long Write(IFileUser user, ulong buffer, ulong count) => -Errno.EBADF;

        // getdents64 through the tree (which lists under its lock): bytes filled, 0 at
        // the end, -EINVAL when not even the next entry fits, -EFAULT.
        public long ReadEntries(FileTree tree, IFileUser user, ulong buffer, ulong count)
        {
            _position.Lock();
            long index = _index;
            long result = tree.ListDirectory(Directory, user, buffer, count, ref index);
            if (result > 0)
                _index = index;
            _position.Unlock();
            return result;
        }

        public override long Seek(long offset, int whence)
        {
            _position.Lock();
            long target = whence == SeekWhence.Set ? offset : whence == SeekWhence.Current ? _index + offset : -1;
            long result = whence != SeekWhence.Set && whence != SeekWhence.Current ? -Errno.EINVAL
                : target < 0 ? -Errno.EINVAL : target;
            if (result >= 0)
                _index = target;
            _position.Unlock();
            return result;
        }
    }
}
