namespace CosmosKernel.Abi
{
    // Linux errno values (asm-generic/errno-base.h, errno.h): the kernel returns them
    // negated, as the syscall ABI does; the user runtime compares against them.
    public static class Errno
    {
        public const int EPERM = 1;
        public const int ENOENT = 2;
        public const int ESRCH = 3;
        public const int EINTR = 4;
        // Never seen by a program (Linux's include/linux/errno.h has it too): a wait that
        // a signal interrupted answers it, and the way back to ring 3 makes it EINTR, or
        // restarts the syscall when the handler has SA_RESTART or no handler runs
        // (Processes/SignalDelivery).
        public const int ERESTARTSYS = 512;
        public const int ENXIO = 6;
        public const int E2BIG = 7;
        public const int ENOEXEC = 8;
        public const int EBADF = 9;
        public const int ECHILD = 10;
        public const int EAGAIN = 11;
        public const int ENOMEM = 12;
        public const int EACCES = 13;
        public const int EFAULT = 14;
        public const int ENOTTY = 25;
        public const int EBUSY = 16;
        public const int EXDEV = 18;
        public const int ENOTDIR = 20;
        public const int EISDIR = 21;
        public const int EFBIG = 27;
        public const int ENOSPC = 28;
        public const int EMLINK = 31;
        public const int ERANGE = 34;
        public const int ENOTEMPTY = 39;
        public const int ELOOP = 40;
        public const int EEXIST = 17;
        public const int ENODEV = 19;
        public const int EINVAL = 22;
        public const int ENFILE = 23;
        public const int EMFILE = 24;
        public const int EPIPE = 32;
        public const int ENAMETOOLONG = 36;
        public const int ESPIPE = 29;
        public const int EROFS = 30;
        public const int EOVERFLOW = 75;
        public const int ENOSYS = 38;
        public const int EOPNOTSUPP = 95;
        public const int ETIMEDOUT = 110;
    }
}
