using CosmosKernel.Abi;

namespace CosmosKernel.Files
{
    // What a file descriptor refers to. Reference-counted, atomically: fork shares open
    // files, a descriptor holds one reference, a read or write in progress holds one
    // (FileTable.Take), close drops one; the last closes the file. Read and write move
    // bytes between user memory and the file only through the user-copy routines (the
    // strategy chosen at boot), and may run on several CPUs at once: each kind of file
    // says what guards its own state.
    public abstract unsafe class OpenFile
    {
        private int _references = 1; // the creator's

        // Open file descriptions in the whole kernel (Processes/Limits.OpenFiles bounds
        // them). Atomic.
        private static int s_count;
        public static int Count => System.Threading.Volatile.Read(ref s_count);

        protected OpenFile() => System.Threading.Interlocked.Increment(ref s_count);

        // What an open file (or a node of the file tree) takes from the kernel heap,
        // roughly: the heap admission check's size (Processes/Limits.FileBytes).
        public const ulong HeapBytes = 512;

        public int References => System.Threading.Volatile.Read(ref _references);

        public void AddReference() => System.Threading.Interlocked.Increment(ref _references);

        // Whether it was opened for reading, for writing: read and write answer EBADF
        // otherwise, before they look at the buffer (Linux's FMODE_READ, FMODE_WRITE).
        public virtual bool Readable => true;
        // An O_PATH descriptor (FileSystem/PathHandle): only the calls that take a
        // descriptor as a name get it (Process.TakeDescriptor); the rest see EBADF.
        public virtual bool PathOnly => false;
        public virtual bool Writable => true;

        // Bytes read or written, or -errno. The caller has checked the mode and that the
        // whole buffer lies in user space.
        public abstract long Read(IFileUser user, ulong buffer, ulong count);
        public abstract long Write(IFileUser user, ulong buffer, ulong count);
        protected virtual void Closed() { }

        // readv and writev: the segments (checked: in user space, lengths cut to
        // MAX_RW_COUNT in all) in turn, until one moves less than its length or fails
        // (an error after some bytes moved: the bytes). A pipe moves them under one hold
        // of its side, so another writer cannot come between them.
        public virtual long ReadVector(IFileUser user, Iovec* segments, int count) => EachSegment(user, segments, count, write: false);
        public virtual long WriteVector(IFileUser user, Iovec* segments, int count) => EachSegment(user, segments, count, write: true);

        private long EachSegment(IFileUser user, Iovec* segments, int count, bool write)
        {
            long done = 0;
            for (int i = 0; i < count; i++)
            {
                ulong length = segments[i].Length;
                if (length == 0)
                    continue;
                long moved = write ? Write(user, segments[i].Base, length) : Read(user, segments[i].Base, length);
                if (moved < 0)
                    return done > 0 ? done : moved;
                done += moved;
                if ((ulong)moved < length)
                    break;
            }
            return done;
        }

        // pread64 and pwrite64: at `offset`, leaving the file offset alone; ESPIPE for a
        // file without offsets (pipes, the console: Linux's missing FMODE_PREAD).
        public virtual bool Positional => false;
        public virtual long ReadAt(IFileUser user, ulong buffer, ulong count, long offset) => -Errno.ESPIPE;
        public virtual long WriteAt(IFileUser user, ulong buffer, ulong count, long offset) => -Errno.ESPIPE;

        // lseek: the new offset or -errno; ESPIPE for a file without one.
        public virtual long Seek(long offset, int whence) => -Errno.ESPIPE;

        // fstat: the node of the file tree it was opened from (set once, before a
        // descriptor refers to it), or what the kind of file says of itself (a pipe, a
        // new program's console).
        public IStatusSource Origin;

        public virtual void Describe(ref FileStatus status)
        {
            if (Origin != null)
                Origin.Describe(ref status);
        }

        // poll: what could be done now without waiting (Abi.PollEvents). A file that
        // never waits is always ready both ways (Linux's DEFAULT_POLLMASK).
        public virtual int Poll() => PollEvents.In | PollEvents.ReadNormal | PollEvents.Out | PollEvents.WriteNormal;

        // ioctl: only a terminal has any (ENOTTY, as Linux answers a file that is none).
        public virtual long Ioctl(IFileUser user, uint command, ulong argument) => -Errno.ENOTTY;

        // The status flags F_GETFL reports and F_SETFL changes: of the open file, so
        // shared by every descriptor dup or fork made of it (Linux's f_flags). Only
        // O_NONBLOCK and O_APPEND can change; OpenedFlags are the ones open(2) fixed.
        private int _statusFlags;
        public const ulong SettableFlags = OpenFlags.Nonblock | OpenFlags.Append;
        protected virtual ulong OpenedFlags => 0;

        public ulong StatusFlags
        {
            get
            {
                ulong access = Readable && Writable ? 2UL : Writable ? 1UL : 0UL; // O_RDWR, O_WRONLY, O_RDONLY
                return access | OpenedFlags | (uint)System.Threading.Volatile.Read(ref _statusFlags);
            }
        }

        // F_SETFL: the settable bits of `flags`; the rest are ignored, as on Linux.
        public void SetStatusFlags(ulong flags) => System.Threading.Volatile.Write(ref _statusFlags, (int)(flags & SettableFlags));

        public bool Nonblocking => (System.Threading.Volatile.Read(ref _statusFlags) & (int)OpenFlags.Nonblock) != 0;

        public void Release()
        {
            if (System.Threading.Interlocked.Decrement(ref _references) == 0)
            {
                System.Threading.Interlocked.Decrement(ref s_count);
                Closed();
            }
        }
    }
}
