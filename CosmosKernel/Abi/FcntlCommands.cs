namespace CosmosKernel.Abi
{
    // fcntl(2) commands and the descriptor flag (Linux's asm-generic/fcntl.h and
    // linux/fcntl.h): the ones the kernel answers, and F_SETPIPE_SZ, which it refuses.
    public static class FcntlCommands
    {
        public const int DupFd = 0, GetFd = 1, SetFd = 2, GetFl = 3, SetFl = 4;
        public const int DupFdCloexec = 1030;     // F_LINUX_SPECIFIC_BASE + 6
        public const int SetPipeSize = 1031, GetPipeSize = 1032;
        // FD_CLOEXEC: F_GETFD's and F_SETFD's one flag, per descriptor.
        public const int FdCloexec = 1;
    }
}
