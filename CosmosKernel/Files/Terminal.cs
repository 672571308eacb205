using System.Threading;
using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Scheduling;
using CosmosKernel.Threading;

namespace CosmosKernel.Files
{
    // The console's input: one terminal that the PS/2 keyboard and COM1 both type on,
    // with Linux's line discipline (n_tty) for the part programs see: in canonical mode
    // (ICANON, the default) a line is edited (erase, kill, echo) and given to read()
    // whole once Enter or ^D ends it (^D on an empty line: end of file); without
    // ICANON bytes go to read() as they come (VMIN). ISIG: ^C sends SIGINT and ^\
    // SIGQUIT to the terminal's foreground process group. TCGETS/TCSETS read and set
    // struct termios (Abi/Termios); a session leader makes the terminal its controlling
    // one with TIOCSCTTY, and then TIOCGPGRP/TIOCSPGRP read and move the foreground
    // group.
    //
    // Bytes arrive in interrupt handlers on CPU 0 (Files/ConsoleInput), which may
    // have interrupted kernel code holding any lock: Receive only puts them in a
    // lock-free ring (one producer: CPU 0's handlers, which do not nest; one consumer:
    // the terminal's kernel thread, which runs Process). Process and the readers
    // share the rest under _lock.
    //
    // Not done: SIGTSTP (^Z: nothing stops a process here), SIGTTIN/SIGTTOU for
    // background groups, output processing beyond what the console does, VTIME, word
    // erase, ^R, ^V, flow control (^S/^Q are ordinary bytes).
    public sealed unsafe class Terminal
    {
        // What the process layer does for the terminal (the file layer is below it).
        public interface ISessions
        {
            // ^C and ^\: `signal` to every process of group `pgid`.
            void SignalGroup(int pgid, int signal);
            // TIOCSPGRP: whether a process of group `pgid` is in session `sid` (with
            // sid AnySession: in any; with pgid -1: whether any process is in the session; a session whose processes all ended has
            // no controlling terminal any more, as Linux's leader's exit frees it).
            bool GroupInSession(int pgid, int sid);
        }

        // ---- raw bytes from the interrupt handlers ---------------------------------------
        private const int RawSize = 256;
        private readonly byte[] _raw = new byte[RawSize];
        private int _rawWritten, _rawTaken; // counts; the producer writes one, the consumer the other

        // ---- the rest, under _lock (a spin lock; only the run queues' locks are taken
        // under it, by Unpark) ----------
        private readonly KernelSpinLock _lock = new KernelSpinLock("terminal");
        private const int InputSize = 4096;
        private readonly byte[] _input = new byte[InputSize]; // ready for read(): a ring
        private int _head, _count;
        private readonly int[] _lines = new int[InputSize];   // canonical: the lengths of the complete lines in _input (0: an end of file)
        private int _lineHead, _lineCount;
        private readonly byte[] _edit = new byte[InputSize];  // canonical: the line being typed
        private int _editLength;
        private readonly byte[] _termios = new byte[Termios.Bytes];
        private ushort _rows, _columns;
        private const int NoSession = -1;
        public const int AnySession = -1; // ISessions.GroupInSession: in any session
        private int _sessionSid = NoSession; // the session whose controlling terminal it is
        private int _foregroundPgid;
        private readonly ThreadIdSet _readers = new ThreadIdSet();

        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;
        private readonly Platform.KernelConsole _console;
        public ISessions Sessions; // set by the process layer

        public Terminal(Scheduler scheduler, UserCopier copier, Platform.KernelConsole console, ushort rows, ushort columns)
        {
            _scheduler = scheduler;
            _copier = copier;
            _console = console;
            _rows = rows;
            _columns = columns;
            // Linux's defaults for a new terminal (drivers/tty/tty_io.c, tty_std_termios).
            SetFlag(Termios.Iflag, Termios.Icrnl | Termios.Ixon);
            SetFlag(Termios.Oflag, Termios.Opost | Termios.Onlcr);
            SetFlag(Termios.Cflag, Termios.B38400 | Termios.Cs8 | Termios.Cread | Termios.Hupcl);
            SetFlag(Termios.Lflag, Termios.Isig | Termios.Icanon | Termios.Echo | Termios.Echoe | Termios.Echok
                | Termios.Echoctl | Termios.Echoke | Termios.Iexten);
            byte* cc = stackalloc byte[Termios.CcCount];
            cc[Termios.Vintr] = 3; cc[Termios.Vquit] = 0x1C; cc[Termios.Verase] = 0x7F; cc[Termios.Vkill] = 0x15;
            cc[Termios.Veof] = 4; cc[Termios.Vmin] = 1; cc[Termios.Vstart] = 0x11; cc[Termios.Vstop] = 0x13;
            cc[Termios.Vsusp] = 0x1A; cc[Termios.Vreprint] = 0x12; cc[Termios.Vdiscard] = 0x0F;
            cc[Termios.Vwerase] = 0x17; cc[Termios.Vlnext] = 0x16;
            for (int i = 0; i < Termios.CcCount; i++)
                _termios[Termios.Cc + i] = cc[i];
        }

        private uint Flag(int offset)
        {
            fixed (byte* t = _termios)
                return *(uint*)(t + offset);
        }

        private void SetFlag(int offset, uint value)
        {
            fixed (byte* t = _termios)
                *(uint*)(t + offset) = value;
        }

        private byte Control(int index) => _termios[Termios.Cc + index];

        // ---- input ----------------------------------------------------------------------

        // An interrupt handler on CPU 0 got `value`: kept for Process (dropped when 256
        // wait already). Takes no lock.
        public void Receive(byte value)
        {
            int written = _rawWritten;
            if (written - Volatile.Read(ref _rawTaken) >= RawSize)
                return;
            _raw[written % RawSize] = value;
            Volatile.Write(ref _rawWritten, written + 1);
        }

        public bool RawPending => Volatile.Read(ref _rawWritten) != Volatile.Read(ref _rawTaken);

        // The terminal thread: run the line discipline over what arrived.
        public void Process()
        {
            while (RawPending)
            {
                int taken = _rawTaken;
                byte value = _raw[taken % RawSize];
                Volatile.Write(ref _rawTaken, taken + 1);
                Discipline(value);
            }
        }

        // One byte through the line discipline. Its echo and the signal it may send
        // leave after _lock does (the console and the process table are not taken under it).
        private void Discipline(byte c)
        {
            const int EchoBytes = 3 * 256; // ^U's erasures of a line of up to 256 characters
            byte* echo = stackalloc byte[EchoBytes];
            int echoLength = 0, signal = 0, group = 0;
            bool wake = false;
            _lock.Acquire();
            uint iflag = Flag(Termios.Iflag), lflag = Flag(Termios.Lflag);
            bool echoOn = (lflag & Termios.Echo) != 0;
            if (c == '\r' && (iflag & Termios.Icrnl) != 0)
                c = (byte)'\n';
            if ((lflag & Termios.Isig) != 0 && (c == Control(Termios.Vintr) || c == Control(Termios.Vquit) || c == Control(Termios.Vsusp)) && c != 0)
            {
                signal = c == Control(Termios.Vintr) ? Signals.Int : c == Control(Termios.Vquit) ? Signals.Quit : Signals.Tstp;
                group = _sessionSid == NoSession ? -1 : _foregroundPgid;
                _editLength = 0; // Linux flushes what was typed
                if (echoOn)
                {
                    echo[echoLength++] = (byte)'^';
                    echo[echoLength++] = (byte)(c + 64);
                }
            }
            else if ((lflag & Termios.Icanon) != 0)
            {
                if ((c == Control(Termios.Verase) || c == 8) && c != 0)
                {
                    if (_editLength > 0)
                    {
                        _editLength--;
                        if (echoOn)
                            echoLength = Erase(echo);
                    }
                }
                else if (c == Control(Termios.Vkill) && c != 0)
                {
                    for (; _editLength > 0 && echoOn && echoLength + 3 <= EchoBytes; _editLength--)
                        echoLength += Erase(echo + echoLength);
                    _editLength = 0;
                }
                else if (c == Control(Termios.Veof) && c != 0)
                {
                    wake = Commit(); // the line so far, without a newline; empty: end of file
                }
                else if (_editLength < InputSize - 1 || c == '\n')
                {
                    _edit[_editLength++] = c;
                    if (echoOn)
                        echo[echoLength++] = c;
                    if (c == '\n' || (c == Control(Termios.Veol) && c != 0))
                        wake = Commit();
                }
            }
            else if (_count < InputSize)
            {
                _input[(_head + _count) % InputSize] = c;
                _count++;
                wake = true;
                if (echoOn)
                    echo[echoLength++] = c;
            }
            _lock.Release();
            if (echoLength > 0)
                _console.WriteAscii(echo, (ulong)echoLength);
            if (wake)
                WakeReaders();
            if (signal != 0 && group >= 0 && Sessions != null)
                Sessions.SignalGroup(group, signal);
        }

        private static int Erase(byte* echo)
        {
            echo[0] = 8;
            echo[1] = (byte)' ';
            echo[2] = 8;
            return 3;
        }

        // The edited line becomes readable (with _lock held): false if it does not fit.
        private bool Commit()
        {
            if (_count + _editLength > InputSize || _lineCount == InputSize)
            {
                _editLength = 0;
                return false;
            }
            for (int i = 0; i < _editLength; i++)
                _input[(_head + _count + i) % InputSize] = _edit[i];
            _count += _editLength;
            _lines[(_lineHead + _lineCount) % InputSize] = _editLength;
            _lineCount++;
            _editLength = 0;
            return true;
        }

        // Every sleeping reader looks again (Unpark takes a run queue's lock under
        // _lock, as a pipe wakes its waiters under its state's lock).
        private void WakeReaders()
        {
            _lock.Acquire();
            for (int i = 0; i < _readers.Count; i++)
                _scheduler.Unpark(_readers[i]);
            _lock.Release();
        }

        // ---- read ---------------------------------------------------------------------

        // Canonical: one line at most (the rest of it stays for the next read), 0 at an
        // end of file; else what there is once VMIN bytes are (VMIN 0: at once). Sleeps
        // for input as for a device (the scheduler's deadlock breaker leaves a program
        // waiting for a key alone); a signal for a handler ends the wait (ERESTARTSYS).
        public long Read(IFileUser user, ulong buffer, ulong count, bool nonblocking)
        {
            if (count == 0)
                return 0;
            const int Chunk = InputSize;
            byte* chunk = stackalloc byte[Chunk];
            int me = _scheduler.CurrentThreadId;
            while (true)
            {
                _lock.Acquire();
                int got = Take(chunk, count > Chunk ? Chunk : (int)count);
                if (got >= 0)
                {
                    _lock.Release();
                    if (got > 0 && _copier.CopyToUser(user.Space, buffer, chunk, (ulong)got) != 0)
                        return -Errno.EFAULT;
                    return got;
                }
                if (nonblocking || user.Interrupted)
                {
                    _lock.Release();
                    return nonblocking ? -Errno.EAGAIN : -Errno.ERESTARTSYS;
                }
                _readers.Add(me);
                _lock.Release();
                _scheduler.ParkForDevice();
                _lock.Acquire();
                _readers.Remove(me);
                _lock.Release();
            }
        }

        // poll: readable when a read would not wait (a whole line in canonical mode; in
        // raw mode VMIN bytes, at least one, as Linux's n_tty_poll).
        public int Poll()
        {
            _lock.Acquire();
            int vmin = Control(Termios.Vmin);
            bool readable = (Flag(Termios.Lflag) & Termios.Icanon) != 0 ? _lineCount > 0 : _count >= (vmin > 0 ? vmin : 1);
            _lock.Release();
            return readable ? PollEvents.In | PollEvents.ReadNormal : 0;
        }

        // With _lock held: up to `max` bytes for a read into `to`, or -1 if it must wait.
        private int Take(byte* to, int max)
        {
            if ((Flag(Termios.Lflag) & Termios.Icanon) != 0)
            {
                if (_lineCount == 0)
                    return -1;
                int line = _lines[_lineHead];
                int n = line < max ? line : max;
                TakeBytes(to, n);
                if (n == line)
                {
                    _lineHead = (_lineHead + 1) % InputSize;
                    _lineCount--;
                }
                else
                {
                    _lines[_lineHead] = line - n;
                }
                return n;
            }
            int vmin = Control(Termios.Vmin);
            if (_count == 0 && vmin > 0)
                return -1;
            if (_count < vmin && _count < max)
                return -1;
            int take = _count < max ? _count : max;
            TakeBytes(to, take);
            return take;
        }

        private void TakeBytes(byte* to, int n)
        {
            for (int i = 0; i < n; i++)
                to[i] = _input[(_head + i) % InputSize];
            _head = (_head + n) % InputSize;
            _count -= n;
        }

        // Bytes a read would find now (FIONREAD): in canonical mode, those of complete lines.
        private int Readable()
        {
            if ((Flag(Termios.Lflag) & Termios.Icanon) == 0)
                return _count;
            int total = 0;
            for (int i = 0; i < _lineCount; i++)
                total += _lines[(_lineHead + i) % InputSize];
            return total;
        }

        // ---- ioctl --------------------------------------------------------------------

        // The terminal's ioctls, Linux's errnos: ENOTTY for one it does not know, and for
        // the foreground group's when the caller's session does not have it as its
        // controlling terminal.
        public long Ioctl(IFileUser user, uint command, ulong argument)
        {
            int pid = user.Pid, pgid = user.Pgid, sid = user.Sid;
            byte* data = stackalloc byte[Termios.Bytes];
            switch (command)
            {
                case Termios.Tcgets:
                    _lock.Acquire();
                    for (int i = 0; i < Termios.Bytes; i++)
                        data[i] = _termios[i];
                    _lock.Release();
                    return ToUser(user, argument, data, Termios.Bytes);
                case Termios.Tcsets:
                case Termios.Tcsetsw:
                case Termios.Tcsetsf:
                    if (_copier.CopyFromUser(user.Space, data, argument, Termios.Bytes) != 0)
                        return -Errno.EFAULT;
                    _lock.Acquire();
                    bool wasCanonical = (Flag(Termios.Lflag) & Termios.Icanon) != 0;
                    for (int i = 0; i < Termios.Bytes; i++)
                        _termios[i] = data[i];
                    if (command == Termios.Tcsetsf)
                        FlushInput();
                    else if (wasCanonical && (Flag(Termios.Lflag) & Termios.Icanon) == 0)
                    {
                        // Raw now: what was typed is all readable as it is, the line
                        // still being edited too (Linux's n_tty keeps it: busybox's
                        // shell switches to raw mode after its prompt, and a command
                        // typed ahead of that lost its first characters).
                        Commit();
                        _lineCount = 0;
                    }
                    _lock.Release();
                    WakeReaders(); // a reader may find enough under the new rules
                    return 0;
                case Termios.Tcsbrk:
                    return 0; // output is written as it comes: nothing to drain
                case Termios.Tiocgwinsz:
                    ((ushort*)data)[0] = _rows;
                    ((ushort*)data)[1] = _columns;
                    ((ushort*)data)[2] = 0;
                    ((ushort*)data)[3] = 0;
                    return ToUser(user, argument, data, Termios.WinsizeBytes);
                case Termios.Tiocswinsz:
                    if (_copier.CopyFromUser(user.Space, data, argument, Termios.WinsizeBytes) != 0)
                        return -Errno.EFAULT;
                    _rows = ((ushort*)data)[0];
                    _columns = ((ushort*)data)[1];
                    return 0;
                case Termios.Fionread:
                    _lock.Acquire();
                    *(int*)data = Readable();
                    _lock.Release();
                    return ToUser(user, argument, data, 4);
                case Termios.Tiocsctty:
                    // A session leader takes the terminal as its controlling one (root may
                    // take it from another session, as Linux lets CAP_SYS_ADMIN).
                    if (sid != pid)
                        return -Errno.EPERM;
                    _lock.Acquire();
                    int holder = _sessionSid;
                    _lock.Release();
                    bool held = holder != NoSession && holder != sid && Sessions != null && Sessions.GroupInSession(-1, holder);
                    _lock.Acquire();
                    long answer = held && argument != 1 ? -Errno.EPERM : 0;
                    if (answer == 0)
                    {
                        _sessionSid = sid;
                        _foregroundPgid = pgid;
                    }
                    _lock.Release();
                    return answer;
                case Termios.Tiocgpgrp:
                case Termios.Tiocgsid:
                    if (Volatile.Read(ref _sessionSid) != sid)
                        return -Errno.ENOTTY;
                    *(int*)data = command == Termios.Tiocgsid ? sid : Volatile.Read(ref _foregroundPgid);
                    return ToUser(user, argument, data, 4);
                case Termios.Tiocspgrp:
                    if (Volatile.Read(ref _sessionSid) != sid)
                        return -Errno.ENOTTY;
                    if (_copier.CopyFromUser(user.Space, data, argument, 4) != 0)
                        return -Errno.EFAULT;
                    int group = *(int*)data;
                    if (group < 0)
                        return -Errno.EINVAL;
                    if (Sessions == null || !Sessions.GroupInSession(group, AnySession))
                        return -Errno.ESRCH;
                    if (!Sessions.GroupInSession(group, sid))
                        return -Errno.EPERM;
                    Volatile.Write(ref _foregroundPgid, group);
                    return 0;
                default:
                    return -Errno.ENOTTY;
            }
        }

        private long ToUser(IFileUser user, ulong address, byte* data, int bytes)
            => _copier.CopyToUser(user.Space, address, data, (ulong)bytes) == 0 ? 0 : -Errno.EFAULT;

        private void FlushInput()
        {
            _head = 0;
            _count = 0;
            _lineHead = 0;
            _lineCount = 0;
            _editLength = 0;
        }
    }
}
