namespace CosmosKernel.Abi
{
    // Signal numbers (x86-64 Linux) the kernel ends a process with; wait4's status
    // carries them (Process.WaitStatus).
    public static class Signals
    {
        public const int Ill = 4;
        public const int Bus = 7;
        public const int Fpe = 8;
        public const int Kill = 9;
        public const int Segv = 11;
        public const int Stop = 19;

        // rt_sigprocmask's `how`, and the size of the kernel's sigset_t (64 signals).
        public const int SigBlock = 0, SigUnblock = 1, SigSetmask = 2;
        public const ulong SigsetBytes = 8;
        // SIGKILL and SIGSTOP cannot be blocked (bit n - 1 for signal n).
        public const ulong Unblockable = (1UL << (Kill - 1)) | (1UL << (Stop - 1));
    }
}
