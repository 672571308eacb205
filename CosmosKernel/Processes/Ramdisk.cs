using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // The read-only files user space can open: the GRUB modules, as /modules/NAME (one
    // RamdiskFile per module, shared by every open and by the ELF loader, so its
    // page-load counter counts them all). There is no other file system yet.
    public static unsafe class Ramdisk
    {
        public const string Directory = "/modules/";

        private static Multiboot2.Module[] s_modules = new Multiboot2.Module[0];
        private static RamdiskFile[] s_files = new RamdiskFile[0];

        public static void Initialize(Multiboot2.Module[] modules)
        {
            s_modules = modules;
            s_files = new RamdiskFile[modules.Length];
        }

        // The module named `name`, or null.
        public static RamdiskFile Find(string name)
        {
            for (int i = 0; i < s_modules.Length; i++)
            {
                if (s_modules[i].Name != name)
                    continue;
                if (s_files[i] == null)
                    s_files[i] = new RamdiskFile(name, (byte*)Multiboot2.PhysicalToVirtual(s_modules[i].Start),
                        s_modules[i].End - s_modules[i].Start);
                return s_files[i];
            }
            return null;
        }

        // The file at `path` (/modules/NAME), or null.
        public static RamdiskFile Open(string path)
        {
            if (path.Length <= Directory.Length || path.Substring(0, Directory.Length) != Directory)
                return null;
            return Find(path.Substring(Directory.Length));
        }
    }

    // An open ramdisk file: read() from a file offset; mmap() maps its RamdiskFile.
    public sealed unsafe class RamdiskFileHandle : OpenFile
    {
        public readonly RamdiskFile File;
        private ulong _offset;

        public RamdiskFileHandle(RamdiskFile file) => File = file;

        public override long Read(Process process, ulong buffer, ulong count)
        {
            if (_offset >= File.Length)
                return 0;
            ulong length = count < File.Length - _offset ? count : File.Length - _offset;
            ulong notCopied = Kernel.UserCopy.CopyToUser(process.Space, buffer, File.Data + _offset, length);
            ulong copied = length - notCopied;
            _offset += copied;
            return copied > 0 || length == 0 ? (long)copied : -Errno.EFAULT;
        }

        public override bool Writable => false; // opened read-only

        public override long Write(Process process, ulong buffer, ulong count) => -Errno.EBADF;
    }
}
