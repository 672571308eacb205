namespace CosmosKernel.Abi
{
    // A pipe's sizes, as Linux's defaults: what F_GETPIPE_SZ answers, and PIPE_BUF, the
    // size up to which a write is atomic (a non-blocking one that does not fit whole is
    // EAGAIN, never partial).
    public static class PipeSizes
    {
        public const int Capacity = 64 * 1024;
        public const int Atomic = 4096;
    }
}
