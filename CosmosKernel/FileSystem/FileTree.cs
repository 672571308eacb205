using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.FileSystem
{
    // The file tree: one in-memory file system (Linux's tmpfs) at "/", filled at boot
    // from the initramfs and the GRUB modules (Boot: Initramfs), with /dev's devices
    // and /proc's generated files placed in it. Paths are walked here, with Linux's
    // rules: "." and "..", any number of slashes, a trailing slash only after a
    // directory (ENOTDIR), symbolic links followed up to 40 hops (ELOOP), a name of
    // at most 255 bytes (ENAMETOOLONG). Every process is root: no permission check
    // fails but execute (as Linux's CAP_DAC_OVERRIDE).
    //
    // Lock: _lock (a FIFO mutex) guards every directory's entries, Parent and Name,
    // and every node's Links and Mode: walks, and the calls that change names
    // (mkdir, unlink, rename...), hold it from the first name looked at to the last
    // name changed, so a rename is atomic to every walk. Under it nothing else is
    // taken (no user copy: getdents64 lists into a kernel buffer first). Order: after
    // the file table's and an open file's position lock (docs/architecture.md).
    public sealed unsafe class FileTree
    {
        public readonly DirectoryNode Root;
        private readonly Threading.FifoMutex _lock;
        private readonly Threading.IThreadBackend _threads;
        private readonly UserCopier _copier;
        private readonly Memory.Vmm _vmm;

        public FileTree(Memory.Vmm vmm, UserCopier copier)
        {
            _vmm = vmm;
            _threads = vmm.Threads;
            _copier = copier;
            _lock = new Threading.FifoMutex(_threads, 4, "file tree");
            Pages = new Memory.PageBudget((long)(vmm.Frames.FreeFrames / 2));
            Root = new DirectoryNode(0x1ED, null, ""); // drwxr-xr-x
        }

        public Threading.IThreadBackend Threads => _threads;
        public Memory.Vmm Vmm => _vmm;

        // What all files' pages count against: half of the frames there were at boot,
        // as Linux's tmpfs default; a write past it is ENOSPC.
        public readonly Memory.PageBudget Pages;

        // ---- walking paths (under _lock) ----------------------------------------

        // The node `path` names, from `start` (the root for an absolute path). A last
        // symbolic link is followed when `followLast`, or when a slash follows it.
        private long WalkLocked(DirectoryNode start, string path, bool followLast, ref int hops, out Node node)
        {
            node = null;
            if (path.Length == 0)
                return -Errno.ENOENT;
            Node current = path[0] == '/' ? Root : start;
            int i = 0;
            while (true)
            {
                while (i < path.Length && path[i] == '/')
                    i++;
                if (i == path.Length)
                {
                    node = current;
                    return 0;
                }
                int end = i;
                while (end < path.Length && path[end] != '/')
                    end++;
                if (end - i > FileModes.NameMax)
                    return -Errno.ENAMETOOLONG;
                var directory = current as DirectoryNode;
                if (directory == null)
                    return -Errno.ENOTDIR;
                Node next = ChildLocked(directory, path.Substring(i, end - i));
                if (next == null)
                    return -Errno.ENOENT;
                int after = end;
                while (after < path.Length && path[after] == '/')
                    after++;
                bool last = after == path.Length, trailingSlash = end < path.Length;
                if (next is SymlinkNode link && (!last || followLast || trailingSlash))
                {
                    if (++hops > FileModes.SymlinkHops)
                        return -Errno.ELOOP;
                    long error = WalkLocked(directory, link.Target, true, ref hops, out next);
                    if (error != 0)
                        return error;
                }
                if (last && trailingSlash && !next.IsDirectory)
                    return -Errno.ENOTDIR;
                current = next;
                i = end;
            }
        }

        // "." is the directory itself, ".." its parent (the root's is the root); a
        // removed directory has neither a parent nor entries.
        private static Node ChildLocked(DirectoryNode directory, string name)
        {
            if (name == ".")
                return directory;
            if (name == "..")
                return directory.Parent;
            return directory.Find(name);
        }

        // The directory that would hold `path`'s last name, and that name ("" for the
        // root itself; "." and ".." as they are: each call says what they mean to it).
        private long ParentLocked(DirectoryNode start, string path, out DirectoryNode parent, out string name, out bool trailingSlash)
        {
            parent = null;
            name = null;
            trailingSlash = false;
            if (path.Length == 0)
                return -Errno.ENOENT;
            int end = path.Length;
            while (end > 0 && path[end - 1] == '/')
                end--;
            trailingSlash = end < path.Length;
            if (end == 0)
            {
                parent = Root;
                name = "";
                return 0;
            }
            int slash = end - 1;
            while (slash >= 0 && path[slash] != '/')
                slash--;
            if (end - slash - 1 > FileModes.NameMax)
                return -Errno.ENAMETOOLONG;
            name = path.Substring(slash + 1, end - slash - 1);
            Node node = start;
            if (slash >= 0)
            {
                int hops = 0;
                long error = WalkLocked(start, slash == 0 ? "/" : path.Substring(0, slash), true, ref hops, out node);
                if (error != 0)
                    return error;
            }
            parent = node as DirectoryNode;
            return parent == null ? -Errno.ENOTDIR : 0;
        }

        private static bool IsDots(string name) => name == "." || name == ".." || name.Length == 0;

        // The node at `path` (stat, chdir, execve, access...): 0 or -errno.
        public long Lookup(DirectoryNode start, string path, bool follow, out Node node)
        {
            _lock.Lock();
            int hops = 0;
            long result = WalkLocked(start, path, follow, ref hops, out node);
            _lock.Unlock();
            return result;
        }

        // The regular file at `path`, held (FileNode.Hold; the caller unholds it): what
        // an exec loads. 0, or -errno (EACCES: not a regular file).
        public long LookupFile(DirectoryNode start, string path, bool follow, out FileNode file)
        {
            _lock.Lock();
            int hops = 0;
            long result = WalkLocked(start, path, follow, ref hops, out Node node);
            file = result == 0 ? node as FileNode : null;
            if (result == 0 && node is SymlinkNode)
                result = -Errno.ELOOP;
            else if (result == 0 && file == null)
                result = -Errno.EACCES;
            file?.Hold();
            _lock.Unlock();
            return result;
        }

        // ---- open ---------------------------------------------------------------

        // open(2)'s walk and creation: the node `path` names, made first (a regular file
        // with `permissions`, the umask already applied) under O_CREAT. Then the checks
        // Linux makes on what it found, and the open file. 0 and the file, or -errno.
        public long Open(DirectoryNode start, string path, ulong flags, uint permissions, IFileUser user, out OpenFile file)
        {
            file = null;
            if ((flags & OpenFlags.TmpFile) == OpenFlags.TmpFile)
                return OpenTemporary(start, path, flags, permissions, out file);
            if ((flags & OpenFlags.Path) != 0)
                return OpenPath(start, path, flags, out file);
            bool create = (flags & OpenFlags.Create) != 0;
            bool exclusive = create && (flags & OpenFlags.Exclusive) != 0;
            _lock.Lock();
            int hops = 0;
            long result = WalkLocked(start, path, !exclusive && (flags & OpenFlags.NoFollow) == 0, ref hops, out Node node);
            if (result == -Errno.ENOENT && create)
                result = CreateFileLocked(start, path, permissions, exclusive, out node);
            else if (result == 0 && exclusive)
                result = -Errno.EEXIST;
            // A regular file is held from here (under _lock, where its name is sure to
            // be there still): its open file takes the hold over, or it goes again.
            var regular = result == 0 ? node as FileNode : null;
            regular?.Hold();
            DirectoryNode openedIn = null;
            string openedAs = null;
            if (regular != null && (ParentLocked(start, path, out openedIn, out openedAs, out _) != 0 || openedIn.Find(openedAs) != regular))
                openedIn = null; // reached through a symbolic link: no name to show
            _lock.Unlock();
            if (result != 0)
                return result;
            result = OpenNode(node, flags, user, out file);
            if (result == 0 && file is FileHandle handle && handle.Node == regular && openedIn != null)
            {
                handle.OpenedIn = openedIn;
                handle.OpenedAs = openedAs;
            }
            if (result != 0)
                regular?.Unhold();
            return result;
        }

        private long CreateFileLocked(DirectoryNode start, string path, uint permissions, bool exclusive, out Node node)
        {
            node = null;
            long result = ParentLocked(start, path, out DirectoryNode parent, out string name, out bool trailingSlash);
            if (result != 0)
                return result;
            if (trailingSlash || IsDots(name))
                return -Errno.EISDIR;
            if (parent.Removed)
                return -Errno.ENOENT;
            if (parent.Find(name) != null)
                return exclusive ? -Errno.EEXIST : -Errno.ENOENT; // a dangling link: not followed to make its target (not done)
            if (parent.ReadOnly)
                return -Errno.EROFS;
            if (!Platform.KernelHeap.HasRoom(OpenFile.HeapBytes))
                return -Errno.ENOSPC;
            node = new FileNode(_vmm, Pages, permissions);
            parent.Add(name, node);
            return 0;
        }

        // O_PATH: a descriptor naming the node `path` leads to, a symbolic link itself
        // under O_NOFOLLOW; O_DIRECTORY still asks for a directory (ENOTDIR). Every other
        // flag is ignored, as Linux's (O_CREAT makes nothing).
        private long OpenPath(DirectoryNode start, string path, ulong flags, out OpenFile file)
        {
            file = null;
            _lock.Lock();
            int hops = 0;
            long result = WalkLocked(start, path, (flags & OpenFlags.NoFollow) == 0, ref hops, out Node node);
            _lock.Unlock();
            if (result == 0 && (flags & OpenFlags.Directory) != 0 && !node.IsDirectory)
                result = -Errno.ENOTDIR;
            if (result == 0 && !Platform.KernelHeap.HasRoom(OpenFile.HeapBytes))
                result = -Errno.ENOMEM;
            if (result == 0)
                file = new PathHandle(node);
            return result;
        }

        // O_TMPFILE: an unnamed regular file in the directory `path` names, open for
        // writing (O_WRONLY or O_RDWR; O_CREAT with it is EINVAL, as Linux's). Its one
        // hold is the open file's, so it goes with the last descriptor, unless
        // linkat(fd, "", dir, name, AT_EMPTY_PATH) names it first, which O_EXCL forbids
        // (Linux's I_LINKABLE: LinkNode).
        private long OpenTemporary(DirectoryNode start, string path, ulong flags, uint permissions, out OpenFile file)
        {
            file = null;
            ulong access = flags & OpenFlags.AccessModeMask;
            if ((access != 1 && access != 2) || (flags & OpenFlags.Create) != 0)
                return -Errno.EINVAL;
            _lock.Lock();
            int hops = 0;
            long result = WalkLocked(start, path, true, ref hops, out Node node);
            var directory = node as DirectoryNode;
            if (result == 0)
                result = directory == null ? -Errno.ENOTDIR
                    : directory.Removed ? -Errno.ENOENT
                    : directory.ReadOnly ? -Errno.EROFS
                    : !Platform.KernelHeap.HasRoom(OpenFile.HeapBytes) ? -Errno.ENOSPC
                    : 0;
            FileNode made = null;
            if (result == 0)
            {
                made = new FileNode(_vmm, Pages, permissions) { Links = 0, Linkable = (flags & OpenFlags.Exclusive) == 0 };
            }
            _lock.Unlock();
            if (result != 0)
                return result;
            file = new FileHandle(made, _copier, _threads, access == 2, true);
            file.SetStatusFlags(flags & ~OpenFlags.TmpFile);
            return 0;
        }

        // What Linux's may_open and do_open check of the node found, then its open file
        // (the caller checked the open-file limit: ENFILE).
        private long OpenNode(Node node, ulong flags, IFileUser user, out OpenFile file)
        {
            file = null;
            ulong access = flags & OpenFlags.AccessModeMask;
            bool readable = access == 0 || access == 2, writable = access == 1 || access == 2;
            if (node is SymlinkNode)
                return -Errno.ELOOP; // O_NOFOLLOW on a link
            if ((flags & OpenFlags.Directory) != 0 && !node.IsDirectory)
                return -Errno.ENOTDIR;
            if (node.IsDirectory && (writable || (flags & OpenFlags.Create) != 0))
                return -Errno.EISDIR;
            if (node.ReadOnly && node is FileNode && (writable || (flags & OpenFlags.Truncate) != 0))
                return -Errno.EROFS;
            if (!Platform.KernelHeap.HasRoom(OpenFile.HeapBytes))
                return -Errno.ENOMEM;
            switch (node)
            {
                case DirectoryNode directory:
                    file = new DirectoryHandle(directory, _threads);
                    break;
                case FileNode regular:
                    // O_TRUNC empties the file even when opened read-only, as Linux does
                    // for a caller allowed to write it (root: always).
                    if ((flags & OpenFlags.Truncate) != 0)
                    {
                        long truncated = regular.Truncate(0);
                        if (truncated != 0)
                            return truncated;
                    }
                    file = new FileHandle(regular, _copier, _threads, readable, writable);
                    break;
                case DeviceNode device:
                    file = device.Device.Open();
                    file.Origin = device;
                    break;
                case GeneratedNode generated:
                    // Root may open it for writing, as on Linux; a write is EINVAL then
                    // (the snapshot is read-only: FileHandle.Write).
                    string text = generated.Generate(user);
                    if (text == null || !Platform.KernelHeap.HasRoom((ulong)text.Length + OpenFile.HeapBytes))
                        return -Errno.ENOMEM;
                    FileNode snapshot = FileNode.FromText(_vmm, Pages, text);
                    if (snapshot == null)
                        return -Errno.ENOMEM;
                    file = new FileHandle(snapshot, _copier, _threads, readable, writable) { Origin = generated };
                    break;
                default:
                    return -Errno.ENXIO;
            }
            file.SetStatusFlags(flags);
            return 0;
        }

        // ---- making and removing names ----------------------------------------------

        // mkdir: EEXIST for a name that is taken (a dangling link too), ".", ".." or "/".
        public long MakeDirectory(DirectoryNode start, string path, uint permissions)
        {
            _lock.Lock();
            long result = ParentLocked(start, path, out DirectoryNode parent, out string name, out _);
            if (result == 0)
                result = IsDots(name) || parent.Find(name) != null ? -Errno.EEXIST
                    : parent.Removed ? -Errno.ENOENT
                    : parent.ReadOnly ? -Errno.EROFS
                    : !Platform.KernelHeap.HasRoom(OpenFile.HeapBytes) ? -Errno.ENOSPC
                    : AddDirectoryLocked(parent, name, permissions);
            _lock.Unlock();
            return result;
        }

        private static long AddDirectoryLocked(DirectoryNode parent, string name, uint permissions)
        {
            parent.Add(name, new DirectoryNode(permissions, parent, name));
            parent.Links++;
            return 0;
        }

        // symlink: the link at `path` holds `target` as given (not checked: a link may
        // dangle). EEXIST for a name that is taken.
        public long MakeSymlink(string target, DirectoryNode start, string path)
        {
            _lock.Lock();
            long result = ParentLocked(start, path, out DirectoryNode parent, out string name, out bool trailingSlash);
            if (result == 0)
                result = IsDots(name) || parent.Find(name) != null ? -Errno.EEXIST
                    : trailingSlash ? -Errno.ENOENT
                    : parent.Removed ? -Errno.ENOENT
                    : parent.ReadOnly ? -Errno.EROFS
                    : !Platform.KernelHeap.HasRoom(OpenFile.HeapBytes) ? -Errno.ENOSPC
                    : Place(parent, name, new SymlinkNode(target));
            _lock.Unlock();
            return result;
        }

        // link: a second name for a node that is no directory (EPERM).
        public long MakeLink(DirectoryNode oldStart, string oldPath, bool follow, DirectoryNode newStart, string newPath)
        {
            _lock.Lock();
            int hops = 0;
            long result = WalkLocked(oldStart, oldPath, follow, ref hops, out Node node);
            if (result == 0)
                result = LinkLocked(node, newStart, newPath);
            _lock.Unlock();
            return result;
        }

        // linkat(fd, "", ..., AT_EMPTY_PATH): a new name for the file behind a
        // descriptor; one without a name left is ENOENT, unless it is an O_TMPFILE file
        // opened without O_EXCL, which this names once (Linux's I_LINKABLE).
        public long LinkNode(Node node, DirectoryNode newStart, string newPath)
        {
            _lock.Lock();
            long result = LinkLocked(node, newStart, newPath);
            _lock.Unlock();
            return result;
        }

        private static long Place(DirectoryNode parent, string name, Node node)
        {
            parent.Add(name, node);
            return 0;
        }

        private long LinkLocked(Node node, DirectoryNode newStart, string newPath)
        {
            long result = ParentLocked(newStart, newPath, out DirectoryNode parent, out string name, out bool trailingSlash);
            if (result != 0)
                return result;
            var regular = node as FileNode;
            bool unnamed = node.Links == 0;
            result = node.IsDirectory ? -Errno.EPERM
                : unnamed && (regular == null || !regular.Linkable) ? -Errno.ENOENT
                : IsDots(name) || parent.Find(name) != null ? -Errno.EEXIST
                : trailingSlash ? -Errno.ENOENT
                : parent.Removed ? -Errno.ENOENT
                : parent.ReadOnly ? -Errno.EROFS
                : node.ReadOnly ? -Errno.EXDEV // the modules' part is another file system to a link
                : 0;
            if (result != 0)
                return result;
            Place(parent, name, node);
            if (unnamed)
            {
                regular.Hold(); // the names' hold, which the last name gone gives back
                regular.Linkable = false;
            }
            node.Links++;
            node.ChangeTime = Platform.Clock.NowNanoseconds();
            return 0;
        }

        // unlink (a directory: EISDIR; ".", ".." and "/" too) and rmdir (no directory:
        // ENOTDIR; "." EINVAL, ".." ENOTEMPTY, "/" EBUSY; entries left: ENOTEMPTY).
        public long Remove(DirectoryNode start, string path, bool directory)
        {
            _lock.Lock();
            long result = ParentLocked(start, path, out DirectoryNode parent, out string name, out bool trailingSlash);
            if (result == 0 && parent.ReadOnly)
                result = -Errno.EROFS;
            if (result == 0)
                result = directory ? RemoveDirectoryLocked(parent, name) : UnlinkLocked(parent, name, trailingSlash);
            _lock.Unlock();
            return result;
        }

        private static long UnlinkLocked(DirectoryNode parent, string name, bool trailingSlash)
        {
            if (IsDots(name))
                return -Errno.EISDIR;
            Node node = parent.Find(name);
            if (node == null)
                return -Errno.ENOENT;
            if (node.IsDirectory)
                return -Errno.EISDIR;
            if (trailingSlash)
                return -Errno.ENOTDIR;
            parent.Remove(name);
            node.DropLink();
            node.ChangeTime = Platform.Clock.NowNanoseconds();
            return 0;
        }

        private long RemoveDirectoryLocked(DirectoryNode parent, string name)
        {
            if (name == ".")
                return -Errno.EINVAL;
            if (name == "..")
                return -Errno.ENOTEMPTY;
            if (name.Length == 0)
                return -Errno.EBUSY;
            Node node = parent.Find(name);
            if (node == null)
                return -Errno.ENOENT;
            var directory = node as DirectoryNode;
            if (directory == null)
                return -Errno.ENOTDIR;
            if (directory.MountPoint)
                return -Errno.EBUSY;
            if (!directory.IsEmpty)
                return -Errno.ENOTEMPTY;
            DetachDirectoryLocked(parent, name, directory);
            return 0;
        }

        private static void DetachDirectoryLocked(DirectoryNode parent, string name, DirectoryNode directory)
        {
            parent.Remove(name);
            parent.Links--;
            directory.Parent = null;
            directory.Links = 0;
        }

        // rename(2) and renameat2 (RENAME_NOREPLACE; RENAME_EXCHANGE is not done:
        // EINVAL), with Linux's checks in its order.
        public long Rename(DirectoryNode oldStart, string oldPath, DirectoryNode newStart, string newPath, int flags)
        {
            if ((flags & ~AtFlags.RenameNoReplace) != 0)
                return -Errno.EINVAL;
            _lock.Lock();
            long result = ParentLocked(oldStart, oldPath, out DirectoryNode oldParent, out string oldName, out bool oldSlash);
            DirectoryNode newParent = null;
            string newName = null;
            bool newSlash = false;
            if (result == 0)
                result = ParentLocked(newStart, newPath, out newParent, out newName, out newSlash);
            if (result == 0 && (oldParent.ReadOnly || newParent.ReadOnly))
                result = -Errno.EROFS;
            if (result == 0)
                result = RenameLocked(oldParent, oldName, oldSlash, newParent, newName, newSlash, (flags & AtFlags.RenameNoReplace) != 0);
            _lock.Unlock();
            return result;
        }

        private static long RenameLocked(DirectoryNode oldParent, string oldName, bool oldSlash,
            DirectoryNode newParent, string newName, bool newSlash, bool noReplace)
        {
            if (IsDots(oldName) || IsDots(newName))
                return -Errno.EBUSY;
            Node node = oldParent.Find(oldName);
            if (node == null)
                return -Errno.ENOENT;
            Node target = newParent.Find(newName);
            if (node.MountPoint || (target != null && target.MountPoint))
                return -Errno.EBUSY;
            if (!node.IsDirectory && (oldSlash || newSlash))
                return -Errno.ENOTDIR;
            Node replaced = newParent.Find(newName);
            if (replaced != null && noReplace)
                return -Errno.EEXIST;
            if (newParent.Removed)
                return -Errno.ENOENT;
            if (replaced == node)
                return 0; // two names of one node: nothing happens (POSIX)
            var directory = node as DirectoryNode;
            if (directory != null && IsWithin(newParent, directory))
                return -Errno.EINVAL; // into itself
            if (replaced != null)
            {
                if (directory != null && !replaced.IsDirectory)
                    return -Errno.ENOTDIR;
                if (directory == null && replaced.IsDirectory)
                    return -Errno.EISDIR;
                if (replaced is DirectoryNode emptied)
                {
                    if (!emptied.IsEmpty)
                        return -Errno.ENOTEMPTY;
                    DetachDirectoryLocked(newParent, newName, emptied);
                }
                else
                {
                    newParent.Remove(newName);
                    replaced.DropLink();
                }
            }
            oldParent.Remove(oldName);
            newParent.Add(newName, node);
            if (directory != null)
            {
                directory.Parent = newParent;
                directory.Name = newName;
                oldParent.Links--;
                newParent.Links++;
            }
            node.ChangeTime = Platform.Clock.NowNanoseconds();
            return 0;
        }

        // Whether `directory` is `ancestor` or lies somewhere below it.
        private static bool IsWithin(DirectoryNode directory, DirectoryNode ancestor)
        {
            for (DirectoryNode d = directory; d != null; d = d.Parent == d ? null : d.Parent)
                if (d == ancestor)
                    return true;
            return false;
        }

        // chmod, fchmod, fchmodat: the permission bits (EROFS on the modules' part).
        public long SetPermissions(Node node, uint permissions)
        {
            _lock.Lock();
            long result = node.ReadOnly ? -Errno.EROFS : 0;
            if (result == 0)
            {
                node.Mode = node.Type | (permissions & FileModes.PermissionMask);
                node.ChangeTime = Platform.Clock.NowNanoseconds();
            }
            _lock.Unlock();
            return result;
        }

        // ---- reading names ----------------------------------------------------------

        // readlink: the link's target; EINVAL when `path` is no link.
        public long ReadLink(DirectoryNode start, string path, out string target)
        {
            target = null;
            long result = Lookup(start, path, false, out Node node);
            if (result != 0)
                return result;
            var link = node as SymlinkNode;
            if (link == null)
                return -Errno.EINVAL;
            target = link.Target;
            return 0;
        }

        // The name /proc/self/maps shows for a mapping of `file` made now: the absolute
        // path it was opened by, with " (deleted)" when that name is gone (unlinked,
        // or its directory removed), as Linux's. Null when it has none
        // (FileHandle.OpenedIn). The region keeps the name it got at mmap: not done,
        // Linux's follows a later rename or unlink.
        public string MappedName(FileHandle file)
        {
            if (file.OpenedIn == null)
                return null;
            long removed = PathOf(file.OpenedIn, out string directory);
            _lock.Lock();
            bool gone = removed != 0 || file.OpenedIn.Find(file.OpenedAs) != file.Node;
            _lock.Unlock();
            string path = (directory == "/" ? "" : directory) + "/" + file.OpenedAs;
            return gone ? path + " (deleted)" : path;
        }

        // getcwd: the path from the root to `directory`; ENOENT once it was removed.
        public long PathOf(DirectoryNode directory, out string path)
        {
            path = null;
            _lock.Lock();
            long result = 0;
            string built = "";
            for (DirectoryNode d = directory; d != Root; d = d.Parent)
            {
                if (d.Removed)
                {
                    result = -Errno.ENOENT;
                    break;
                }
                built = "/" + d.Name + built;
            }
            _lock.Unlock();
            path = built.Length == 0 ? "/" : built;
            return result;
        }

        // getdents64: linux_dirent64 records from entry `index` on ("." and ".." are 0 and
        // 1), as many as fit in `count` bytes and in one page, laid out under the lock in
        // a kernel buffer and copied out after it. Bytes filled (index moves past them),
        // 0 at the end, -EINVAL when the next record does not fit, -EFAULT, -ENOENT for
        // a directory that was removed.
        public long ListDirectory(DirectoryNode directory, IFileUser user, ulong buffer, ulong count, ref long index)
        {
            const int PageBytes = 4096;
            byte* records = stackalloc byte[PageBytes];
            int limit = count < PageBytes ? (int)count : PageBytes;
            int filled = 0;
            bool tooSmall = false;
            _lock.Lock();
            bool removed = directory.Removed;
            while (!removed)
            {
                string name;
                Node node;
                if (index == 0)
                {
                    name = ".";
                    node = directory;
                }
                else if (index == 1)
                {
                    name = "..";
                    node = directory.Parent;
                }
                else if (index - 2 > int.MaxValue || !directory.EntryAt((int)(index - 2), out name, out node))
                {
                    break;
                }
                int length = (Dirent.Name + name.Length + 1 + 7) & ~7;
                if (filled + length > limit)
                {
                    tooSmall = filled == 0;
                    break;
                }
                byte* record = records + filled;
                *(ulong*)(record + Dirent.Inode) = node.Inode;
                *(long*)(record + Dirent.Offset) = index + 1;
                *(ushort*)(record + Dirent.RecordLength) = (ushort)length;
                record[Dirent.Type] = (byte)(node.Type >> FileModes.DirentTypeShift);
                for (int i = 0; i < name.Length; i++)
                    record[Dirent.Name + i] = (byte)name[i];
                for (int i = Dirent.Name + name.Length; i < length; i++)
                    record[i] = 0;
                filled += length;
                index++;
            }
            _lock.Unlock();
            if (removed)
                return -Errno.ENOENT;
            if (tooSmall)
                return -Errno.EINVAL;
            if (filled > 0 && _copier.CopyToUser(user.Space, buffer, records, (ulong)filled) != 0)
                return -Errno.EFAULT;
            return filled;
        }

        // ---- filling the tree at boot ---------------------------------------------------

        // The directory at the absolute `path`, made (with its parents, rwxr-xr-x) where
        // missing; null where a name on the way is no directory.
        public DirectoryNode MakeDirectories(string path)
        {
            _lock.Lock();
            DirectoryNode directory = Root;
            int i = 0;
            while (directory != null && i < path.Length)
            {
                while (i < path.Length && path[i] == '/')
                    i++;
                int end = i;
                while (end < path.Length && path[end] != '/')
                    end++;
                if (end == i)
                    break;
                string name = path.Substring(i, end - i);
                Node next = ChildLocked(directory, name);
                if (next == null)
                {
                    AddDirectoryLocked(directory, name, 0x1ED);
                    next = directory.Find(name);
                }
                directory = next as DirectoryNode;
                i = end;
            }
            _lock.Unlock();
            return directory;
        }

        // `node` as `path` (absolute), its directories made where missing; an entry of
        // that name is replaced (kept, with `keepExisting`). False where a name on the way
        // is no directory, or the name was kept.
        public bool AddIfMissing(string path, Node node) => Add(path, node, keepExisting: true);

        public bool Add(string path, Node node, bool keepExisting = false)
        {
            int slash = path.Length - 1;
            while (slash > 0 && path[slash] != '/')
                slash--;
            DirectoryNode parent = MakeDirectories(path.Substring(0, slash));
            if (parent == null)
                return false;
            string name = path.Substring(slash + 1);
            _lock.Lock();
            Node old = parent.Find(name);
            bool placed = old == null || (!old.IsDirectory && !keepExisting);
            if (old != null && placed)
                parent.Remove(name);
            if (placed)
                parent.Add(name, node);
            _lock.Unlock();
            return placed;
        }
    }
}
