using System.Threading;
using CosmosKernel.Abi;

namespace CosmosKernel.Processes
{
    // Signals sent and not taken yet, of a thread (tgkill) or of a process (kill): a bit
    // per number, so sending a pending signal again merges with it, as Linux does for
    // the standard signals; and who sent each. Senders add, the receiving thread takes,
    // both with a compare-exchange on the bits. A sender's pid is written before its bit
    // is set; a second sender may overwrite it, and the pid the handler sees is then one
    // of theirs.
    public sealed class PendingSignals
    {
        private long _bits;
        private readonly int[] _senders = new int[Signals.Count + 1];

        public ulong Bits => (ulong)Volatile.Read(ref _bits);

        public void Add(int signal, int senderPid)
        {
            _senders[signal] = senderPid;
            long old;
            do
                old = Volatile.Read(ref _bits);
            while (Interlocked.CompareExchange(ref _bits, old | (long)Bit(signal), old) != old);
        }

        // Take the signal if it is still pending (another thread of the process may take
        // a process-wide one first); the sender's pid.
        public bool Take(int signal, out int senderPid)
        {
            senderPid = _senders[signal];
            long old;
            do
            {
                old = Volatile.Read(ref _bits);
                if ((old & (long)Bit(signal)) == 0)
                    return false;
            }
            while (Interlocked.CompareExchange(ref _bits, old & ~(long)Bit(signal), old) != old);
            return true;
        }

        public static ulong Bit(int signal) => 1UL << (signal - 1);

        // The lowest-numbered signal in `bits` (not 0), which is delivered first.
        public static int Lowest(ulong bits)
        {
            int signal = 1;
            while ((bits & 1) == 0)
            {
                bits >>= 1;
                signal++;
            }
            return signal;
        }
    }
}
