using CosmosKernel.Abi;
using CosmosKernel.Files;

namespace CosmosKernel.FileSystem
{
    // An O_PATH descriptor: it names a node of the tree and opens nothing (a device is
    // not opened, a file's bytes are not held). It serves fstat, fchdir, the *at calls
    // as their directory or with AT_EMPTY_PATH, close, dup and fcntl's descriptor
    // commands; every other use is EBADF, as on Linux (Process.TakeFile does not hand
    // it out: Process.TakeDescriptor does).
    public sealed class PathHandle : OpenFile
    {
        public readonly Node Node;

        public PathHandle(Node node)
        {
            Node = node;
            Origin = node;
        }

        public override bool PathOnly => true;
        public override bool Readable => false;
        public override bool Writable => false;
        protected override ulong OpenedFlags => OpenFlags.Path;

        public override long Read(IFileUser user, ulong buffer, ulong count) => -Errno.EBADF;
        public override long Write(IFileUser user, ulong buffer, ulong count) => -Errno.EBADF;
    }
}
