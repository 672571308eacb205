using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Scheduling;
using CosmosKernel.Threading;

namespace CosmosKernel.Files
{
    // A pipe: a ring buffer with a read end and a write end. A reader of an empty pipe
    // sleeps until data or the last writer closes (then 0, end of file); a writer of a
    // full pipe sleeps until there is room or the last reader closes (then EPIPE). An
    // end opened O_NONBLOCK does not sleep: EAGAIN instead (or the part that fit).
    //
    // It holds Linux's default 64 KiB (PipeSizes.Capacity), so a program can write
    // 64 KiB into its own pipe without blocking. The buffer exists only while it holds
    // bytes, and only as large as they need: the first write makes it (the next power
    // of two that holds its bytes, at least 4 KiB; ENOMEM when the kernel heap has no
    // room for it, Platform/KernelHeap.HasRoom), a write that needs more room than it
    // has makes it bigger (up to 64 KiB), and the read that empties it drops it (the
    // collector takes it). So an idle pipe costs a few hundred bytes, a pipe with a
    // byte in it 4 KiB (the 16 MiB kernel heap would hold only ~200 full 64 KiB
    // buffers), and the kernel heap bounds what pipes hold at once. One heap array, so
    // a transfer of up to its size is one user copy: the race lab's scenarios copy
    // 16 KiB at a time, as the strategies promise (frames, not contiguous, would cut
    // it per page).
    public sealed unsafe class Pipe
    {
        public const int Capacity = PipeSizes.Capacity;
        private const int SmallestBuffer = 4096;

        // _state (a spin lock, held for a few instructions, never across a copy or a
        // sleep) guards the ring's fields, the end counts and the wait queue. read and
        // write run on several CPUs at once.
        private readonly KernelSpinLock _state = new KernelSpinLock("pipe");
        private byte[] _buffer;            // null while empty; its length is the ring's
        private bool _writerCopying;       // a writer's copy into _buffer (or a bigger one) is under way
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
        // A non-blocking call only tries its side's mutex: its holder may be sleeping
        // on an empty (or full) pipe, and this call must not wait for it (EAGAIN). A
        // blocking call waits for it as for the pipe itself: a signal or its process's
        // end makes it give up (ERESTARTSYS: EINTR or a restart), and the deadlock breaker counts it as a wait
        // for a program (two readers of a pipe nobody writes once panicked the kernel).
        private readonly FifoMutex _readSide;
        private readonly FifoMutex _writeSide;
        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;

        // The number fstat reports for both ends (pipefs's inode number): unique per pipe.
        private static long s_nextInode;
        public readonly ulong Inode = (ulong)System.Threading.Interlocked.Increment(ref s_nextInode);

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
        public long Read(IFileUser user, ulong buffer, ulong count, bool nonblocking)
        {
            if (count == 0)
                return 0;
            long refused = LockSide(_readSide, user, nonblocking);
            if (refused != 0)
                return refused;
            long result = ReadLocked(user, buffer, count, nonblocking);
            _readSide.Unlock();
            return result;
        }

        public long Write(IFileUser user, ulong buffer, ulong count, bool nonblocking)
        {
            if (count == 0)
                return 0; // even without readers: no EPIPE
            long refused = LockSide(_writeSide, user, nonblocking);
            if (refused != 0)
                return refused;
            long result = WriteLocked(user, buffer, count, nonblocking, wholeOrNothing: count <= PipeSizes.Atomic);
            _writeSide.Unlock();
            return result;
        }

        // readv: the segments in turn under one hold of the read side; only the first
        // may wait for data (a read returns what there is once it has some).
        public long ReadVector(IFileUser user, Iovec* segments, int count, bool nonblocking)
        {
            if (Total(segments, count) == 0)
                return 0;
            long refused = LockSide(_readSide, user, nonblocking);
            if (refused != 0)
                return refused;
            long done = 0;
            for (int i = 0; i < count; i++)
            {
                ulong length = segments[i].Length;
                if (length == 0)
                    continue;
                long moved = ReadLocked(user, segments[i].Base, length, nonblocking || done > 0);
                if (moved < 0)
                {
                    if (done == 0)
                        done = moved;
                    break;
                }
                done += moved;
                if ((ulong)moved < length)
                    break;
            }
            _readSide.Unlock();
            return done;
        }

        // writev: the segments in turn under one hold of the write side, so no other
        // writer's bytes come between them; non-blocking, up to PIPE_BUF bytes in all
        // go whole or not at all.
        public long WriteVector(IFileUser user, Iovec* segments, int count, bool nonblocking)
        {
            ulong total = Total(segments, count);
            if (total == 0)
                return 0;
            long refused = LockSide(_writeSide, user, nonblocking);
            if (refused != 0)
                return refused;
            long done = 0;
            if (nonblocking && total <= PipeSizes.Atomic && !HasRoomFor(total))
                done = -Errno.EAGAIN;
            for (int i = 0; i < count && done >= 0; i++)
            {
                ulong length = segments[i].Length;
                if (length == 0)
                    continue;
                long moved = WriteLocked(user, segments[i].Base, length, nonblocking, wholeOrNothing: false);
                if (moved < 0)
                {
                    if (done == 0)
                        done = moved;
                    break;
                }
                done += moved;
                if ((ulong)moved < length)
                    break;
            }
            _writeSide.Unlock();
            return done;
        }

        // Take a side for a call: 0, or -EAGAIN (non-blocking, held), or -ERESTARTSYS (the
        // caller was interrupted while it waited: the holder may sleep on an empty or
        // full pipe for ever, and a signal or the caller's end must still end the wait).
        private static long LockSide(FifoMutex side, IFileUser user, bool nonblocking)
        {
            if (nonblocking)
                return side.TryLock() ? 0 : -Errno.EAGAIN;
            return side.LockInterruptible(user) ? 0 : -Errno.ERESTARTSYS;
        }

        private static ulong Total(Iovec* segments, int count)
        {
            ulong total = 0;
            for (int i = 0; i < count; i++)
                total += segments[i].Length; // the syscall cut them to MAX_RW_COUNT in all
            return total;
        }

        // FIONREAD: the bytes in the pipe now, as an int at `address`.
        public long ReportBytes(IFileUser user, ulong address)
        {
            _state.Acquire();
            int bytes = _count;
            _state.Release();
            return _copier.CopyToUser(user.Space, address, (byte*)&bytes, 4) == 0 ? 0 : -Errno.EFAULT;
        }

        // poll, as Linux's pipe_poll: the read end is readable with bytes in the pipe and
        // hung up once no writer is left; the write end is writable with room and in
        // error once no reader is left.
        public int Poll(bool writer)
        {
            _state.Acquire();
            int events = 0;
            if (writer)
            {
                if (_count < Capacity)
                    events |= PollEvents.Out | PollEvents.WriteNormal;
                if (_readers == 0)
                    events |= PollEvents.Error;
            }
            else
            {
                if (_count > 0)
                    events |= PollEvents.In | PollEvents.ReadNormal;
                if (_writers == 0)
                    events |= PollEvents.HangUp;
            }
            _state.Release();
            return events;
        }

        // Whether `bytes` more fit now (the caller holds the write side: only a reader
        // can change that meanwhile, and only to more room).
        private bool HasRoomFor(ulong bytes)
        {
            _state.Acquire();
            bool fits = (ulong)(Capacity - _count) >= bytes;
            _state.Release();
            return fits;
        }

        private long ReadLocked(IFileUser user, ulong buffer, ulong count, bool nonblocking)
        {
            _state.Acquire();
            while (_count == 0)
            {
                if (_writers == 0)
                {
                    _state.Release();
                    return 0;
                }
                if (nonblocking || user.Interrupted)
                {
                    _state.Release();
                    return nonblocking ? -Errno.EAGAIN : -Errno.ERESTARTSYS;
                }
                SleepReleasing();
                _state.Acquire();
            }
            ulong done = 0;
            while (done < count && _count > 0)
            {
                byte[] data = _buffer;
                int size = data.Length;
                int head = _head;
                int contiguous = head + _count <= size ? _count : size - head;
                ulong chunk = count - done < (ulong)contiguous ? count - done : (ulong)contiguous;
                _state.Release();
                ulong notCopied;
                fixed (byte* from = &data[head])
                    notCopied = _copier.CopyToUser(user.Space, buffer + done, from, chunk);
                ulong copied = chunk - notCopied;
                _state.Acquire();
                // _buffer, not data: a writer may have moved the bytes into a bigger
                // buffer meanwhile (Grow), where _head names the same byte.
                _head = (_head + (int)copied) % _buffer.Length;
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

        // wholeOrNothing: a non-blocking write of up to PIPE_BUF bytes.
        private long WriteLocked(IFileUser user, ulong buffer, ulong count, bool nonblocking, bool wholeOrNothing)
        {
            ulong done = 0;
            _state.Acquire();
            while (done < count)
            {
                ulong remaining = count - done;
                if (_readers == 0)
                {
                    _state.Release();
                    return done > 0 ? (long)done : -Errno.EPIPE;
                }
                ulong room = (ulong)(Capacity - _count);
                // Non-blocking: what fits, but a write of up to PIPE_BUF bytes whole or
                // not at all (POSIX's atomic writes; Linux's page-sized slots give it).
                if (nonblocking && (room == 0 || (wholeOrNothing && room < remaining)))
                {
                    _state.Release();
                    return done > 0 ? (long)done : -Errno.EAGAIN;
                }
                if (room == 0)
                {
                    if (user.Interrupted)
                    {
                        _state.Release();
                        return done > 0 ? (long)done : -Errno.ERESTARTSYS;
                    }
                    WakeAllLocked();
                    SleepReleasing();
                    _state.Acquire();
                    continue;
                }
                int size = _buffer == null ? 0 : _buffer.Length;
                if (size < Capacity && (ulong)(size - _count) < remaining)
                {
                    if (GrowHolding(remaining))
                        continue;
                    if (_buffer == null || _buffer.Length == _count)
                    {
                        _state.Release();
                        return done > 0 ? (long)done : -Errno.ENOMEM;
                    }
                    // No heap for a bigger one: what room the one there has.
                }
                byte[] data = _buffer;
                size = data.Length;
                int tail = (_head + _count) % size;
                int contiguous = tail >= _head ? size - tail : _head - tail;
                if (contiguous > size - _count)
                    contiguous = size - _count;
                ulong chunk = remaining < (ulong)contiguous ? remaining : (ulong)contiguous;
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

        // With _state held, by the writer (_writeSide): a buffer big enough for the bytes
        // in the pipe and `wanted` more (a power of two, SmallestBuffer..Capacity), with
        // the bytes moved to its start. False when the kernel heap has no room for it.
        // The heap check may collect, and the move is long: both outside _state. The
        // reader may go on reading meanwhile (from the old buffer, whose bytes stay as
        // they were): only it moves _head and lowers _count, so what it took is
        // oldCount - _count, and that is where the bytes it has not taken start in the
        // new buffer. _writerCopying keeps it from dropping the old buffer meanwhile.
        private bool GrowHolding(ulong wanted)
        {
            byte[] old = _buffer;
            int oldHead = _head, oldCount = _count;
            int size = SizeFor((ulong)oldCount + wanted);
            _writerCopying = true;
            _state.Release();
            // HasRoom keeps the heap's reserve; the allocation itself may still find no
            // block (another CPU took it meanwhile): then the ring stays as it is.
            byte[] made = Platform.KernelHeap.HasRoom((ulong)size) ? Internal.Runtime.RuntimeHeap.TryNewByteArray(size) : null;
            if (made != null && oldCount > 0)
                CopyRing(old, oldHead, oldCount, made);
            _state.Acquire();
            _writerCopying = false;
            if (made == null)
                return false;
            _buffer = made;
            _head = oldCount - _count;
            return true;
        }

        // The smallest power of two from SmallestBuffer up that holds `bytes`, at most Capacity.
        private static int SizeFor(ulong bytes)
        {
            int size = SmallestBuffer;
            while (size < Capacity && (ulong)size < bytes)
                size *= 2;
            return size;
        }

        // `count` bytes of the ring `from`, starting at `head`, to the start of `to`.
        private static void CopyRing(byte[] from, int head, int count, byte[] to)
        {
            int first = head + count <= from.Length ? count : from.Length - head;
            fixed (byte* source = &from[0])
            fixed (byte* destination = &to[0])
            {
                Cosmos.HAL.Native.Memcpy(destination, source + head, (ulong)first);
                if (count > first)
                    Cosmos.HAL.Native.Memcpy(destination + first, source, (ulong)(count - first));
            }
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
