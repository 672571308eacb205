using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.Files
{
    // The console: fds 0, 1, 2. Writes go to the screen and COM1 (Platform/KernelConsole,
    // which the kernel's own messages share); reads and ioctls are the terminal's
    // (Files/Terminal: the keyboard and COM1 type on it). write(2) on several CPUs at once comes out whole, chunk by chunk:
    // each chunk is copied in first (a user copy may sleep), then written in one piece.
    public sealed unsafe class ConsoleFile : OpenFile
    {
        private const int Chunk = 256;

        private readonly UserCopier _copier;
        private readonly Platform.KernelConsole _console;
        private readonly Terminal _terminal;

        public ConsoleFile(UserCopier copier, Platform.KernelConsole console, Terminal terminal)
        {
            _copier = copier;
            _console = console;
            _terminal = terminal;
        }

        public override long Read(IFileUser user, ulong buffer, ulong count) => _terminal.Read(user, buffer, count, Nonblocking);

        public override int Poll() => _terminal.Poll() | PollEvents.Out | PollEvents.WriteNormal;

        public override long Ioctl(IFileUser user, uint command, ulong argument)
            => _terminal.Ioctl(user, command, argument);

        // Linux's /dev/console, which init's 0, 1 and 2 are: opened O_RDWR, O_LARGEFILE.
        protected override ulong OpenedFlags => Abi.OpenFlags.Largefile;

        // A new program's console is Linux's /dev/console: crw------- 5:1.
        public override void Describe(ref FileStatus status)
        {
            if (Origin != null)
            {
                Origin.Describe(ref status);
                return;
            }
            status.Links = 1;
            status.Mode = Abi.FileModes.CharDevice | 0x180;
            status.SpecialDevice = FileStatus.DeviceNumber(5, 1);
        }

        public override long Write(IFileUser user, ulong buffer, ulong count)
        {
            byte* chunk = stackalloc byte[Chunk];
            ulong done = 0;
            while (done < count)
            {
                ulong length = count - done < Chunk ? count - done : Chunk;
                ulong notCopied = _copier.CopyFromUser(user.Space, chunk, buffer + done, length);
                ulong copied = length - notCopied;
                _console.WriteAscii(chunk, copied); // no string: nothing to allocate per write
                done += copied;
                if (notCopied != 0)
                    return done > 0 ? (long)done : -Errno.EFAULT;
            }
            return (long)done;
        }
    }
}
