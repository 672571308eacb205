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

        public int References => System.Threading.Volatile.Read(ref _references);

        public void AddReference() => System.Threading.Interlocked.Increment(ref _references);

        // Whether it was opened for reading, for writing: read and write answer EBADF
        // otherwise, before they look at the buffer (Linux's FMODE_READ, FMODE_WRITE).
        public virtual bool Readable => true;
        public virtual bool Writable => true;

        // Bytes read or written, or -errno. The caller has checked the mode and that the
        // whole buffer lies in user space.
        public abstract long Read(IFileUser user, ulong buffer, ulong count);
        public abstract long Write(IFileUser user, ulong buffer, ulong count);
        protected virtual void Closed() { }

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
