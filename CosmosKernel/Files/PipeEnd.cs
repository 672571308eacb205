namespace CosmosKernel.Files
{
    // One end of a pipe, as a descriptor sees it: the read end only reads, the write
    // end only writes; closing the last descriptor of an end tells the pipe.
    public sealed class PipeEnd : OpenFile
    {
        private readonly Pipe _pipe;
        private readonly bool _writer;

        public PipeEnd(Pipe pipe, bool writer)
        {
            _pipe = pipe;
            _writer = writer;
        }

        public override bool Readable => !_writer;
        public override bool Writable => _writer;

        public override long Read(IFileUser user, ulong buffer, ulong count) => _pipe.Read(user, buffer, count, Nonblocking);

        public override long Write(IFileUser user, ulong buffer, ulong count) => _pipe.Write(user, buffer, count, Nonblocking);

        public override unsafe long ReadVector(IFileUser user, Abi.Iovec* segments, int count) => _pipe.ReadVector(user, segments, count, Nonblocking);

        public override unsafe long WriteVector(IFileUser user, Abi.Iovec* segments, int count) => _pipe.WriteVector(user, segments, count, Nonblocking);

        public override int Poll() => _pipe.Poll(_writer);

        // FIONREAD: the bytes in the pipe, on either end, as Linux's pipe_ioctl; nothing
        // else (ENOTTY).
        public override unsafe long Ioctl(IFileUser user, uint command, ulong argument)
            => command == Abi.Termios.Fionread ? _pipe.ReportBytes(user, argument) : -Abi.Errno.ENOTTY;

        // A FIFO, read and write for its owner, on the pipe file system (Linux's pipefs),
        // as Linux reports an unnamed pipe; both ends have the pipe's inode number.
        public override void Describe(ref FileStatus status)
        {
            status.Device = FileStatus.PipeDevice;
            status.Inode = _pipe.Inode;
            status.Links = 1;
            status.Mode = Abi.FileModes.Fifo | 0x180;
        }

        protected override void Closed() => _pipe.CloseEnd(_writer);
    }
}
