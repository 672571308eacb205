namespace CosmosKernel.Files
{
    // What stat(2) reports of a file: every kind of open file (and every node of the
    // file tree) fills one in; the stat family's syscalls lay it out as struct stat or
    // struct statx. Times are nanoseconds since boot (Platform.Clock).
    public struct FileStatus
    {
        public ulong Device;        // which file system: FileStatus.TreeDevice, PipeDevice...
        public ulong Inode;
        public ulong Links;
        public uint Mode;           // type and permission bits (Abi.FileModes)
        public ulong SpecialDevice; // a device node's major:minor (Linux's new encoding)
        public ulong Size;
        public ulong AccessTime, ModifyTime, ChangeTime;

        // st_dev of the tree's files and of pipes (Linux's are anonymous devices too).
        public const ulong TreeDevice = 0x10, PipeDevice = 0x0D;

        // Linux's dev_t encoding (new_encode_dev) for small numbers: major << 8 | minor.
        public static ulong DeviceNumber(uint major, uint minor) => ((ulong)major << 8) | minor;
    }
}

namespace CosmosKernel.Files
{
    // What can say its FileStatus: a node of the file tree, which an open file made
    // from it reports (OpenFile.Origin).
    public interface IStatusSource
    {
        void Describe(ref FileStatus status);
    }
}
