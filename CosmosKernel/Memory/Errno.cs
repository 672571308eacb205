namespace CosmosKernel.Memory
{
    // Linux errno values the VMM returns (negated, as the syscall ABI does).
    public static class Errno
    {
        public const int EPERM = 1;
        public const int ENOENT = 2;
        public const int ESRCH = 3;
        public const int EINTR = 4;
        public const int EBADF = 9;
        public const int ECHILD = 10;
        public const int EAGAIN = 11;
        public const int ENOMEM = 12;
        public const int EACCES = 13;
        public const int EFAULT = 14;
        public const int EEXIST = 17;
        public const int ENODEV = 19;
        public const int EINVAL = 22;
        public const int ENFILE = 23;
        public const int EMFILE = 24;
        public const int EPIPE = 32;
        public const int ENAMETOOLONG = 36;
        public const int EROFS = 30;
        public const int EOVERFLOW = 75;
        public const int ENOSYS = 38;
        public const int EOPNOTSUPP = 95;
        public const int ETIMEDOUT = 110;
    }

    // mmap / mprotect protection bits and mmap flags (Linux values).
    public static class Prot
    {
        public const int None = 0;
        public const int Read = 1;
        public const int Write = 2;
        public const int Exec = 4;
        public const int All = Read | Write | Exec;
        // Accepted by mprotect and ignored on x86 (Linux's arch_validate_prot).
        public const int Sem = 0x8;
        // mprotect only: extend the change to the start (end) of a region that grows down (up).
        public const int GrowsDown = 0x01000000;
        public const int GrowsUp = 0x02000000;
    }

    public static class MapFlags
    {
        public const int Shared = 0x01;
        public const int Private = 0x02;
        public const int SharedValidate = 0x03;
        public const int TypeMask = 0x03;
        public const int Fixed = 0x10;
        public const int Anonymous = 0x20;
        public const int FixedNoReplace = 0x100000;
        public const int Known = TypeMask | Fixed | Anonymous | FixedNoReplace;
    }

    // What a memory access wants.
    public enum Access
    {
        Read,
        Write,
        Execute,
    }
}
