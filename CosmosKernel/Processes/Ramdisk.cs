using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // The read-only files user space can open: the GRUB modules, as /modules/NAME (one
    // RamdiskFile per module, shared by every open and by the ELF loader, so its
    // page-load counter counts them all), and the same modules behind a slow backing
    // store as /slow/NAME (files of the tree: AddTo): the same bytes, but a page of a mapping takes
    // SlowLoadMilliseconds to load (RamdiskFile.LoadLatencyMilliseconds: it models a
    // disk; race-lab scenario 9 shows what a slow page-in holds up). Made at boot;
    // never changes after.
    public sealed unsafe class Ramdisk
    {
        public const string Directory = "/modules/";
        public const string SlowDirectory = "/slow/";
        public const int SlowLoadMilliseconds = 10;

        private readonly Multiboot2.Module[] _modules;
        private readonly RamdiskFile[] _files;     // one per module
        private readonly RamdiskFile[] _slowFiles; // the same, behind the slow store

        public Ramdisk(Multiboot2.Module[] modules)
        {
            _modules = modules;
            _files = new RamdiskFile[modules.Length];
            _slowFiles = new RamdiskFile[modules.Length];
            for (int i = 0; i < modules.Length; i++)
            {
                byte* data = (byte*)Multiboot2.PhysicalToVirtual(modules[i].Start);
                ulong length = modules[i].End - modules[i].Start;
                _files[i] = new RamdiskFile(modules[i].Name, data, length);
                _slowFiles[i] = new RamdiskFile(modules[i].Name, data, length, SlowLoadMilliseconds);
            }
        }

        // The modules, by name: the programs cosmos_spawn can start.
        public Multiboot2.Module[] Modules => _modules;

        // The module named `name`, or null.
        public RamdiskFile Find(string name) => Find(name, _files);

        private RamdiskFile Find(string name, RamdiskFile[] files)
        {
            for (int i = 0; i < _modules.Length; i++)
                if (_modules[i].Name == name)
                    return files[i];
            return null;
        }

        // The modules as read-only files of the tree: /modules/NAME, and /slow/NAME behind
        // the slow store. A file's bytes are the module's, mapped through its
        // RamdiskFile (so the page-load counters count every mapping).
        public void AddTo(FileSystem.FileTree tree)
        {
            FileSystem.DirectoryNode modules = tree.MakeDirectories(Directory);
            FileSystem.DirectoryNode slow = tree.MakeDirectories(SlowDirectory);
            for (int i = 0; i < _modules.Length; i++)
            {
                tree.Add(Directory + _modules[i].Name, new FileSystem.FileNode(tree.Vmm, tree.Pages, 0x16D, _files[i]) { ReadOnly = true });       // r-xr-xr-x
                tree.Add(SlowDirectory + _modules[i].Name, new FileSystem.FileNode(tree.Vmm, tree.Pages, 0x16D, _slowFiles[i]) { ReadOnly = true });
            }
            modules.ReadOnly = modules.MountPoint = true; // as a read-only mount: EROFS, EBUSY
            slow.ReadOnly = slow.MountPoint = true;
            // Each program as a command in /bin, unless the initramfs has that name
            // (busybox's init and tty keep theirs: the modules stay in /modules).
            for (int i = 0; i < _modules.Length; i++)
                if (_modules[i].Name != "font" && _modules[i].Name != "initramfs")
                    tree.AddIfMissing("/bin/" + _modules[i].Name, new FileSystem.SymlinkNode(Directory + _modules[i].Name));
        }
    }
}
