using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // poll and ppoll. Each round asks every descriptor's open file what it could do now
    // (OpenFile.Poll); with nothing ready, the thread sleeps one scheduler tick (or
    // until a signal comes) and asks again: no file keeps a list of its pollers yet,
    // so a poller notices a change within a tick (10 ms), not at once.
    public sealed unsafe partial class SyscallTable
    {
        // Pollfds on the kernel stack up to this many; more are a heap array.
        private const int PollfdsOnStack = 64;

        // poll(fds, nfds, timeout in ms; negative: none).
        private long Poll(Process process, ulong fds, ulong count, long milliseconds)
        {
            long timeout = (int)milliseconds < 0 ? -1 : (long)(int)milliseconds * 1000000;
            return PollFor(process, fds, count, timeout);
        }

        // ppoll(fds, nfds, timeout as a timespec or NULL, sigmask or NULL, sigsetsize):
        // the mask is the thread's while it waits (put back before it returns: a signal
        // it let in ends the wait with EINTR and stays pending).
        private long Ppoll(Process process, ulong fds, ulong count, ulong timeoutAddress, ulong maskAddress, ulong maskSize)
        {
            long timeout = -1;
            if (timeoutAddress != 0)
            {
                timeout = ReadTimespec(process, timeoutAddress);
                if (timeout < 0)
                    return timeout;
            }
            if (maskAddress == 0)
                return PollFor(process, fds, count, timeout);
            if (maskSize != 8)
                return -Errno.EINVAL;
            ulong mask;
            if (_copier.CopyFromUser(process.Space, (byte*)&mask, maskAddress, 8) != 0)
                return -Errno.EFAULT;
            UserThread me = _programs.CurrentThread;
            ulong saved = me.SignalMask;
            me.SignalMask = mask & ~(PendingSignals.Bit(Signals.Kill) | PendingSignals.Bit(Signals.Stop));
            long result = PollFor(process, fds, count, timeout);
            me.SignalMask = saved;
            return result;
        }

        // The pollfds copied in (EINVAL past the descriptor limit, EFAULT), polled until
        // one is ready, the timeout (nanoseconds, -1: none) passes, or a signal comes
        // (EINTR, as Linux's poll, which is not restarted); then the revents copied out.
        private long PollFor(Process process, ulong fds, ulong count, long timeout)
        {
            if (count > FileTable.DescriptorLimit)
                return -Errno.EINVAL;
            int n = (int)count;
            ulong bytes = (ulong)n * PollEvents.PollfdBytes;
            if (n <= PollfdsOnStack)
            {
                byte* onStack = stackalloc byte[PollfdsOnStack * PollEvents.PollfdBytes];
                return PollIn(process, fds, onStack, n, bytes, timeout);
            }
            byte[] array = Platform.KernelHeap.HasRoom(bytes) ? Internal.Runtime.RuntimeHeap.TryNewByteArray((int)bytes) : null;
            if (array == null)
                return -Errno.ENOMEM;
            fixed (byte* pollfds = &array[0])
                return PollIn(process, fds, pollfds, n, bytes, timeout);
        }

        private long PollIn(Process process, ulong fds, byte* pollfds, int n, ulong bytes, long timeout)
        {
            if (n > 0 && _copier.CopyFromUser(process.Space, pollfds, fds, bytes) != 0)
                return -Errno.EFAULT;
            ulong deadline = timeout < 0 ? ulong.MaxValue : Platform.Clock.NowNanoseconds() + (ulong)timeout;
            UserThread me = _programs.CurrentThread;
            int ready;
            while (true)
            {
                ready = PollRound(process, pollfds, n);
                if (ready > 0 || Platform.Clock.NowNanoseconds() >= deadline)
                    break;
                if (me.Interrupted)
                    return -Errno.EINTR;
                _scheduler.ForgetEarlierWake();
                if (!me.Interrupted)
                    _scheduler.Sleep(1, honorEarlierWake: true);
            }
            if (n > 0 && _copier.CopyToUser(process.Space, fds, pollfds, bytes) != 0)
                return -Errno.EFAULT;
            return ready;
        }

        // One look at every pollfd: revents written, the number with any.
        private static int PollRound(Process process, byte* pollfds, int n)
        {
            int ready = 0;
            for (int i = 0; i < n; i++)
            {
                byte* pollfd = pollfds + i * PollEvents.PollfdBytes;
                int fd = *(int*)pollfd;
                int wanted = *(short*)(pollfd + PollEvents.EventsOffset) | PollEvents.Error | PollEvents.HangUp;
                int events = 0;
                if (fd >= 0)
                {
                    OpenFile file = process.TakeFile((uint)fd);
                    events = file == null ? PollEvents.Invalid : file.Poll() & wanted;
                    file?.Release();
                }
                *(short*)(pollfd + PollEvents.ReturnedOffset) = (short)events;
                if (events != 0)
                    ready++;
            }
            return ready;
        }
    }
}
