using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.Files
{
    // A character device of the file tree (/dev): every open makes a new open file
    // (so each has its own status flags), of the device's kind.
    public interface ICharacterDevice
    {
        OpenFile Open();
    }

    // /dev/null (1:3): reads end at once, writes take every byte.
    public sealed class NullDevice : ICharacterDevice
    {
        public OpenFile Open() => new NullFile();

        private sealed class NullFile : OpenFile
        {
            public override long Read(IFileUser user, ulong buffer, ulong count) => 0;
            public override long Write(IFileUser user, ulong buffer, ulong count) => (long)count;
            public override bool Positional => true;
            public override long ReadAt(IFileUser user, ulong buffer, ulong count, long offset) => 0;
            public override long WriteAt(IFileUser user, ulong buffer, ulong count, long offset) => (long)count;
            public override long Seek(long offset, int whence) => 0; // Linux's null_lseek
            protected override ulong OpenedFlags => OpenFlags.Largefile;
        }
    }

    // /dev/zero (1:5): reads fill the buffer with zeros (through the user copy, 256
    // bytes at a time), writes take every byte.
    public sealed unsafe class ZeroDevice : ICharacterDevice
    {
        private readonly UserCopier _copier;

        public ZeroDevice(UserCopier copier) => _copier = copier;

        public OpenFile Open() => new ZeroFile(_copier);

        private sealed class ZeroFile : OpenFile
        {
            private const int Chunk = 256;
            private readonly UserCopier _copier;

            public ZeroFile(UserCopier copier) => _copier = copier;

            public override long Read(IFileUser user, ulong buffer, ulong count)
            {
                byte* zeros = stackalloc byte[Chunk];
                for (int i = 0; i < Chunk; i++)
                    zeros[i] = 0;
                ulong done = 0;
                while (done < count)
                {
                    ulong length = count - done < Chunk ? count - done : Chunk;
                    ulong notCopied = _copier.CopyToUser(user.Space, buffer + done, zeros, length);
                    done += length - notCopied;
                    if (notCopied != 0)
                        return done > 0 ? (long)done : -Errno.EFAULT;
                    if (done % (64 * 1024) == 0 && user.Interrupted)
                        break; // a signal ends a long read early, as Linux's read_zero
                }
                return (long)done;
            }

            public override long Write(IFileUser user, ulong buffer, ulong count) => (long)count;
            public override bool Positional => true;
            public override long ReadAt(IFileUser user, ulong buffer, ulong count, long offset) => Read(user, buffer, count);
            public override long WriteAt(IFileUser user, ulong buffer, ulong count, long offset) => (long)count;
            public override long Seek(long offset, int whence) => 0;
            protected override ulong OpenedFlags => OpenFlags.Largefile;
        }
    }

    // /dev/console and /dev/tty (5:1, 5:0): the terminal that the keyboard and COM1
    // type on, as a new program's descriptors 0, 1 and 2 are.
    public sealed class ConsoleDevice : ICharacterDevice
    {
        private readonly UserCopier _copier;
        private readonly Platform.KernelConsole _console;
        private readonly Terminal _terminal;

        public ConsoleDevice(UserCopier copier, Platform.KernelConsole console, Terminal terminal)
        {
            _copier = copier;
            _console = console;
            _terminal = terminal;
        }

        public OpenFile Open() => new ConsoleFile(_copier, _console, _terminal);
    }
}
