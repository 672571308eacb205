namespace CosmosKernel.Abi
{
    // cosmos_bench(op, buffer, size, direction, iterations, slot): the benchmarks'
    // operations (the kernel side: Lab/CopyBenchmark.cs, Lab/LockFairness.cs).
    public static class CosmosBench
    {
        public const ulong CopyUser = 0;      // timed user copies with the current strategy
        public const ulong Memcpy = 1;        // as many plain memcpy: the baseline
        public const ulong LockFairness = 2;  // direction = the lock kind (LockFairnessResult)

        // A copy's direction (CopyUser).
        public const ulong FromUser = 0;      // copy_from_user
        public const ulong ToUser = 1;        // copy_to_user
    }
}
