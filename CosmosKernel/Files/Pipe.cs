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

        // _state (a spin lock, held for a few instructions, never across a copy or a
        // sleep) guards the ring's fields, the end counts and the wait queue. read and
        // write run on several CPUs at once.
        private readonly KernelSpinLock _state = new KernelSpinLock("pipe");
        private byte[] _buffer;            // null while empty
        private bool _writerCopying;       // a writer's copy into _buffer is under way
        private int _head;                 // next byte to read
        private int _count;                // bytes in the buffer
        private int _readers = 1, _writers = 1;
        private readonly Threading.WaitQueue _waiters = new WaitQueue(4); // grows

        // One reader and one writer at a time, each for a whole call. A user copy is a
        // scheduling point and moves its bytes without any lock, so two readers would
        // both copy from _head, and two writers into the same free bytes. A reader and a
        // writer never touch the same bytes: only the reader moves _head, only the
        // writer adds to _count, each after its copy, under _state; a reader drops the
        // buffer only while no writer copies into it. Order: _readSide or _writeSide,
        // then the VMM's locks (the copies take them) or _state; never both sides.
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
            _state.Acquire();
            while (_count == 0)
            {
                if (_writers == 0)
                {
                    _state.Release();
                    return 0;
                }
                if (user.Exiting)
                {
                    _state.Release();
                    return -Errno.EINTR;
                }
                SleepReleasing();
                _state.Acquire();
            }
            ulong done = 0;
            while (done < count && _count > 0)
            {
                int contiguous = _head + _count <= Capacity ? _count : Capacity - _head;
                ulong chunk = count - done < (ulong)contiguous ? count - done : (ulong)contiguous;
                byte[] data = _buffer;
                int head = _head;
                _state.Release();
                ulong notCopied;
                fixed (byte* from = &data[head])
                    notCopied = _copier.CopyToUser(user.Space, buffer + done, from, chunk);
                ulong copied = chunk - notCopied;
                _state.Acquire();
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
            WakeAllLocked();
            _state.Release();
            return done > 0 ? (long)done : -Errno.EFAULT;
        }

        private long WriteLocked(IFileUser user, ulong buffer, ulong count)
        {
            ulong done = 0;
            _state.Acquire();
            while (done < count)
            {
                if (_readers == 0)
                {
                    _state.Release();
                    return done > 0 ? (long)done : -Errno.EPIPE;
                }
                if (_count == Capacity)
                {
                    if (user.Exiting)
                    {
                        _state.Release();
                        return done > 0 ? (long)done : -Errno.EINTR;
                    }
                    WakeAllLocked();
                    SleepReleasing();
                    _state.Acquire();
                    continue;
                }
                if (_buffer == null)
                {
                    _state.Release();
                    // The heap check may collect: not under a spin lock. Made outside,
                    // kept only if the pipe still has none (only this writer makes one).
                    if (!Platform.KernelHeap.HasRoom(Capacity))
                        return done > 0 ? (long)done : -Errno.ENOMEM;
                    var made = new byte[Capacity];
                    _state.Acquire();
                    if (_buffer == null)
                    {
                        _buffer = made;
                        _head = 0;
                    }
                    continue;
                }
                int tail = (_head + _count) % Capacity;
                int contiguous = tail >= _head ? Capacity - tail : _head - tail;
                if (contiguous > Capacity - _count)
                    contiguous = Capacity - _count;
                ulong chunk = count - done < (ulong)contiguous ? count - done : (ulong)contiguous;
                byte[] data = _buffer;
                _writerCopying = true;
                _state.Release();
                ulong notCopied;
                fixed (byte* to = &data[tail])
                    notCopied = _copier.CopyFromUser(user.Space, to, buffer + done, chunk);
                ulong copied = chunk - notCopied;
                _state.Acquire();
                _writerCopying = false;
                _count += (int)copied;
                done += copied;
                if (notCopied != 0)
                {
                    WakeAllLocked();
                    _state.Release();
                    return done > 0 ? (long)done : -Errno.EFAULT;
                }
            }
            WakeAllLocked();
            _state.Release();
            return (long)done;
        }

        public void CloseEnd(bool writer)
        {
            _state.Acquire();
            if (writer)
                _writers--;
            else
                _readers--;
            WakeAllLocked();
            _state.Release();
        }

        // With _state held: queue this thread, release _state, sleep until the other end
        // did something (WakeAllLocked) or the process is ending. A wake-up between the
        // release and the sleep is kept by the scheduler (Park's permit).
        private void SleepReleasing()
        {
            Scheduler scheduler = _scheduler;
            _waiters.Enqueue(scheduler.Current.Id);
            _state.Release();
            scheduler.Park(forUser: true);
        }

        // With _state held. Never the caller itself: a thread whose Park returned
        // without a wake-up from here (a spare one is allowed: FUTEX_WAKE of a timed
        // wait leaves one) is still queued; the writer of a full pipe, which wakes every
        // waiter before it sleeps, then woke itself, so its every sleep returned at
        // once: it spun with the (then) kernel lock held and every CPU hung (found by the
        // fuzzer; readwrite checks it).
        private void WakeAllLocked()
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
