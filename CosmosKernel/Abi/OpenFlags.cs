namespace CosmosKernel.Abi
{
    // open(2) / openat(2) / pipe2(2) / fcntl(F_GETFL, F_SETFL) flags and the *at calls' "current
    // directory" descriptor (Linux x86-64's asm-generic/fcntl.h).
    public static class OpenFlags
    {
        public const ulong AccessModeMask = 3; // O_RDONLY 0, O_WRONLY 1, O_RDWR 2
        public const ulong Create = 0x40;
        public const ulong Exclusive = 0x80;
        public const ulong NoControllingTty = 0x100;
        public const ulong Truncate = 0x200;
        public const ulong Append = 0x400;
        public const ulong Nonblock = 0x800;
        public const ulong Direct = 0x4000;
        // Set on every file open(2) opens on a 64-bit kernel (Linux's force_o_largefile):
        // F_GETFL shows it; pipes do not have it.
        public const ulong Largefile = 0x8000;
        public const ulong Directory = 0x10000;
        public const ulong NoFollow = 0x20000;
        public const ulong Cloexec = 0x80000;
        public const ulong Path = 0x200000;
        public const ulong TmpFile = 0x410000; // with O_DIRECTORY's bit, as Linux defines it
        public const long AtFdCwd = -100;
    }
}
