using System.Runtime.InteropServices;

namespace CosmosKernel.Abi
{
    // struct stat as x86-64 Linux lays it out (arch/x86/include/uapi/asm/stat.h): what
    // stat, fstat, lstat and newfstatat write, 144 bytes.
    [StructLayout(LayoutKind.Sequential)]
    public struct Stat
    {
        public const int Bytes = 144;

        public ulong Device;
        public ulong Inode;
        public ulong Links;
        public uint Mode;
        public uint Uid;
        public uint Gid;
        public uint Pad0;
        public ulong SpecialDevice;   // st_rdev
        public long Size;
        public long BlockSize;
        public long Blocks;           // 512-byte units
        public long AccessSeconds, AccessNanoseconds;
        public long ModifySeconds, ModifyNanoseconds;
        public long ChangeSeconds, ChangeNanoseconds;
        public long Unused0, Unused1, Unused2;
    }

    // struct statx (include/uapi/linux/stat.h), 256 bytes: the fields at their offsets;
    // the mask bits say which the kernel filled in.
    public static class Statx
    {
        public const int Bytes = 256;
        public const int Mask = 0x00, BlockSize = 0x04, Attributes = 0x08, Links = 0x10, Uid = 0x14, Gid = 0x18, Mode = 0x1C,
            Inode = 0x20, Size = 0x28, Blocks = 0x30, AttributesMask = 0x38, AccessTime = 0x40, BirthTime = 0x50,
            ChangeTime = 0x60, ModifyTime = 0x70, RdevMajor = 0x80, RdevMinor = 0x84, DevMajor = 0x88, DevMinor = 0x8C;
        public const uint BasicStats = 0x7FF;     // STATX_BASIC_STATS: type, mode, nlink, uid, gid, times, ino, size, blocks
        public const uint ReservedMask = 0x80000000; // STATX__RESERVED: EINVAL
        public const int SyncTypeMask = 0x6000;   // AT_STATX_SYNC_TYPE: both bits is EINVAL
    }

    // struct linux_dirent64 (getdents64): d_ino, d_off, d_reclen, d_type, then the
    // NUL-terminated name, each record padded to 8 bytes.
    public static class Dirent
    {
        public const int Inode = 0, Offset = 8, RecordLength = 16, Type = 18, Name = 19;
    }
}
