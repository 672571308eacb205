using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.FileSystem
{
    // A regular file's bytes, in memory (tmpfs). A file unpacked from the initramfs or
    // made from a GRUB module starts on the boot module's own bytes (no copy), which a
    // private mapping or an exec maps. Its first write or truncate, or a shared
    // mapping, copies them into pages of its own (a MemoryObject, in frames: Linux's
    // shmem); every other file has such pages from the start. Those pages are what
    // read and write copy to and from, what a MAP_SHARED mapping maps (so a write(2)
    // shows in the mapping at once, and a store through the mapping in the next
    // read(2)), and what a private mapping or an exec copies each page from on first
    // touch.
    //
    // Lifetime: _holds counts the file's name (one hold while Links > 0), each open
    // file (FileHandle) and each exec loading it. The last one to go gives the pages
    // back (a mapping keeps its own count on them: the bytes live on in it). Holds are
    // taken under the tree's lock, where Links is stable, so none is taken after the
    // last went.
    //
    // _lock (a FIFO mutex: it is held across user copies, which can sleep in a fault)
    // guards _pages, _module and _size. Lock order: after the open file's position
    // lock (FileHandle), before the address space's locks (a copy's faults) and the
    // pages' spin lock; the tree's lock is never held while taking it.
    public sealed unsafe class FileNode : Node
    {
        // The most a file may hold (Linux's tmpfs has no such limit below the memory it
        // may use): EFBIG past it.
        public const ulong MaxBytes = 1UL << 30;
        private const ulong MaxPages = MaxBytes >> Paging.PageShift;

        private readonly Vmm _vmm;
        private readonly PageBudget _budget; // the file tree's: all files' pages together
        private readonly Threading.FifoMutex _lock;
        private MemoryObject _pages;  // the bytes, once the file has pages of its own; null before
        private RamdiskFile _module;  // the boot module's bytes before that; null after
        private ulong _size;
        private int _holds;           // atomic
        // An O_TMPFILE file opened without O_EXCL, not yet named: linkat may give it a
        // name (FileTree.LinkNode). Under the tree's lock.
        public bool Linkable;

        public FileNode(Vmm vmm, PageBudget budget, uint permissions) : base(FileModes.Regular | (permissions & FileModes.PermissionMask))
        {
            _vmm = vmm;
            _budget = budget;
            _lock = new Threading.FifoMutex(vmm.Threads, 4, "file data");
            Links = 1;
            _holds = 1; // the name's
            _pages = new MemoryObject(vmm, MaxPages, 0, budget);
            _pages.Retain();
        }

        // A file on a boot module's bytes (a module's own RamdiskFile, so its page-load
        // counter and latency are the module's) until it gets pages of its own.
        public FileNode(Vmm vmm, PageBudget budget, uint permissions, RamdiskFile module) : base(FileModes.Regular | (permissions & FileModes.PermissionMask))
        {
            _vmm = vmm;
            _budget = budget;
            _lock = new Threading.FifoMutex(vmm.Threads, 4, "file data");
            Links = 1;
            _holds = 1;
            _module = module;
            _size = module.Length;
        }

        // A snapshot holding `text` (one byte per character), read-only and nameless:
        // what a /proc file's open reads. Its one hold is the open file's. Null when no
        // frame is left for it.
        public static FileNode FromText(Vmm vmm, PageBudget budget, string text)
        {
            var node = new FileNode(vmm, budget, 0x124) { ReadOnly = true };
            node.Links = 0;
            for (int start = 0; start < text.Length; start += (int)Paging.PageSize)
            {
                ulong frame = node._pages.MapPage((ulong)start >> Paging.PageShift, growing: true);
                if (frame == FrameAllocator.NoFrame)
                {
                    node.Unhold();
                    return null;
                }
                byte* page = vmm.Physical.Map(frame);
                for (int i = start; i < text.Length && i < start + (int)Paging.PageSize; i++)
                    page[i - start] = (byte)text[i];
                vmm.Frames.Free(frame);
            }
            node._size = (ulong)text.Length;
            node._pages.SetLimit(Paging.PageUp(node._size) >> Paging.PageShift);
            return node;
        }

        public override ulong Size => System.Threading.Volatile.Read(ref _size);

        // ---- lifetime ---------------------------------------------------------------

        // One more user of the file (an open file, an exec). The caller holds the tree's
        // lock, or a hold already.
        public void Hold() => System.Threading.Interlocked.Increment(ref _holds);

        // A user is done; the last gives the pages back.
        public void Unhold()
        {
            if (System.Threading.Interlocked.Decrement(ref _holds) == 0 && _pages != null)
                _pages.Release();
        }

        // Links fell to 0 (the tree's lock is held): the name's hold goes.
        protected override void LastNameGone() => Unhold();

        // ---- mapping ----------------------------------------------------------------

        // What mmap or exec maps (the caller holds the file): the file's pages, or the
        // boot module's bytes while it has none. A shared mapping of a writable file
        // gives it pages first (so both see the same bytes). 0, or -ENOSPC.
        public long Backing(bool shared, bool writable, out FileBacking backing)
        {
            _lock.Lock();
            long result = shared && !ReadOnly ? MakePagesLocked() : 0;
            backing = _pages != null
                ? new FileBacking { Pages = _pages, Writable = writable, Length = _size }
                : FileBacking.Of(_module);
            _lock.Unlock();
            return result;
        }

        // ---- read and write ---------------------------------------------------------

        // Bytes from `offset` into the user buffer: how many (0 at or past the end), or
        // -EFAULT when none could be copied.
        public long Read(UserCopier copier, IFileUser user, ulong buffer, ulong count, ulong offset)
        {
            _lock.Lock();
            long result = ReadLocked(copier, user, buffer, count, offset);
            _lock.Unlock();
            return result;
        }

        private long ReadLocked(UserCopier copier, IFileUser user, ulong buffer, ulong count, ulong offset)
        {
            if (offset >= _size || count == 0)
                return 0;
            ulong length = count < _size - offset ? count : _size - offset;
            ulong copied = 0;
            if (_pages == null)
            {
                copied = length - copier.CopyToUser(user.Space, buffer, _module.Data + offset, length);
            }
            else
            {
                while (copied < length && !user.Ending) // see IFileUser.Ending
                {
                    ulong at = offset + copied;
                    ulong inPage = at & Paging.PageMask;
                    ulong chunk = Paging.PageSize - inPage < length - copied ? Paging.PageSize - inPage : length - copied;
                    ulong frame = _pages.FindPage(at >> Paging.PageShift);
                    ulong missed = frame == FrameAllocator.NoFrame
                        ? copier.ClearUser(user.Space, buffer + copied, chunk) // a hole reads as zeros
                        : copier.CopyToUser(user.Space, buffer + copied, _vmm.Physical.Map(frame) + inPage, chunk);
                    if (frame != FrameAllocator.NoFrame)
                        _vmm.Frames.Free(frame);
                    copied += chunk - missed;
                    if (missed != 0)
                        break;
                }
            }
            AccessTime = Platform.Clock.NowNanoseconds();
            if (copied > 0)
                return (long)copied;
            return user.Ending ? -Errno.EINTR : -Errno.EFAULT;
        }

        // Bytes from the user buffer at `offset` (append: at the end, which the caller
        // learns through `offset`). How many, -EFAULT when none could be copied,
        // -EFBIG past MaxBytes, -ENOSPC when no frame is left.
        public long Write(UserCopier copier, IFileUser user, ulong buffer, ulong count, ref ulong offset, bool append)
        {
            _lock.Lock();
            if (append)
                offset = _size;
            long result = WriteLocked(copier, user, buffer, count, offset);
            _lock.Unlock();
            return result;
        }

        private long WriteLocked(UserCopier copier, IFileUser user, ulong buffer, ulong count, ulong offset)
        {
            if (count == 0)
                return 0;
            if (offset >= MaxBytes)
                return -Errno.EFBIG;
            long error = MakePagesLocked();
            if (error != 0)
                return error;
            ulong length = count < MaxBytes - offset ? count : MaxBytes - offset;
            ulong copied = 0;
            error = -Errno.EFAULT;
            while (copied < length)
            {
                if (user.Ending)
                {
                    error = -Errno.EINTR; // what is copied stays; the process will not see the answer
                    break;
                }
                ulong at = offset + copied;
                ulong inPage = at & Paging.PageMask;
                ulong chunk = Paging.PageSize - inPage < length - copied ? Paging.PageSize - inPage : length - copied;
                ulong frame = _pages.MapPage(at >> Paging.PageShift, growing: true);
                if (frame == FrameAllocator.NoFrame)
                {
                    error = -Errno.ENOSPC;
                    break;
                }
                byte* page = _vmm.Physical.Map(frame);
                ulong missed = copier.CopyFromUser(user.Space, page + inPage, buffer + copied, chunk);
                // Bytes a failed copy may have left past the end: zero, as the rest of
                // the file's last page is, so that a later write further on does not
                // show them in the gap.
                for (ulong i = chunk - missed; i < chunk && at + i >= _size; i++)
                    page[inPage + i] = 0;
                _vmm.Frames.Free(frame);
                copied += chunk - missed;
                if (missed != 0)
                    break;
            }
            if (copied == 0)
                return error;
            if (offset + copied > _size)
            {
                System.Threading.Volatile.Write(ref _size, offset + copied);
                _pages.SetLimit(Paging.PageUp(_size) >> Paging.PageShift);
            }
            Touch();
            return (long)copied;
        }

        // ftruncate / O_TRUNC: the file is `size` bytes (new bytes read as zero). 0,
        // -EFBIG or -ENOSPC.
        public long Truncate(ulong size)
        {
            if (size > MaxBytes)
                return -Errno.EFBIG;
            _lock.Lock();
            long result = MakePagesLocked();
            if (result == 0)
            {
                if (size < _size && (size & Paging.PageMask) != 0)
                {
                    // The rest of the new last page reads as zeros, in a mapping too, and
                    // when the file grows again.
                    ulong frame = _pages.FindPage(size >> Paging.PageShift);
                    if (frame != FrameAllocator.NoFrame)
                    {
                        byte* page = _vmm.Physical.Map(frame);
                        for (ulong i = size & Paging.PageMask; i < Paging.PageSize; i++)
                            page[i] = 0;
                        _vmm.Frames.Free(frame);
                    }
                }
                System.Threading.Volatile.Write(ref _size, size);
                _pages.SetLimit(Paging.PageUp(size) >> Paging.PageShift); // pages past it go
                Touch();
            }
            _lock.Unlock();
            return result;
        }

        // Pages of the file's own, copied from the boot module's bytes if it has none
        // yet: 0 or -ENOSPC (the file stays on the module's bytes).
        private long MakePagesLocked()
        {
            if (_pages != null)
                return 0;
            var pages = new MemoryObject(_vmm, MaxPages, Paging.PageUp(_size) >> Paging.PageShift, _budget);
            pages.Retain();
            for (ulong at = 0; at < _size; at += Paging.PageSize)
            {
                ulong frame = pages.MapPage(at >> Paging.PageShift);
                if (frame == FrameAllocator.NoFrame)
                {
                    pages.Release();
                    return -Errno.ENOSPC;
                }
                ulong chunk = _size - at < Paging.PageSize ? _size - at : Paging.PageSize;
                byte* page = _vmm.Physical.Map(frame);
                for (ulong i = 0; i < chunk; i++)
                    page[i] = _module.Data[at + i];
                _vmm.Frames.Free(frame);
            }
            // Mappings of the module's bytes keep them (their pages are copies already).
            _pages = pages;
            _module = null;
            return 0;
        }
    }
}
