namespace CosmosKernel.Abi
{
    // wait4's options and status word (Linux's encoding).
    public static class WaitStatus
    {
        public const int NoHang = 1; // WNOHANG
        // WUNTRACED and WCONTINUED (no process is ever stopped here: accepted, never
        // reported), __WNOTHREAD, __WALL, __WCLONE (children whose exit signal is not
        // SIGCHLD: fork's never are).
        public const int Untraced = 2, Continued = 8, NoThread = 0x20000000, All = 0x40000000;
        public const int Clone = unchecked((int)0x80000000);
        public const int Known = NoHang | Untraced | Continued | NoThread | All | Clone;
        public const ulong RusageBytes = 144; // struct rusage

        public static int FromExit(int status) => (status & 0xFF) << 8;
        public static int FromStop(int signal) => (signal << 8) | 0x7F; // WIFSTOPPED, WSTOPSIG
        public const int ContinuedStatus = 0xFFFF;                       // WIFCONTINUED
        public static bool Exited(int status) => (status & 0x7F) == 0;
        public static int ExitCode(int status) => (status >> 8) & 0xFF;
        public static int TermSignal(int status) => status & 0x7F;
    }
}
