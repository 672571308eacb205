namespace CosmosKernel.Abi
{
    // wait4's options and status word (Linux's encoding).
    public static class WaitStatus
    {
        public const int NoHang = 1; // WNOHANG

        public static int FromExit(int status) => (status & 0xFF) << 8;
        public static bool Exited(int status) => (status & 0x7F) == 0;
        public static int ExitCode(int status) => (status >> 8) & 0xFF;
        public static int TermSignal(int status) => status & 0x7F;
    }
}
