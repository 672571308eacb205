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
    public sealed class FileTable
    {
        public const int DescriptorLimit = 1024;

        private readonly FifoMutex _lock;
        private OpenFile[] _files = new OpenFile[16];

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
        public int Add(OpenFile file)
        {
            _lock.Lock();
            int fd = AddLocked(file);
            _lock.Unlock();
            return fd;
        }

        private int AddLocked(OpenFile file)
        {
            for (int fd = 0; fd < _files.Length; fd++)
            {
                if (_files[fd] == null)
                {
                    _files[fd] = file;
                    return fd;
                }
            }
            if (_files.Length == DescriptorLimit)
                return -Abi.Errno.EMFILE;
            int free = _files.Length;
            var bigger = new OpenFile[_files.Length * 2 < DescriptorLimit ? _files.Length * 2 : DescriptorLimit];
            for (int i = 0; i < _files.Length; i++)
                bigger[i] = _files[i];
            _files = bigger;
            _files[free] = file;
            return free;
        }

        // Put `file` at `fd` (for the console's 0, 1 and 2), with a reference of its own.
        public void Set(int fd, OpenFile file)
        {
            file.AddReference();
            _lock.Lock();
            OpenFile old = _files[fd];
            _files[fd] = file;
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

        public void CloseAll()
        {
            _lock.Lock();
            OpenFile[] files = _files;
            _files = new OpenFile[16];
            _lock.Unlock();
            for (int fd = 0; fd < files.Length; fd++)
                if (files[fd] != null)
                    files[fd].Release();
        }

        // The same files as `parent`, one more reference each (fork).
        public void CopyFrom(FileTable parent)
        {
            parent._lock.Lock();
            var files = new OpenFile[parent._files.Length];
            for (int fd = 0; fd < files.Length; fd++)
            {
                files[fd] = parent._files[fd];
                if (files[fd] != null)
                    files[fd].AddReference();
            }
            parent._lock.Unlock();
            _lock.Lock();
            _files = files;
            _lock.Unlock();
        }
    }
}
