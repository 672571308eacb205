namespace CosmosKernel.Abi
{
    // futex(2) operations and their modifier bits (Linux's include/uapi/linux/futex.h).
    public static class FutexOps
    {
        public const int Wait = 0;
        public const int Wake = 1;
        public const int PrivateFlag = 128;
        public const int ClockRealtime = 256;
        public const int WaitPrivate = Wait | PrivateFlag;
        public const int WakePrivate = Wake | PrivateFlag;
    }
}
