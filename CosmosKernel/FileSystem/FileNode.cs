using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.FileSystem
{
    // A regular file's bytes, in memory (tmpfs). A file unpacked from the initramfs or
    // made from a GRUB module starts on the boot module's own bytes (no copy) and can
    // be mapped (Mapping); its first write or truncate copies it into a heap array
    // that it grows by doubling, and from then on it is a heap file that mmap does not
    // map (not done yet: its bytes can move when it grows).
    //
    // _lock (a FIFO mutex: it is held across user copies, which can sleep in a fault)
    // guards _data, _external and _size. Lock order: after the open file's position
    // lock (FileHandle), before the address space's locks (a copy's faults); the
    // tree's lock is never held while taking it.
    public sealed unsafe class FileNode : Node
    {
        // The most a file may hold (Linux's tmpfs has no such limit below the memory it
        // may use; a heap array's length is an int): EFBIG past it.
        public const ulong MaxBytes = 1UL << 30;

        private readonly Threading.FifoMutex _lock;
        private byte[] _data;      // the bytes once written; null before
        private byte* _external;   // the boot module's bytes before the first write
        private ulong _size;
        private RamdiskFile _mapping;

        public FileNode(Threading.IThreadBackend threads, uint permissions) : base(FileModes.Regular | (permissions & FileModes.PermissionMask))
        {
            _lock = new Threading.FifoMutex(threads, 4, "file data");
            Links = 1;
        }

        // A file on a boot module's bytes: mapped through `mapping` (a module's own
        // RamdiskFile, so its page-load counter and latency are the module's) until
        // the first write.
        public FileNode(Threading.IThreadBackend threads, uint permissions, RamdiskFile mapping) : this(threads, permissions)
        {
            _external = mapping.Data;
            _size = mapping.Length;
            _mapping = mapping;
        }

        // A snapshot holding `text`, read-only (one byte per character): what a /proc
        // file's open reads. The caller has checked that the heap has room.
        public static FileNode FromText(Threading.IThreadBackend threads, string text)
        {
            var node = new FileNode(threads, 0x124) { ReadOnly = true };
            node._data = new byte[text.Length > 0 ? text.Length : 1];
            for (int i = 0; i < text.Length; i++)
                node._data[i] = (byte)text[i];
            node._size = (ulong)text.Length;
            return node;
        }

        public override ulong Size => System.Threading.Volatile.Read(ref _size);

        // What mmap maps: the boot module's bytes while the file has not been written;
        // null after (ENODEV).
        public RamdiskFile Mapping
        {
            get
            {
                _lock.Lock();
                RamdiskFile mapping = _data == null ? _mapping : null;
                _lock.Unlock();
                return mapping;
            }
        }

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
            ulong notCopied;
            if (_data == null)
            {
                notCopied = copier.CopyToUser(user.Space, buffer, _external + offset, length);
            }
            else
            {
                fixed (byte* data = &_data[0])
                    notCopied = copier.CopyToUser(user.Space, buffer, data + offset, length);
            }
            ulong copied = length - notCopied;
            AccessTime = Platform.Clock.NowNanoseconds();
            return copied > 0 ? (long)copied : -Errno.EFAULT;
        }

        // Bytes from the user buffer at `offset` (append: at the end, which the caller
        // learns through `offset`). How many, -EFAULT when none could be copied,
        // -EFBIG past MaxBytes, -ENOSPC when the heap has no room.
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
            ulong length = count < MaxBytes - offset ? count : MaxBytes - offset;
            long room = MakeRoomLocked(offset + length);
            if (room < 0)
                return room;
            ulong notCopied;
            fixed (byte* data = &_data[0])
            {
                notCopied = copier.CopyFromUser(user.Space, data + offset, buffer, length);
                // Bytes a failed copy left past what counts: zero, so that a later write
                // further on does not show them in the gap.
                for (ulong i = length - notCopied; i < length && offset + i >= _size; i++)
                    data[offset + i] = 0;
            }
            ulong copied = length - notCopied;
            if (copied == 0)
                return -Errno.EFAULT;
            if (offset + copied > _size)
                System.Threading.Volatile.Write(ref _size, offset + copied);
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
            long result = 0;
            if (size > _size)
            {
                result = MakeRoomLocked(size);
            }
            else if (size < _size)
            {
                if (_data == null)
                    result = MakeRoomLocked(size);
                if (result == 0)
                    ZeroLocked(size, _size); // so that growing again shows zeros
            }
            if (result == 0)
            {
                System.Threading.Volatile.Write(ref _size, size);
                Touch();
            }
            _lock.Unlock();
            return result;
        }

        // Zero the heap array's bytes [from, to) (those it has).
        private void ZeroLocked(ulong from, ulong to)
        {
            ulong end = to < (ulong)_data.Length ? to : (ulong)_data.Length;
            for (ulong i = from; i < end; i++)
                _data[i] = 0;
        }

        // A heap array of at least `size` bytes holding the file (bytes past _size
        // zero): 0 or -ENOSPC.
        private long MakeRoomLocked(ulong size)
        {
            ulong capacity = _data == null ? 0 : (ulong)_data.Length;
            if (_data != null && size <= capacity)
                return 0;
            ulong grown = capacity * 2 > size ? capacity * 2 : size;
            if (grown < 64)
                grown = 64;
            if (grown > MaxBytes)
                grown = MaxBytes;
            if (!Platform.KernelHeap.HasRoom(grown))
                return -Errno.ENOSPC;
            var data = new byte[grown];
            ulong kept = _size < grown ? _size : grown; // a truncate may shrink a module's file
            fixed (byte* to = &data[0])
            {
                if (_data != null)
                {
                    fixed (byte* from = &_data[0])
                        Cosmos.HAL.Native.Memcpy(to, from, kept);
                }
                else if (_external != null)
                {
                    Cosmos.HAL.Native.Memcpy(to, _external, kept);
                }
            }
            _data = data;
            _external = null;
            return 0;
        }
    }
}
