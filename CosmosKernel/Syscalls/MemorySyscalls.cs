using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Memory: mmap and brk (munmap and mprotect go straight to the address space).
    public sealed unsafe partial class SyscallTable
    {
        // The checks that need the file table come here, the rest in AddressSpace.Map,
        // together in Linux's order: an unaligned offset is EINVAL before the file is
        // looked up (x86's sys_mmap), the bad descriptor before everything else.
        private long Mmap(Process process, ulong address, ulong length, ulong protection, ulong flags, ulong fd, ulong offset)
        {
            if (!Paging.IsPageAligned(offset) || protection > int.MaxValue || flags > int.MaxValue)
                return -Errno.EINVAL;
            if (!Platform.KernelHeap.HasRoom(Limits.RegionBytes))
                return -Errno.ENOMEM;
            if (((int)flags & MapFlags.Anonymous) != 0)
                return process.Space.Map(address, length, (int)protection, (int)flags, null, offset);
            OpenFile file = process.TakeFile(fd);
            if (file == null)
                return -Errno.EBADF;
            // A regular file of the tree maps (FileNode.Backing); pipes, devices and
            // directories do not.
            var handle = file as FileSystem.FileHandle;
            long result = handle == null ? -Errno.ENODEV
                : !file.Readable ? -Errno.EACCES // Linux: a mapping reads its file
                : 0;
            if (result == 0)
            {
                int type = (int)flags & MapFlags.TypeMask;
                bool shared = type == MapFlags.Shared || type == MapFlags.SharedValidate;
                result = handle.Node.Backing(shared, file.Writable, out FileBacking backing);
                backing.Name = _tree.MappedName(handle) ?? backing.Name;
                if (result == 0)
                    result = process.Space.Map(address, length, (int)protection, (int)flags, backing, offset);
            }
            file.Release();
            return result;
        }

        // brk(0) returns the current break; a new break inside [start, start + limit)
        // maps or unmaps whole pages; anything else leaves the break as it was (Linux).
        private long Brk(Process process, ulong requested)
        {
            process.BrkLock.Lock();
            long result = BrkLocked(process, requested);
            process.BrkLock.Unlock();
            return result;
        }

        private long BrkLocked(Process process, ulong requested)
        {
            if (requested < process.BrkStart || requested > process.BrkStart + Process.BrkLimit)
                return (long)process.Brk;
            ulong oldEnd = Paging.PageUp(process.Brk);
            ulong newEnd = Paging.PageUp(requested);
            if (newEnd > oldEnd)
            {
                long mapped = process.Space.Map(oldEnd, newEnd - oldEnd, Prot.Read | Prot.Write,
                    MapFlags.Private | MapFlags.Anonymous | MapFlags.FixedNoReplace, null, 0);
                if (mapped < 0)
                    return (long)process.Brk;
            }
            else if (newEnd < oldEnd)
            {
                process.Space.Unmap(newEnd, oldEnd - newEnd);
            }
            process.Brk = requested;
            return (long)requested;
        }
    }
}
