namespace CosmosKernel.Abi
{
    // What cosmos_bench op 2 (the kernel's Lab/LockFairness.cs) writes: the fairness
    // record of one run of its kernel threads over one lock.
    public struct LockFairnessResult
    {
        public const ulong BenchOp = CosmosBench.LockFairness; // cosmos_bench's op for this measurement
        public const ulong FifoMutex = 0;    // the lock kinds (cosmos_bench's fourth argument)
        public const ulong SpinLock = 1;

        public long Acquisitions;
        public long WorstOvertaken;    // acquisitions by others that overtook one waiter
        public long WorstWaitCycles;
        public long MedianWaitCycles;
    }
}
