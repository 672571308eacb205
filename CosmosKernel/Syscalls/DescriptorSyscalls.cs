using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Descriptors: ioctl, dup, dup2, dup3, fcntl. A descriptor is a number in the process's
    // file table (Processes/FileTable.cs) with its close-on-exec flag; the open file it
    // refers to carries the status flags (O_NONBLOCK, O_APPEND), shared by every
    // descriptor that refers to it. Descriptors are unsigned int, as Linux's
    // prototypes have them: the upper half of the register is ignored.
    public sealed unsafe partial class SyscallTable
    {
        // dup2(old, old) checks that old is open and does nothing else.
        private static long Dup2(Process process, ulong oldFd, ulong newFd)
        {
            uint from = (uint)oldFd, to = (uint)newFd;
            if (from == to)
                return process.Files.DescriptorFlags(from) < 0 ? -Errno.EBADF : to;
            return process.Files.DuplicateTo(from, to, closeOnExec: false);
        }

        // dup3: only O_CLOEXEC, and old == new is EINVAL (Linux checks both first).
        private static long Dup3(Process process, ulong oldFd, ulong newFd, ulong flags)
        {
            if ((flags & ~OpenFlags.Cloexec) != 0 || (uint)oldFd == (uint)newFd)
                return -Errno.EINVAL;
            return process.Files.DuplicateTo((uint)oldFd, (uint)newFd, (flags & OpenFlags.Cloexec) != 0);
        }

        // fcntl: EBADF for a descriptor that is not open, whatever the command; then
        // EINVAL for a command the kernel does not know.
        private static long Fcntl(Process process, ulong fd, ulong command, ulong argument)
        {
            OpenFile file = process.TakeDescriptor((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            long result = file.PathOnly && !DescriptorCommand((int)(uint)command) ? -Errno.EBADF
                : FcntlOn(process, (uint)fd, file, (int)(uint)command, argument);
            file.Release();
            return result;
        }

        // ioctl: EBADF for a descriptor that is not open; the file's answer (ENOTTY from
        // anything but the console's terminal).
        private static long Ioctl(Process process, ulong fd, uint command, ulong argument)
        {
            OpenFile file = process.TakeFile((uint)fd);
            if (file == null)
                return -Errno.EBADF;
            long result = file.Ioctl(process, command, argument);
            file.Release();
            return result;
        }

        // What an O_PATH descriptor allows (Linux's fcntl without FMODE_PATH's EBADF).
        private static bool DescriptorCommand(int command)
            => command == FcntlCommands.DupFd || command == FcntlCommands.DupFdCloexec
                || command == FcntlCommands.GetFd || command == FcntlCommands.SetFd || command == FcntlCommands.GetFl;

        private static long FcntlOn(Process process, uint fd, OpenFile file, int command, ulong argument)
        {
            switch (command)
            {
                case FcntlCommands.DupFd:
                case FcntlCommands.DupFdCloexec:
                    // The lowest free descriptor >= the (int) argument; one past the
                    // limit (or negative) is EINVAL, none free EMFILE.
                    uint lowest = (uint)(int)argument;
                    if (lowest >= FileTable.DescriptorLimit)
                        return -Errno.EINVAL;
                    return process.Files.Duplicate(fd, (int)lowest, command == FcntlCommands.DupFdCloexec);
                case FcntlCommands.GetFd:
                    return process.Files.DescriptorFlags(fd);
                case FcntlCommands.SetFd:
                    return process.Files.SetDescriptorFlags(fd, ((int)argument & FcntlCommands.FdCloexec) != 0);
                case FcntlCommands.GetFl:
                    return (long)file.StatusFlags;
                case FcntlCommands.SetFl:
                    if ((argument & OpenFlags.Direct) != 0)
                        return -Errno.EINVAL; // no file here does O_DIRECT
                    file.SetStatusFlags(argument);
                    return 0;
                case FcntlCommands.GetPipeSize:
                    return file is PipeEnd ? PipeSizes.Capacity : -Errno.EBADF;
                case FcntlCommands.SetPipeSize:
                    // Not done: a pipe holds PipeSizes.Capacity, and no other size.
                    return file is PipeEnd ? -Errno.EINVAL : -Errno.EBADF;
                default:
                    return -Errno.EINVAL;
            }
        }
    }
}
