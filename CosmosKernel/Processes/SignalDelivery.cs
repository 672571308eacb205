using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.Processes
{
    // Running a program's signal handlers, as x86-64 Linux does: on the way back to
    // ring 3 (a syscall's return, a timer tick that interrupted ring 3, a fault), a
    // pending signal that the thread does not block is taken; its handler runs on the
    // thread's stack (or its sigaltstack) with a frame holding what it interrupted (the
    // registers, the signal mask, the x87/SSE state: struct rt_sigframe, Abi/Signals),
    // and returns through its restorer into rt_sigreturn, which puts all of it back.
    //
    // Sending (which thread, what is fatal at once) is ProgramRunner.SendSignal's; this
    // file only delivers. A signal is taken by the thread it was sent to, or for a
    // process-directed one (kill) by the first of its threads to come back to ring 3
    // without blocking it: threads of the process may race for the bit, and the
    // atomic clear decides.
    //
    // Not done (issue 13): real-time signals queue one instance per number, as the
    // standard ones; a stopping signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) is ignored,
    // as nothing here stops a process; a signal for a thread running on another CPU
    // waits for that CPU's next tick (at most 10 ms) rather than an IPI.
    public sealed unsafe class SignalDelivery
    {
        private static SignalDelivery s_instance;

        private readonly ProgramRunner _programs;
        private readonly UserCopier _copier;

        // The x87 and SSE state a handler starts with, and what an rt_sigreturn
        // without one gets: after fninit, MXCSR's default.
        private const ushort InitialFcw = 0x037F;
        private const uint InitialMxcsr = 0x1F80;
        // The fxsave image's fields.
        private const int FxFcw = 0, FxMxcsr = 24, FxMxcsrMask = 28, FxXmm = 160;
        private const uint DefaultMxcsrMask = 0xFFBF;

        // The RFLAGS bits a handler's ucontext may change (Linux's FIX_EFLAGS less RF,
        // which ring 3 cannot hold here).
        private const ulong RestorableRflags = UserMode.RflagsAc | UserMode.RflagsOf | UserMode.RflagsDf | UserMode.RflagsTf
            | UserMode.RflagsSf | UserMode.RflagsZf | UserMode.RflagsAf | UserMode.RflagsPf | UserMode.RflagsCf;

        private const ulong RedZone = 128;       // below a program's stack pointer: its own (the ABI's red zone)
        private const ulong UserEnd = Memory.Paging.UserSpaceEnd; // no user mapping at or above it

        public SignalDelivery(ProgramRunner programs, UserCopier copier, Scheduling.Scheduler scheduler)
        {
            _programs = programs;
            _copier = copier;
            s_instance = this;
            scheduler.ReturningToUser = &ReturningToUser;
        }

        // ---- the registers a signal interrupts --------------------------------------

        // A program's general registers in struct sigcontext's order (r8 first), so a
        // frame's mcontext is a copy of them.
        private struct UserRegisters
        {
            public ulong R8, R9, R10, R11, R12, R13, R14, R15, Rdi, Rsi, Rbp, Rbx, Rdx, Rax, Rcx, Rsp, Rip, Rflags;
        }
        private const int GeneralRegisters = 18;

        private static UserRegisters FromSyscall(SyscallFrame* f) => new UserRegisters
        {
            R8 = f->R8, R9 = f->R9, R10 = f->R10, R11 = f->R11, R12 = f->R12, R13 = f->R13, R14 = f->R14, R15 = f->R15,
            Rdi = f->Rdi, Rsi = f->Rsi, Rbp = f->Rbp, Rbx = f->Rbx, Rdx = f->Rdx, Rax = f->Rax,
            Rcx = f->Rcx, Rsp = f->Rsp, Rip = f->Rcx, Rflags = f->R11, // syscall left rip in rcx, rflags in r11
        };

        // sysret takes rip from rcx and rflags from r11: the handler starts with those
        // two equal to its rip and rflags, as after any syscall.
        private static void ToSyscall(in UserRegisters r, SyscallFrame* f)
        {
            f->R8 = r.R8; f->R9 = r.R9; f->R10 = r.R10; f->R12 = r.R12; f->R13 = r.R13; f->R14 = r.R14; f->R15 = r.R15;
            f->Rdi = r.Rdi; f->Rsi = r.Rsi; f->Rbp = r.Rbp; f->Rbx = r.Rbx; f->Rdx = r.Rdx; f->Rax = r.Rax;
            f->Rsp = r.Rsp; f->Rcx = r.Rip; f->R11 = r.Rflags;
        }

        private static UserRegisters FromInterrupt(InterruptFrame* f) => new UserRegisters
        {
            R8 = f->R8, R9 = f->R9, R10 = f->R10, R11 = f->R11, R12 = f->R12, R13 = f->R13, R14 = f->R14, R15 = f->R15,
            Rdi = f->Rdi, Rsi = f->Rsi, Rbp = f->Rbp, Rbx = f->Rbx, Rdx = f->Rdx, Rax = f->Rax,
            Rcx = f->Rcx, Rsp = f->Rsp, Rip = f->Rip, Rflags = f->Rflags,
        };

        private static void ToInterrupt(in UserRegisters r, InterruptFrame* f)
        {
            f->R8 = r.R8; f->R9 = r.R9; f->R10 = r.R10; f->R11 = r.R11; f->R12 = r.R12; f->R13 = r.R13; f->R14 = r.R14; f->R15 = r.R15;
            f->Rdi = r.Rdi; f->Rsi = r.Rsi; f->Rbp = r.Rbp; f->Rbx = r.Rbx; f->Rdx = r.Rdx; f->Rax = r.Rax;
            f->Rcx = r.Rcx; f->Rsp = r.Rsp; f->Rip = r.Rip; f->Rflags = r.Rflags;
            f->Cs = Gdt.UserCode;
            f->Ss = Gdt.UserData;
        }

        // Where a program's xmm registers and MXCSR are while the kernel runs: below
        // a syscall or interrupt frame (SavedSse), or in an fxsave image.
        private struct SseState
        {
            public byte* Xmm;    // 16 registers of 16 bytes
            public uint* Mxcsr;
        }

        private static SseState BelowFrame(void* frame)
        {
            byte* area = SavedSse.Below(frame);
            return new SseState { Xmm = area, Mxcsr = (uint*)(area + SavedSse.MxcsrOffset) };
        }

        private static SseState InImage(byte* image) => new SseState { Xmm = image + FxXmm, Mxcsr = (uint*)(image + FxMxcsr) };

        // What a fault adds to the frame's siginfo and sigcontext.
        private struct Fault
        {
            public int Code;       // si_code
            public ulong Address;  // si_addr, and cr2 for a page fault
            public ulong Trapno, Error;
        }

        // ---- the ways back to ring 3 -------------------------------------------------

        // A syscall `number` returns (SyscallTable.Dispatch, after its result is in the
        // frame). A wait a signal interrupted answered ERESTARTSYS: if the handler that
        // runs now has SA_RESTART, or no handler runs, the syscall is made again (its
        // number back in rax, rip back on the 2-byte syscall instruction: after the
        // handler's rt_sigreturn, or at once); else the program sees EINTR. As Linux.
        public static void AtSyscallReturn(SyscallFrame* frame, ulong number)
        {
            UserThread me = s_instance._programs.CurrentThread;
            if (me != null && HasDeliverable(me))
            {
                UserRegisters registers = FromSyscall(frame);
                if (s_instance.DeliverPending(me, ref registers, BelowFrame(frame), (long)number))
                    ToSyscall(registers, frame);
            }
            if ((long)frame->Rax == -Errno.ERESTARTSYS)
            {
                frame->Rax = number;
                frame->Rcx -= SyscallInstructionBytes;
            }
        }

        private const ulong SyscallInstructionBytes = 2; // 0f 05

        // The timer interrupted ring 3 (the scheduler's hook, after any preemption).
        private static void ReturningToUser(InterruptFrame* frame)
        {
            s_instance._programs.BeforeReturnToUser();
            UserThread me = s_instance._programs.CurrentThread;
            if (me == null || !HasDeliverable(me))
                return;
            UserRegisters registers = FromInterrupt(frame);
            if (s_instance.DeliverPending(me, ref registers, BelowFrame(frame), NoSyscall))
                ToInterrupt(registers, frame);
        }

        private const long NoSyscall = -1;

        // A fault in ring 3 that the kernel does not resolve (SIGSEGV, SIGBUS, SIGILL,
        // SIGFPE): its handler runs, if the program has one and does not block the
        // signal; false otherwise, or when the frame cannot be written (the caller then
        // kills the program, as Linux's force_sig does).
        public bool DeliverFault(InterruptFrame* frame, int signal, int code, ulong address)
        {
            UserThread me = _programs.CurrentThread;
            if (me == null || !frame->FromUserMode || (me.SignalMask & Bit(signal)) != 0)
                return false;
            SignalActions.Action action = me.Process.Actions.Get(signal);
            if (action.Handler <= Signals.Ignore)
                return false;
            action = me.Process.Actions.TakeForDelivery(signal);
            var fault = new Fault { Code = code, Address = address, Trapno = frame->Vector, Error = frame->ErrorCode };
            UserRegisters registers = FromInterrupt(frame);
            if (!SetUpFrame(me, signal, action, ref registers, BelowFrame(frame), &fault, null, NoSyscall))
                return false;
            ToInterrupt(registers, frame);
            return true;
        }

        private static ulong Bit(int signal) => PendingSignals.Bit(signal);

        private static bool HasDeliverable(UserThread me) => ((me.Pending.Bits | me.Process.Pending.Bits) & ~me.SignalMask) != 0;

        // Take pending signals the thread does not block, lowest number first: ignored
        // ones are dropped, a fatal one ends the process (it was blocked when sent, so
        // SendSignal left it pending), a handled one gets its frame and ends the look
        // (one handler per return; the next runs when that one's rt_sigreturn comes
        // back). True if the registers now enter a handler.
        // `syscall`: the number of the syscall returning (NoSyscall for an interrupt).
        private bool DeliverPending(UserThread me, ref UserRegisters registers, SseState sse, long syscall)
        {
            Process process = me.Process;
            while (true)
            {
                ulong threadBits = me.Pending.Bits & ~me.SignalMask;
                ulong deliverable = threadBits | (process.Pending.Bits & ~me.SignalMask);
                if (deliverable == 0)
                    return false;
                int signal = PendingSignals.Lowest(deliverable);
                bool toThread = (threadBits & Bit(signal)) != 0;
                if (!(toThread ? me.Pending : process.Pending).Take(signal, out int sender))
                    continue; // another thread of the process took it
                SignalActions.Action action = process.Actions.TakeForDelivery(signal);
                if (action.Handler == Signals.Default && DefaultStops(signal))
                {
                    // Blocked when it was sent: it stops the process now, and this
                    // thread waits here until SIGCONT (or ends, if killed meanwhile).
                    _programs.Stop(process, signal);
                    _programs.BeforeReturnToUser();
                    continue;
                }
                if (action.Handler == Signals.Ignore || (action.Handler == Signals.Default && !DefaultIsFatal(signal)))
                    continue;
                if (action.Handler == Signals.Default)
                {
                    _programs.TerminateCurrent(signal, null); // does not return
                    return false;
                }
                var info = new Fault { Code = toThread ? Signals.SiTkill : Signals.SiUser, Address = (ulong)(uint)sender };
                if (!SetUpFrame(me, signal, action, ref registers, sse, null, &info, syscall))
                {
                    _programs.TerminateCurrent(Signals.Segv, "SIGSEGV: the frame for signal " + signal.ToString()
                        + "'s handler could not be written below rsp 0x" + registers.Rsp.ToString("X"));
                    return false;
                }
                return true;
            }
        }

        // What a signal nobody handles does: end the process, except the ones Linux
        // ignores by default and the stopping ones (they stop it: DefaultStops).
        public static bool DefaultIsFatal(int signal) => signal switch
        {
            Signals.Chld or Signals.Cont or Signals.Urg or Signals.Winch => false,
            Signals.Stop or Signals.Tstp or Signals.Ttin or Signals.Ttou => false,
            _ => true,
        };

        public static bool DefaultStops(int signal)
            => signal == Signals.Stop || signal == Signals.Tstp || signal == Signals.Ttin || signal == Signals.Ttou;

        // ---- the frame ------------------------------------------------------------------

        // Write the signal frame below the registers' stack pointer (or at the top of
        // the sigaltstack, SA_ONSTACK), as Linux lays it out, and make the registers
        // enter the handler: rdi = signal, rsi = &siginfo, rdx = &ucontext, the
        // restorer as the return address, DF and TF clear, a fresh x87/SSE state. The
        // thread then blocks the handler's mask and, unless SA_NODEFER, the signal.
        // `fault` for a fault, else `sent` (Code: si_code, Address: the sender's pid).
        private bool SetUpFrame(UserThread me, int signal, SignalActions.Action action, ref UserRegisters registers,
            SseState sse, Fault* fault, Fault* sent, long syscall)
        {
            if ((action.Flags & Signals.SaRestorer) == 0 || action.Restorer == 0)
                return false; // x86-64 Linux has no default restorer either
            // A syscall the signal interrupted: made again after the handler (SA_RESTART),
            // or EINTR.
            if (syscall != NoSyscall && (long)registers.Rax == -Errno.ERESTARTSYS)
            {
                if ((action.Flags & Signals.SaRestart) != 0)
                {
                    registers.Rax = (ulong)syscall;
                    registers.Rip -= SyscallInstructionBytes;
                    registers.Rcx = registers.Rip; // as the syscall left it
                }
                else
                {
                    registers.Rax = unchecked((ulong)-Errno.EINTR);
                }
            }
            bool onAltStack = OnAltStack(me, registers.Rsp);
            ulong sp = registers.Rsp - RedZone;
            if ((action.Flags & Signals.SaOnstack) != 0 && me.AltStackSize != 0 && !onAltStack)
                sp = me.AltStackBase + me.AltStackSize;
            ulong fpstate = (sp - Signals.FpstateBytes) & ~63UL;
            ulong frame = ((fpstate - Signals.FrameBytes + 8) & ~15UL) - 8;
            ulong length = fpstate + Signals.FpstateBytes - frame;
            if (frame >= UserEnd || fpstate + Signals.FpstateBytes > UserEnd || fpstate < Signals.FrameBytes + 64)
                return false;

            const int MaxLength = Signals.FrameBytes + 16 + 64 + Signals.FpstateBytes;
            byte* buffer = stackalloc byte[MaxLength];
            for (int i = 0; i < MaxLength; i++)
                buffer[i] = 0;
            ulong* words = (ulong*)buffer;
            words[0] = action.Restorer; // pretcode
            byte* uc = buffer + Signals.FrameUcontext;
            *(ulong*)uc = Signals.UcSigcontextSs | Signals.UcStrictRestoreSs;
            *(ulong*)(uc + Signals.UcontextStack) = me.AltStackBase;
            *(int*)(uc + Signals.UcontextStack + 8) = me.AltStackSize == 0 ? Signals.SsDisable : onAltStack ? Signals.SsOnstack : 0;
            *(ulong*)(uc + Signals.UcontextStack + 16) = me.AltStackSize;
            byte* mc = uc + Signals.UcontextMcontext;
            fixed (UserRegisters* r = &registers)
                for (int i = 0; i < GeneralRegisters; i++)
                    ((ulong*)mc)[i] = ((ulong*)r)[i];
            *(ushort*)(mc + Signals.McontextCs) = Gdt.UserCode;
            *(ushort*)(mc + Signals.McontextSs) = Gdt.UserData;
            *(ulong*)(mc + Signals.McontextOldmask) = me.SignalMask;
            *(ulong*)(mc + Signals.McontextFpstate) = fpstate;
            *(ulong*)(uc + Signals.UcontextSigmask) = me.SignalMask;
            byte* si = buffer + Signals.FrameSiginfo;
            *(int*)(si + Signals.SiginfoSigno) = signal;
            if (fault != null)
            {
                *(int*)(si + Signals.SiginfoCode) = fault->Code;
                *(ulong*)(si + Signals.SiginfoAddr) = fault->Address;
                *(ulong*)(mc + Signals.McontextTrapno) = fault->Trapno;
                *(ulong*)(mc + Signals.McontextErr) = fault->Error;
                if (fault->Trapno == Arch.InterruptVectors.PageFault)
                    *(ulong*)(mc + Signals.McontextCr2) = fault->Address;
            }
            else
            {
                *(int*)(si + Signals.SiginfoCode) = sent->Code;
                *(int*)(si + Signals.SiginfoPid) = (int)sent->Address;
                *(uint*)(si + Signals.SiginfoUid) = 0; // root: the only user
            }
            // The x87 state is the thread's own in the CPU (the kernel uses no x87); the
            // xmm registers and MXCSR are the saved ones.
            byte* image = buffer + (fpstate - frame);
            byte* aligned = stackalloc byte[Signals.FpstateBytes + 16];
            aligned = (byte*)(((ulong)aligned + 15) & ~15UL);
            Native.Fxsave(aligned);
            for (int i = 0; i < Signals.FpstateBytes; i++)
                image[i] = aligned[i];
            for (int i = 0; i < SavedSse.XmmBytes; i++)
                image[FxXmm + i] = sse.Xmm[i];
            *(uint*)(image + FxMxcsr) = *sse.Mxcsr;

            if (_copier.CopyToUser(me.Process.Space, frame, buffer, length) != 0)
                return false;

            registers.Rsp = frame;
            registers.Rip = action.Handler;
            registers.Rdi = (ulong)signal;
            registers.Rsi = frame + Signals.FrameSiginfo;
            registers.Rdx = frame + Signals.FrameUcontext;
            registers.Rax = 0;
            registers.Rflags = UserMode.SanitizeUserRflags(registers.Rflags & ~(UserMode.RflagsDf | UserMode.RflagsTf));
            for (int i = 0; i < SavedSse.XmmBytes; i++)
                sse.Xmm[i] = 0;
            *sse.Mxcsr = InitialMxcsr;
            ulong blocked = me.SignalMask | action.Mask;
            if ((action.Flags & Signals.SaNodefer) == 0)
                blocked |= Bit(signal);
            me.SignalMask = blocked & ~Signals.Unblockable;
            return true;
        }

        private static bool OnAltStack(UserThread me, ulong rsp)
            => me.AltStackSize != 0 && rsp > me.AltStackBase && rsp - me.AltStackBase <= me.AltStackSize;

        // ---- rt_sigreturn ---------------------------------------------------------------

        // The handler returned into its restorer, which called rt_sigreturn with the
        // stack pointer just above the frame's return address: put back the registers,
        // the mask and the x87/SSE state from the (maybe changed) ucontext, and return
        // to ring 3 with all of them (not through sysret, which would lose rcx and r11).
        // A frame that cannot be read, or holds an impossible state, kills the program
        // with SIGSEGV, as on Linux.
        public void Sigreturn(SyscallFrame* frame)
        {
            UserThread me = _programs.CurrentThread;
            Process process = me.Process;
            ulong ucAddress = frame->Rsp - 8 + Signals.FrameUcontext;
            byte* uc = stackalloc byte[Signals.UcontextBytes];
            if (_copier.CopyFromUser(process.Space, uc, ucAddress, Signals.UcontextBytes) != 0)
            {
                _programs.TerminateCurrent(Signals.Segv, "SIGSEGV: rt_sigreturn found no signal frame at 0x" + ucAddress.ToString("X"));
                return;
            }
            byte* image = stackalloc byte[Signals.FpstateBytes + 16];
            image = (byte*)(((ulong)image + 15) & ~15UL);
            Native.Fxsave(image); // for MXCSR_MASK, which tells which MXCSR bits are valid
            uint mxcsrMask = *(uint*)(image + FxMxcsrMask);
            if (mxcsrMask == 0)
                mxcsrMask = DefaultMxcsrMask;
            byte* mc = uc + Signals.UcontextMcontext;
            ulong fpstate = *(ulong*)(mc + Signals.McontextFpstate);
            if (fpstate != 0)
            {
                if (_copier.CopyFromUser(process.Space, image, fpstate, Signals.FpstateBytes) != 0
                    || (*(uint*)(image + FxMxcsr) & ~mxcsrMask) != 0)
                {
                    _programs.TerminateCurrent(Signals.Segv, "SIGSEGV: rt_sigreturn's x87/SSE state at 0x" + fpstate.ToString("X") + " is unreadable or invalid");
                    return;
                }
            }
            else
            {
                for (int i = 0; i < Signals.FpstateBytes; i++)
                    image[i] = 0;
                *(ushort*)(image + FxFcw) = InitialFcw;
                *(uint*)(image + FxMxcsr) = InitialMxcsr;
            }
            UserRegisters registers = default;
            for (int i = 0; i < GeneralRegisters; i++)
                ((ulong*)&registers)[i] = ((ulong*)mc)[i];
            if (registers.Rip >= UserEnd)
            {
                _programs.TerminateCurrent(Signals.Segv, "SIGSEGV: rt_sigreturn to the non-canonical or kernel address 0x" + registers.Rip.ToString("X"));
                return;
            }
            registers.Rflags = UserMode.SanitizeUserRflags((frame->R11 & ~RestorableRflags) | (registers.Rflags & RestorableRflags));
            me.SignalMask = *(ulong*)(uc + Signals.UcontextSigmask) & ~Signals.Unblockable;

            InterruptFrame resume = default;
            ToInterrupt(registers, &resume);
            _programs.BeforeReturnToUser();
            if (HasDeliverable(me) && DeliverPending(me, ref registers, InImage(image), NoSyscall))
                ToInterrupt(registers, &resume);
            Native.ResumeUserFull(&resume, image);
        }

        // ---- sigaltstack ---------------------------------------------------------------

        // sigaltstack(ss, old_ss): Linux's checks: EINVAL for unknown flags, ENOMEM below
        // MINSIGSTKSZ, EPERM while running on the alternate stack; the old one is written
        // after the new one is checked, EFAULT for either pointer.
        public long Sigaltstack(ulong newAddress, ulong oldAddress, ulong userRsp)
        {
            UserThread me = _programs.CurrentThread;
            Memory.AddressSpace space = me.Process.Space;
            bool onStack = OnAltStack(me, userRsp);
            byte* old = stackalloc byte[Signals.StackTBytes];
            *(ulong*)old = me.AltStackBase;
            *(int*)(old + 8) = me.AltStackSize == 0 ? Signals.SsDisable : onStack ? Signals.SsOnstack : 0;
            *(int*)(old + 12) = 0;
            *(ulong*)(old + 16) = me.AltStackSize;
            if (newAddress != 0)
            {
                byte* ss = stackalloc byte[Signals.StackTBytes];
                if (_copier.CopyFromUser(space, ss, newAddress, Signals.StackTBytes) != 0)
                    return -Errno.EFAULT;
                if (onStack)
                    return -Errno.EPERM;
                int flags = *(int*)(ss + 8) & ~Signals.SsAutodisarm; // accepted, not acted on
                ulong size = *(ulong*)(ss + 16);
                if (flags == Signals.SsDisable)
                {
                    me.AltStackBase = 0;
                    me.AltStackSize = 0;
                }
                else if (flags != 0 && flags != Signals.SsOnstack)
                {
                    return -Errno.EINVAL;
                }
                else
                {
                    if (size < Signals.MinSigstksz)
                        return -Errno.ENOMEM;
                    me.AltStackBase = *(ulong*)ss;
                    me.AltStackSize = size;
                }
            }
            if (oldAddress != 0 && _copier.CopyToUser(space, oldAddress, old, Signals.StackTBytes) != 0)
                return -Errno.EFAULT;
            return 0;
        }
    }
}
