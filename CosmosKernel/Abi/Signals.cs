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
    }
}
