using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // The read-only files user space can open: the GRUB modules, as /modules/NAME (one
    // RamdiskFile per module, shared by every open and by the ELF loader, so its
    // page-load counter counts them all). There is no other file system yet.
    public sealed unsafe class Ramdisk
    {
        public const string Directory = "/modules/";

        private readonly Multiboot2.Module[] _modules;
        private readonly RamdiskFile[] _files; // made on first use; guarded by the kernel lock

        public Ramdisk(Multiboot2.Module[] modules)
        {
            _modules = modules;
            _files = new RamdiskFile[modules.Length];
        }

        // The modules, by name: the programs cosmos_spawn can start.
        public Multiboot2.Module[] Modules => _modules;

        // The module named `name`, or null.
        public RamdiskFile Find(string name)
        {
            for (int i = 0; i < _modules.Length; i++)
            {
                if (_modules[i].Name != name)
                    continue;
                if (_files[i] == null)
                    _files[i] = new RamdiskFile(name, (byte*)Multiboot2.PhysicalToVirtual(_modules[i].Start),
                        _modules[i].End - _modules[i].Start);
                return _files[i];
            }
            return null;
        }

        // The file at `path` (/modules/NAME), or null.
        public RamdiskFile Open(string path)
        {
            if (path.Length <= Directory.Length || path.Substring(0, Directory.Length) != Directory)
                return null;
            return Find(path.Substring(Directory.Length));
        }
    }
}
