using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Scheduling;
using CosmosKernel.Threading;

namespace CosmosKernel.Files
{
    // A pipe: a ring buffer with a read end and a write end. A reader of an empty pipe
    // sleeps until data or the last writer closes (then 0, end of file); a writer of a
    // full pipe sleeps until there is room or the last reader closes (then EPIPE).
    //
    // The buffer exists only while it holds bytes: made by the first write (ENOMEM
    // when the kernel heap has no room for it, Platform/KernelHeap.HasRoom), dropped by the read
    // that empties it (the collector takes it). So an idle pipe costs a few hundred
    // bytes, and the kernel heap bounds how many pipes hold bytes at once. One heap
    // array, so a transfer is one user copy: the race lab's scenarios copy 16 KiB at a
    // time, as the strategies promise (frames, not contiguous, would cut it per page).
    public sealed unsafe class Pipe
    {
        public const int Capacity = 16 * 1024;

        private byte[] _buffer;            // null while empty
        private bool _writerCopying;       // a writer's copy into _buffer is under way
        private int _head;                 // next byte to read
        private int _count;                // bytes in the buffer
        public int Readers = 1, Writers = 1;
        private readonly Threading.WaitQueue _waiters = new WaitQueue(4); // grows

        // One reader and one writer at a time, each for a whole call. A user copy is a
        // scheduling point and moves its bytes without the kernel lock, so two readers
        // would both copy from _head, and two writers into the same free bytes. A reader
        // and a writer never touch the same bytes: _head and _count change only after a
        // copy, under the kernel lock. Order: _readSide or _writeSide, then the VMM's
        // locks (the copies take them); never both sides.
        private readonly FifoMutex _readSide;
        private readonly FifoMutex _writeSide;
        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;

        public Pipe(Scheduler scheduler, UserCopier copier)
        {
            _scheduler = scheduler;
            _copier = copier;
            _readSide = new FifoMutex(scheduler, 4, "pipe read");
            _writeSide = new FifoMutex(scheduler, 4, "pipe write");
        }

        // A zero count succeeds at once, before the lock, as Linux's pipe_read and
        // pipe_write (issue 16, item 9: it waited for data, or behind a writer waiting
        // for room).
        public long Read(IFileUser user, ulong buffer, ulong count)
        {
            if (count == 0)
                return 0;
            _readSide.Lock();
            long result = ReadLocked(user, buffer, count);
            _readSide.Unlock();
            return result;
        }

        public long Write(IFileUser user, ulong buffer, ulong count)
        {
            if (count == 0)
                return 0; // even without readers: no EPIPE
            _writeSide.Lock();
            long result = WriteLocked(user, buffer, count);
            _writeSide.Unlock();
            return result;
        }

        private long ReadLocked(IFileUser user, ulong buffer, ulong count)
        {
            while (_count == 0)
            {
                if (Writers == 0)
                    return 0;
                if (user.Exiting)
                    return -Errno.EINTR;
                Sleep();
            }
            ulong done = 0;
            while (done < count && _count > 0)
            {
                int contiguous = _head + _count <= Capacity ? _count : Capacity - _head;
                ulong chunk = count - done < (ulong)contiguous ? count - done : (ulong)contiguous;
                ulong notCopied;
                fixed (byte* data = &_buffer[_head])
                    notCopied = _copier.CopyToUser(user.Space, buffer + done, data, chunk);
                ulong copied = chunk - notCopied;
                _head = (_head + (int)copied) % Capacity;
                _count -= (int)copied;
                done += copied;
                if (notCopied != 0)
                    break;
            }
            // Empty, and no writer filling it: the buffer goes (the collector takes it).
            if (_count == 0 && !_writerCopying)
            {
                _buffer = null;
                _head = 0;
            }
            WakeAll();
            return done > 0 ? (long)done : -Errno.EFAULT;
        }

        private long WriteLocked(IFileUser user, ulong buffer, ulong count)
        {
            ulong done = 0;
            while (done < count)
            {
                if (Readers == 0)
                    return done > 0 ? (long)done : -Errno.EPIPE;
                if (_count == Capacity)
                {
                    if (user.Exiting)
                        return done > 0 ? (long)done : -Errno.EINTR;
                    WakeAll();
                    Sleep();
                    continue;
                }
                if (_buffer == null)
                {
                    if (!Platform.KernelHeap.HasRoom(Capacity))
                        return done > 0 ? (long)done : -Errno.ENOMEM;
                    _buffer = new byte[Capacity];
                }
                int tail = (_head + _count) % Capacity;
                int contiguous = tail >= _head ? Capacity - tail : _head - tail;
                if (contiguous > Capacity - _count)
                    contiguous = Capacity - _count;
                ulong chunk = count - done < (ulong)contiguous ? count - done : (ulong)contiguous;
                ulong notCopied;
                _writerCopying = true;
                fixed (byte* data = &_buffer[tail])
                    notCopied = _copier.CopyFromUser(user.Space, data, buffer + done, chunk);
                _writerCopying = false;
                ulong copied = chunk - notCopied;
                _count += (int)copied;
                done += copied;
                if (notCopied != 0)
                {
                    WakeAll();
                    return done > 0 ? (long)done : -Errno.EFAULT;
                }
            }
            WakeAll();
            return (long)done;
        }

        public void CloseEnd(bool writer)
        {
            if (writer)
                Writers--;
            else
                Readers--;
            WakeAll();
        }

        // Sleep until the other end did something (WakeAll), or the process is ending.
        private void Sleep()
        {
            Scheduler scheduler = _scheduler;
            _waiters.Enqueue(scheduler.Current.Id);
            scheduler.Park(forUser: true);
        }

        // Never the caller itself: a thread whose Park returned without a wake-up from
        // here (a spare one is allowed: FUTEX_WAKE of a timed wait leaves one) is still
        // queued; the writer of a full pipe, which wakes every waiter before it sleeps,
        // then woke itself, so its every sleep returned at once: it spun with the
        // kernel lock held and every CPU hung (found by the fuzzer; readwrite checks it).
        private void WakeAll()
        {
            Scheduler scheduler = _scheduler;
            int me = scheduler.Current.Id;
            while (_waiters.Count > 0)
            {
                int id = _waiters.Dequeue();
                if (id != me)
                    scheduler.Unpark(id);
            }
        }
    }
}
