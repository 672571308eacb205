using CosmosKernel.Files;

using CosmosKernel.Abi;

namespace CosmosKernel.Processes
{
    // A process's open files by descriptor: an array that doubles as descriptors are
    // used, up to DescriptorLimit (Linux's default RLIMIT_NOFILE: EMFILE beyond). Each
    // entry holds one reference on its OpenFile (fork shares them). Guarded by the
    // kernel lock, like Process.
    public sealed class FileTable
    {
        public const int DescriptorLimit = 1024;

        private OpenFile[] _files = new OpenFile[16];

        // The file at `fd`, or null.
        public OpenFile Get(ulong fd) => fd < (ulong)_files.Length ? _files[fd] : null;

        // The lowest free descriptor for `file` (the table's reference is the caller's),
        // or -EMFILE.
        public int Add(OpenFile file)
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

        // Put `file` at `fd` (for the console's 0, 1 and 2).
        public void Set(int fd, OpenFile file) => _files[fd] = file;

        // Drop descriptor fd's reference; false when it was not open.
        public bool Close(ulong fd)
        {
            OpenFile file = Get(fd);
            if (file == null)
                return false;
            _files[fd] = null;
            file.Release();
            return true;
        }

        public void CloseAll()
        {
            for (ulong fd = 0; fd < (ulong)_files.Length; fd++)
                Close(fd);
        }

        // The same files as `parent`, one more reference each (fork).
        public void CopyFrom(FileTable parent)
        {
            _files = new OpenFile[parent._files.Length];
            for (int fd = 0; fd < _files.Length; fd++)
            {
                _files[fd] = parent._files[fd];
                if (_files[fd] != null)
                    _files[fd].References++;
            }
        }
    }
}
