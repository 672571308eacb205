using CosmosKernel.Abi;

namespace CosmosKernel.FileSystem
{
    // A directory: its entries, name to node, in the order they were made (getdents64
    // lists them in that order after "." and ".."). Everything here is guarded by the
    // tree's lock (FileTree): the entries, Parent and Name.
    public sealed class DirectoryNode : Node
    {
        // The directory that holds this one (the root's is itself), and this one's name
        // there: getcwd walks them up. Null once removed (rmdir, or replaced by rename):
        // nothing can be made in it any more, and getcwd in it is ENOENT.
        public DirectoryNode Parent;
        public string Name;

        private string[] _names = new string[4];
        private Node[] _nodes = new Node[4];
        private int _count;

        public DirectoryNode(uint permissions, DirectoryNode parent, string name) : base(FileModes.Directory | (permissions & FileModes.PermissionMask))
        {
            Parent = parent ?? this;
            Name = name;
            Links = 2; // its entry in its parent, and its own "."
        }

        public bool Removed => Parent == null;
        public int Count => _count;
        public bool IsEmpty => _count == 0;

        // A directory's size, as tmpfs reports it: a few bytes per entry.
        public override ulong Size => (ulong)(_count + 2) * 20;

        // The entry `name` (not "." or ".."), or null.
        public Node Find(string name)
        {
            int i = IndexOf(name);
            return i < 0 ? null : _nodes[i];
        }

        private int IndexOf(string name)
        {
            for (int i = 0; i < _count; i++)
                if (_names[i] == name)
                    return i;
            return -1;
        }

        // Entry `index` (0-based, in creation order): false past the last.
        public bool EntryAt(int index, out string name, out Node node)
        {
            name = index < _count ? _names[index] : null;
            node = index < _count ? _nodes[index] : null;
            return index < _count;
        }

        // A new entry; the caller has checked that `name` is free.
        public void Add(string name, Node node)
        {
            if (_count == _names.Length)
            {
                var names = new string[_count * 2];
                var nodes = new Node[_count * 2];
                for (int i = 0; i < _count; i++)
                {
                    names[i] = _names[i];
                    nodes[i] = _nodes[i];
                }
                _names = names;
                _nodes = nodes;
            }
            _names[_count] = name;
            _nodes[_count] = node;
            _count++;
            Touch();
        }

        // Drop the entry `name` (the later ones move up one: a listing under way may
        // skip one, as Linux allows for entries removed while it reads).
        public void Remove(string name)
        {
            int i = IndexOf(name);
            if (i < 0)
                return;
            for (int j = i; j < _count - 1; j++)
            {
                _names[j] = _names[j + 1];
                _nodes[j] = _nodes[j + 1];
            }
            _count--;
            _names[_count] = null;
            _nodes[_count] = null;
            Touch();
        }
    }
}
