using CosmosKernel.Abi;

namespace CosmosKernel.FileSystem
{
    // A symbolic link: a path, read by the walk that meets it (FileTree) and by
    // readlink. Never changes once made.
    public sealed class SymlinkNode : Node
    {
        public readonly string Target;

        public SymlinkNode(string target) : base(FileModes.Symlink | 0x1FF) // lrwxrwxrwx, as Linux shows every link
        {
            Target = target;
            Links = 1;
        }

        public override ulong Size => (ulong)Target.Length;
    }
}
