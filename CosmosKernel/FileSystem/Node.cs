using CosmosKernel.Abi;
using CosmosKernel.Files;

namespace CosmosKernel.FileSystem
{
    // A file in the tree (an inode): a directory, a regular file, a symbolic link, a
    // device, or a file whose bytes are made when it is opened (/proc). It has no name
    // of its own: names are directory entries, so one node may have several (hard
    // links) or none (unlinked but still open: it lives while a handle refers to it,
    // the garbage collector ends it after).
    //
    // Mode and Links are guarded by the tree's lock (FileTree); a regular file's bytes
    // by its own (FileNode). Times are written without a lock (whole 64-bit words).
    public abstract class Node : IStatusSource
    {
        private static long s_nextInode;

        public readonly ulong Inode;
        public uint Mode;      // type and permission bits; the type never changes
        public int Links;      // directory entries naming it (a directory: 2 + its subdirectories)
        public ulong AccessTime, ModifyTime, ChangeTime;
        // On a read-only part of the tree (the GRUB modules, /modules and /slow, as a
        // read-only mount): anything that would change it or its entries is EROFS.
        // Set before the node is placed; never changes.
        public bool ReadOnly;
        // Where Linux would have a mount (/modules, /slow, /dev, /proc): it cannot be
        // renamed, replaced or removed (EBUSY). Set at boot; never changes.
        public bool MountPoint;

        protected Node(uint mode)
        {
            Inode = (ulong)System.Threading.Interlocked.Increment(ref s_nextInode);
            Mode = mode;
            ulong now = Platform.Clock.NowNanoseconds();
            AccessTime = ModifyTime = ChangeTime = now;
        }

        public uint Type => Mode & FileModes.TypeMask;
        public bool IsDirectory => Type == FileModes.Directory;

        public virtual ulong Size => 0;

        // st_rdev: a device node's number, 0 for the others.
        public virtual ulong SpecialDevice => 0;

        // One directory entry naming it is gone (the tree's lock is held).
        public void DropLink()
        {
            if (--Links == 0)
                LastNameGone();
        }

        // No name is left: a regular file lets go of its name's hold (FileNode).
        protected virtual void LastNameGone() { }

        public void Touch() => ModifyTime = ChangeTime = Platform.Clock.NowNanoseconds();

        public void Describe(ref FileStatus status)
        {
            status.Device = FileStatus.TreeDevice;
            status.Inode = Inode;
            status.Links = (ulong)Links;
            status.Mode = Mode;
            status.SpecialDevice = SpecialDevice;
            status.Size = Size;
            status.AccessTime = AccessTime;
            status.ModifyTime = ModifyTime;
            status.ChangeTime = ChangeTime;
        }
    }
}
