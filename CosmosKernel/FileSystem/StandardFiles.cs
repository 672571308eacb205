using CosmosKernel.Files;

namespace CosmosKernel.FileSystem
{
    // What the kernel puts in the tree itself at boot, after the initramfs: /dev's
    // devices, /proc's files, and /tmp (rwxrwxrwt, as every Linux system has it).
    public static class StandardFiles
    {
        public static void AddTo(FileTree tree, ICharacterDevice console, Memory.UserCopy.UserCopier copier,
            Memory.Vmm vmm, Scheduling.Scheduler scheduler)
        {
            tree.Add("/dev/null", new DeviceNode(new NullDevice(), 1, 3, 0x1B6));        // crw-rw-rw-
            tree.Add("/dev/zero", new DeviceNode(new ZeroDevice(copier), 1, 5, 0x1B6));
            tree.Add("/dev/tty", new DeviceNode(console, 5, 0, 0x1B6));
            tree.Add("/dev/console", new DeviceNode(console, 5, 1, 0x180));                // crw-------
            tree.Add("/proc/meminfo", new MeminfoFile(vmm));
            tree.Add("/proc/cpuinfo", new CpuinfoFile(scheduler));
            tree.Add("/proc/self/maps", new MapsFile());
            // /dev and /proc are read-only here (Linux's devtmpfs is writable; its nodes
            // cannot leave it either way), and, as mounts on Linux, cannot be renamed or
            // removed.
            SealDirectory(tree.MakeDirectories("/dev"));
            SealDirectory(tree.MakeDirectories("/proc"));
            SealDirectory(tree.MakeDirectories("/proc/self"));
            DirectoryNode temporary = tree.MakeDirectories("/tmp");
            if (temporary != null)
                temporary.Mode = Abi.FileModes.Directory | 0x3FF; // 01777
        }

        // Made at boot, before any program runs: no lock is needed yet.
        private static void SealDirectory(DirectoryNode directory)
        {
            if (directory == null)
                return;
            directory.ReadOnly = true;
            directory.MountPoint = true;
        }
    }
}
