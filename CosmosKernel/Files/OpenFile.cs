namespace CosmosKernel.Files
{
    // What a file descriptor refers to. Reference-counted: fork shares open files,
    // close drops a reference. Read and write move bytes between user memory and the
    // file only through the user-copy routines (the strategy chosen at boot).
    // Guarded by the kernel lock (Scheduling/KernelLock.cs).
    public abstract unsafe class OpenFile
    {
        public int References = 1;

        // Open file descriptions in the whole kernel (Processes/Limits.OpenFiles bounds
        // them). Guarded by the kernel lock.
        public static int Count;

        protected OpenFile() => Count++;

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
            if (--References == 0)
            {
                Count--;
                Closed();
            }
        }
    }
}
