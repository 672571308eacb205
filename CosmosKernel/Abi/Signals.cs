namespace CosmosKernel.Abi
{
    // Signals as x86-64 Linux numbers and lays them out: the numbers, rt_sigaction's
    // flags and dispositions, the si_code values the kernel reports, and the sizes and
    // offsets of the signal frame a handler gets (struct rt_sigframe: the restorer's
    // address, a ucontext, a siginfo; the fxsave image follows, 64-aligned).
    public static class Signals
    {
        public const int Hup = 1, Int = 2, Quit = 3, Ill = 4, Trap = 5, Abrt = 6, Bus = 7, Fpe = 8, Kill = 9,
            Usr1 = 10, Segv = 11, Usr2 = 12, Pipe = 13, Alrm = 14, Term = 15, Stkflt = 16, Chld = 17, Cont = 18,
            Stop = 19, Tstp = 20, Ttin = 21, Ttou = 22, Urg = 23, Xcpu = 24, Xfsz = 25, Vtalrm = 26, Prof = 27,
            Winch = 28, Io = 29, Pwr = 30, Sys = 31;
        public const int Count = 64; // 1..64; 32 and up are the real-time ones

        // rt_sigprocmask's `how`, and the size of the kernel's sigset_t (64 signals).
        public const int SigBlock = 0, SigUnblock = 1, SigSetmask = 2;
        public const ulong SigsetBytes = 8;
        // SIGKILL and SIGSTOP cannot be blocked, caught or ignored (bit n - 1 for signal n).
        public const ulong Unblockable = (1UL << (Kill - 1)) | (1UL << (Stop - 1));

        // sa_handler's two special values.
        public const ulong Default = 0, Ignore = 1;
        // sa_flags.
        public const ulong SaNocldstop = 1, SaSiginfo = 4, SaOnstack = 0x08000000, SaRestart = 0x10000000,
            SaNodefer = 0x40000000, SaResethand = 0x80000000, SaRestorer = 0x04000000;
        // struct sigaction as the kernel takes it (x86-64): handler, flags, restorer, mask.
        public const int SigactionBytes = 32;

        // si_code: sent by kill, by tgkill/tkill; a fault's cause.
        public const int SiUser = 0, SiTkill = -6, SiKernel = 0x80;
        public const int SegvMaperr = 1, SegvAccerr = 2;
        public const int BusAdraln = 1, BusAdrerr = 2, IllIllopn = 2, FpeIntdiv = 1, FpeFltinv = 7;
        public const int SiginfoBytes = 128;
        // Where siginfo's fields are: si_signo, si_errno, si_code, then a union at 16
        // (si_pid and si_uid for kill; si_addr for a fault).
        public const int SiginfoSigno = 0, SiginfoCode = 8, SiginfoPid = 16, SiginfoUid = 20, SiginfoAddr = 16;

        // sigaltstack: stack_t is ss_sp, ss_flags (an int, padded), ss_size.
        public const int StackTBytes = 24;
        public const int SsOnstack = 1, SsDisable = 2, SsAutodisarm = unchecked((int)0x80000000);
        public const ulong MinSigstksz = 2048;

        // The signal frame: rt_sigframe's offsets from the handler's stack pointer.
        // ucontext: uc_flags, uc_link, uc_stack (a stack_t), uc_mcontext (struct
        // sigcontext, 256 bytes), uc_sigmask.
        public const int FrameUcontext = 8;
        public const int UcontextStack = 16, UcontextMcontext = 40, UcontextSigmask = 296, UcontextBytes = 304;
        public const int FrameSiginfo = FrameUcontext + UcontextBytes;
        public const int FrameBytes = FrameSiginfo + SiginfoBytes;
        // uc_flags: the frame's sigcontext holds ss, and sigreturn restores it as is.
        public const ulong UcSigcontextSs = 2, UcStrictRestoreSs = 4;
        // struct sigcontext: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags
        // (8 bytes each, in that order), cs/gs/fs/ss (2 bytes each), err, trapno,
        // oldmask, cr2, the fxsave image's address, 8 reserved words.
        public const int McontextR8 = 0, McontextRdi = 64, McontextRsi = 72, McontextRbp = 80, McontextRbx = 88,
            McontextRdx = 96, McontextRax = 104, McontextRcx = 112, McontextRsp = 120, McontextRip = 128,
            McontextEflags = 136, McontextCs = 144, McontextSs = 150, McontextErr = 152, McontextTrapno = 160,
            McontextOldmask = 168, McontextCr2 = 176, McontextFpstate = 184;
        public const int FpstateBytes = 512; // the fxsave image
    }
}
