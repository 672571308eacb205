using CosmosKernel.Abi;
using CosmosKernel.Files;

namespace CosmosKernel.FileSystem
{
    // A read-only file whose text is made when it is opened, for whoever opens it: the
    // files of /proc (ProcFiles). Each open reads its own snapshot, as a program
    // reading /proc/self/maps on Linux sees the mappings of the moment it read.
    public abstract class GeneratedNode : Node
    {
        protected GeneratedNode() : base(FileModes.Regular | 0x124) // r--r--r--
        {
            Links = 1;
        }

        // The file's text for `user`, or null when the heap has no room.
        public abstract string Generate(IFileUser user);
    }
}
