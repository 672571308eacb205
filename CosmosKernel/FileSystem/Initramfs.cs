using CosmosKernel.Abi;
using CosmosKernel.Memory;

namespace CosmosKernel.FileSystem
{
    // The initramfs: a cpio archive in the "newc" format (Linux's
    // Documentation/driver-api/early-userspace/buffer-format.rst), loaded by GRUB as the
    // module named "initramfs" and unpacked into the tree at boot. Each entry is a
    // 110-byte header of "070701" and 13 eight-digit hex fields, its NUL-terminated
    // name, then its data, both padded to 4 bytes; "TRAILER!!!" ends it. Directories,
    // regular files and symbolic links are unpacked (a regular file keeps its bytes in
    // the module: nothing is copied until it is written); device nodes are skipped
    // (the kernel makes /dev itself).
    public static unsafe class Initramfs
    {
        private const int HeaderBytes = 110;
        private const int ModeField = 1, SizeField = 6, NameSizeField = 11;

        // Entries unpacked, or -1 when the archive is malformed (what came before the
        // fault stays in the tree).
        public static int Unpack(FileTree tree, byte* data, ulong length)
        {
            ulong at = 0;
            int unpacked = 0;
            while (at + HeaderBytes <= length)
            {
                byte* header = data + at;
                if (!IsMagic(header))
                    return -1;
                uint mode = Field(header, ModeField);
                ulong size = Field(header, SizeField);
                ulong nameSize = Field(header, NameSizeField);
                ulong nameAt = at + HeaderBytes;
                ulong dataAt = Align4(nameAt + nameSize);
                if (nameSize == 0 || nameSize > FileModes.PathMax || dataAt > length || size > length - dataAt)
                    return -1;
                string name = Name(data + nameAt, (int)nameSize - 1);
                if (name == "TRAILER!!!")
                    return unpacked;
                if (name != "." && name.Length > 0)
                {
                    if (!Place(tree, "/" + name, mode, data + dataAt, size))
                        return -1;
                    unpacked++;
                }
                at = Align4(dataAt + size);
            }
            return -1; // no trailer
        }

        private static bool Place(FileTree tree, string path, uint mode, byte* bytes, ulong size)
        {
            uint permissions = mode & FileModes.PermissionMask;
            switch (mode & FileModes.TypeMask)
            {
                case FileModes.Directory:
                    DirectoryNode directory = tree.MakeDirectories(path);
                    if (directory != null)
                        directory.Mode = FileModes.Directory | permissions;
                    return directory != null;
                case FileModes.Regular:
                    var file = new RamdiskFile(path, bytes, size);
                    return tree.Add(path, new FileNode(tree.Vmm, tree.Pages, permissions, file));
                case FileModes.Symlink:
                    return size > 0 && size < FileModes.PathMax && tree.Add(path, new SymlinkNode(Name(bytes, (int)size)));
                default:
                    return true; // devices, FIFOs, sockets: not unpacked
            }
        }

        private static bool IsMagic(byte* header)
            => header[0] == '0' && header[1] == '7' && header[2] == '0' && header[3] == '7' && header[4] == '0' && header[5] == '1';

        // Field i (0: c_ino ... 12: c_check): 8 hex digits after the 6-byte magic.
        private static uint Field(byte* header, int i)
        {
            uint value = 0;
            byte* digits = header + 6 + 8 * i;
            for (int d = 0; d < 8; d++)
            {
                byte c = digits[d];
                uint digit = c >= '0' && c <= '9' ? (uint)(c - '0') : c >= 'a' && c <= 'f' ? (uint)(c - 'a' + 10)
                    : c >= 'A' && c <= 'F' ? (uint)(c - 'A' + 10) : 0;
                value = value << 4 | digit;
            }
            return value;
        }

        private static ulong Align4(ulong offset) => (offset + 3) & ~3UL;

        private static string Name(byte* bytes, int length)
        {
            char* chars = stackalloc char[length > 0 ? length : 1];
            for (int i = 0; i < length; i++)
                chars[i] = (char)bytes[i];
            return new string(chars, 0, length);
        }
    }
}
