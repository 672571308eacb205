using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // The race lab's and the benchmarks' syscalls (their kernel side is in Lab/):
    // EPERM unless the kernel booted with `lab` or `bench`.
    public sealed unsafe partial class SyscallTable
    {
        // cosmos_bench(op, ...): op LockFairnessResult.BenchOp (with a3 = the lock kind)
        // measures lock fairness (Lab/LockFairness.cs); ops 0 and 1 time user copies and
        // memcpy (Lab/CopyBenchmark.cs).
        private long Bench(Process process, ulong op, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
            => op == LockFairnessResult.BenchOp ? _lockFairness.Run(process, a3, a1) : _copyBenchmark.Handle(process, op, a1, a2, a3, a4, a5);

        // cosmos_set_strategy(const char* name): the race lab's `lab` mode runs every
        // scenario under every strategy in one boot. EPERM when strategy= fixed it. A copy already in flight finishes
        // with the strategy it started with; mixing is safe because munmap, mprotect and
        // fork honour page locks and pins whatever strategy took them.
        private long SetStrategy(Process process, ulong nameAddress)
        {
            if (_strategyFixed)
                return -Errno.EPERM;
            long error = StringFromUser(process, nameAddress, 16, Errno.EINVAL, out string name);
            if (error != 0)
                return error;
            Memory.UserCopy.CopyStrategy strategy = Memory.UserCopy.UserCopier.StrategyByName(name);
            if (strategy == null)
                return -Errno.EINVAL;
            if (strategy.Name != _copier.Strategy.Name)
                Console.WriteLine("vmm: user-copy strategy now " + strategy.Name);
            _copier.Strategy = strategy;
            return 0;
        }
    }
}
