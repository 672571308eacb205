using CosmosKernel.Files;
using CosmosKernel.Threading;

namespace CosmosKernel.Processes
{
    // A process's open files by descriptor: an array that doubles as descriptors are
    // used, up to DescriptorLimit (Linux's default RLIMIT_NOFILE: EMFILE beyond). Each
    // entry holds one reference on its OpenFile (fork shares them).
    //
    // _lock (a FIFO mutex: the design's lock for file tables) guards _files. read,
    // write and close run from several threads of a process at once: a caller gets a file with a reference of its own (Take) and releases it
    // when done, so a close on another thread cannot free the file under it (Linux's
    // fget/fput). No file is released with _lock held: releasing the last reference
    // closes the file (a pipe end wakes its readers), which takes the file's locks.
    // Lock order: before the files' own locks (docs/architecture.md).
    //
    // Each descriptor also has its close-on-exec flag (FD_CLOEXEC): per descriptor, not
    // per open file, so dup's copy starts without it; execve closes those that have it.
    public sealed class FileTable
    {
        public const int DescriptorLimit = 1024;

        private readonly FifoMutex _lock;
        private OpenFile[] _files = new OpenFile[16];
        private bool[] _closeOnExec = new bool[16]; // as long as _files

        public FileTable(IThreadBackend threads) => _lock = new FifoMutex(threads, 4, "file table");

        // The file at `fd` with a reference for the caller (OpenFile.Release when done),
        // or null.
        public OpenFile Take(ulong fd)
        {
            _lock.Lock();
            OpenFile file = fd < (ulong)_files.Length ? _files[fd] : null;
            if (file != null)
                file.AddReference();
            _lock.Unlock();
            return file;
        }

        // The lowest free descriptor for `file` (the table's reference is the caller's),
        // or -EMFILE.
        public int Add(OpenFile file, bool closeOnExec = false)
        {
            _lock.Lock();
            int fd = AddLocked(file, 0, closeOnExec);
            _lock.Unlock();
            return fd;
        }

        // The lowest free descriptor >= lowest (< DescriptorLimit) for `file`, or -EMFILE.
        private int AddLocked(OpenFile file, int lowest, bool closeOnExec)
        {
            for (int fd = lowest; fd < DescriptorLimit; fd++)
            {
                if (fd >= _files.Length)
                    GrowLocked(fd + 1);
                if (_files[fd] == null)
                {
                    _files[fd] = file;
                    _closeOnExec[fd] = closeOnExec;
                    return fd;
                }
            }
            return -Abi.Errno.EMFILE;
        }

        // Room for `length` descriptors (<= DescriptorLimit): the table at least doubles.
        private void GrowLocked(int length)
        {
            int size = _files.Length * 2 > length ? _files.Length * 2 : length;
            if (size > DescriptorLimit)
                size = DescriptorLimit;
            var files = new OpenFile[size];
            var flags = new bool[size];
            for (int i = 0; i < _files.Length; i++)
            {
                files[i] = _files[i];
                flags[i] = _closeOnExec[i];
            }
            _files = files;
            _closeOnExec = flags;
        }

        // dup and fcntl(F_DUPFD[_CLOEXEC]): the lowest free descriptor >= lowest for the
        // file at oldFd, in one step under the lock (a close on another thread cannot
        // slip between the look-up and the copy). The new descriptor, -EBADF, -EMFILE.
        public int Duplicate(ulong oldFd, int lowest, bool closeOnExec)
        {
            _lock.Lock();
            OpenFile file = oldFd < (ulong)_files.Length ? _files[oldFd] : null;
            int fd = file == null ? -Abi.Errno.EBADF : AddLocked(file, lowest, closeOnExec);
            if (fd >= 0)
                file.AddReference();
            _lock.Unlock();
            return fd;
        }

        // dup2 and dup3 (oldFd != newFd, the caller's check): newFd refers to oldFd's
        // file, closing what it referred to before (released after the lock, as Close
        // does). newFd, or -EBADF for a closed oldFd or a newFd past the limit.
        public int DuplicateTo(ulong oldFd, ulong newFd, bool closeOnExec)
        {
            if (newFd >= DescriptorLimit)
                return -Abi.Errno.EBADF;
            _lock.Lock();
            OpenFile file = oldFd < (ulong)_files.Length ? _files[oldFd] : null;
            if (file == null)
            {
                _lock.Unlock();
                return -Abi.Errno.EBADF;
            }
            if (newFd >= (ulong)_files.Length)
                GrowLocked((int)newFd + 1);
            OpenFile old = _files[newFd];
            file.AddReference();
            _files[newFd] = file;
            _closeOnExec[newFd] = closeOnExec;
            _lock.Unlock();
            if (old != null)
                old.Release();
            return (int)newFd;
        }

        // F_GETFD: FD_CLOEXEC or 0; -EBADF when fd is not open.
        public int DescriptorFlags(ulong fd)
        {
            _lock.Lock();
            int result = fd >= (ulong)_files.Length || _files[fd] == null ? -Abi.Errno.EBADF
                : _closeOnExec[fd] ? Abi.FcntlCommands.FdCloexec : 0;
            _lock.Unlock();
            return result;
        }

        // F_SETFD: 0, or -EBADF when fd is not open.
        public int SetDescriptorFlags(ulong fd, bool closeOnExec)
        {
            _lock.Lock();
            bool open = fd < (ulong)_files.Length && _files[fd] != null;
            if (open)
                _closeOnExec[fd] = closeOnExec;
            _lock.Unlock();
            return open ? 0 : -Abi.Errno.EBADF;
        }

        // Put `file` at `fd` (for the console's 0, 1 and 2), with a reference of its own.
        public void Set(int fd, OpenFile file)
        {
            file.AddReference();
            _lock.Lock();
            OpenFile old = _files[fd];
            _files[fd] = file;
            _closeOnExec[fd] = false;
            _lock.Unlock();
            if (old != null)
                old.Release();
        }

        // Drop descriptor fd's reference; false when it was not open.
        public bool Close(ulong fd)
        {
            _lock.Lock();
            OpenFile file = fd < (ulong)_files.Length ? _files[fd] : null;
            if (file != null)
                _files[fd] = null;
            _lock.Unlock();
            if (file == null)
                return false;
            file.Release();
            return true;
        }

        // execve: close every descriptor with FD_CLOEXEC (the files released after the
        // lock, as Close does).
        public void CloseOnExec()
        {
            _lock.Lock();
            OpenFile[] closing = new OpenFile[_files.Length];
            for (int fd = 0; fd < _files.Length; fd++)
            {
                if (_files[fd] != null && _closeOnExec[fd])
                {
                    closing[fd] = _files[fd];
                    _files[fd] = null;
                }
            }
            _lock.Unlock();
            for (int fd = 0; fd < closing.Length; fd++)
                if (closing[fd] != null)
                    closing[fd].Release();
        }

        public void CloseAll()
        {
            _lock.Lock();
            OpenFile[] files = _files;
            _files = new OpenFile[16];
            _closeOnExec = new bool[16];
            _lock.Unlock();
            for (int fd = 0; fd < files.Length; fd++)
                if (files[fd] != null)
                    files[fd].Release();
        }

        // The same files as `parent`, one more reference each, and the same close-on-exec
        // flags (fork).
        public void CopyFrom(FileTable parent)
        {
            parent._lock.Lock();
            var files = new OpenFile[parent._files.Length];
            var flags = new bool[files.Length];
            for (int fd = 0; fd < files.Length; fd++)
            {
                files[fd] = parent._files[fd];
                flags[fd] = parent._closeOnExec[fd];
                if (files[fd] != null)
                    files[fd].AddReference();
            }
            parent._lock.Unlock();
            _lock.Lock();
            _files = files;
            _closeOnExec = flags;
            _lock.Unlock();
        }
    }
}
