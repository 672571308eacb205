namespace CosmosKernel.Abi
{
    // st_mode's file types and permission bits, getdents64's d_type, access(2)'s modes
    // and the *at calls' flags (Linux's include/uapi/linux/stat.h, fcntl.h), with the
    // limits on a path (PATH_MAX, counting its NUL) and on one name in it (NAME_MAX).
    public static class FileModes
    {
        public const uint TypeMask = 0xF000;                  // S_IFMT
        public const uint Fifo = 0x1000, CharDevice = 0x2000, Directory = 0x4000, Regular = 0x8000, Symlink = 0xA000;
        public const uint PermissionMask = 0xFFF;             // rwx for user, group, other, and suid/sgid/sticky
        public const uint AnyExecute = 0x49;                  // S_IXUSR | S_IXGRP | S_IXOTH

        // d_type is the type's bits shifted down (DT_FIFO 1, DT_CHR 2, DT_DIR 4, DT_REG 8, DT_LNK 10).
        public const int DirentTypeShift = 12;

        public const int PathMax = 4096;
        public const int NameMax = 255;
        public const int SymlinkHops = 40;                    // MAXSYMLINKS: ELOOP past it
        public const uint DefaultUmask = 0x12;                // 022
    }

    public static class AccessModes
    {
        public const int Exists = 0, Execute = 1, Write = 2, Read = 4; // F_OK, X_OK, W_OK, R_OK
    }

    public static class AtFlags
    {
        public const int SymlinkNoFollow = 0x100, RemoveDir = 0x200, EffectiveAccess = 0x200, SymlinkFollow = 0x400,
            NoAutomount = 0x800, EmptyPath = 0x1000;
        public const int RenameNoReplace = 1, RenameExchange = 2, RenameWhiteout = 4;
    }
}
