namespace CosmosKernel.Abi
{
    // open(2) / pipe2(2) flags and the *at calls' "current directory" descriptor
    // (Linux x86-64's asm-generic/fcntl.h).
    public static class OpenFlags
    {
        public const ulong AccessModeMask = 3; // O_RDONLY 0, O_WRONLY 1, O_RDWR 2
        public const ulong Create = 0x40;
        public const ulong Truncate = 0x200;
        public const ulong Nonblock = 0x800;
        public const ulong Cloexec = 0x80000;
        public const long AtFdCwd = -100;
    }
}
