using System.IO;

namespace CosmosKernel.Userland.Runtime
{
    // Console.Out for user programs: write(1), one syscall per line.
    public sealed unsafe class StdoutWriter : TextWriter
    {
        private const int Capacity = 256;
        private readonly byte[] _line = new byte[Capacity];
        private int _used;

        public override void Write(char c)
        {
            _line[_used++] = c < 128 ? (byte)c : (byte)'?';
            if (c == '\n' || _used == Capacity)
                Flush();
        }

        public void Flush()
        {
            if (_used == 0)
                return;
            fixed (byte* bytes = _line)
                Sys.Write(1, bytes, (ulong)_used);
            _used = 0;
        }
    }
}
