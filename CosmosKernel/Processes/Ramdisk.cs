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
        private readonly RamdiskFile[] _files; // one per module, made at boot: never changes after

        public Ramdisk(Multiboot2.Module[] modules)
        {
            _modules = modules;
            _files = new RamdiskFile[modules.Length];
            for (int i = 0; i < modules.Length; i++)
                _files[i] = new RamdiskFile(modules[i].Name, (byte*)Multiboot2.PhysicalToVirtual(modules[i].Start),
                    modules[i].End - modules[i].Start);
        }

        // The modules, by name: the programs cosmos_spawn can start.
        public Multiboot2.Module[] Modules => _modules;

        // The module named `name`, or null.
        public RamdiskFile Find(string name)
        {
            for (int i = 0; i < _modules.Length; i++)
                if (_modules[i].Name == name)
                    return _files[i];
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
