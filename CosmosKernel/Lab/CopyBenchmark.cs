using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Processes;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Lab
{
    // cosmos_bench(op, buffer, size, direction, iterations, slot): the kernel half of the
    // benchmarks (Userland/Programs/Bench.cs). Times `iterations` operations with the
    // TSC and returns the total cycles:
    //   op 0: user copies of `size` bytes between `buffer` and a kernel buffer with the
    //         current strategy (direction 0: copy_from_user, 1: copy_to_user);
    //   op 1: the same number of plain memcpy (rep movsb) of `size` bytes between two
    //         kernel buffers: the baseline, measured in the same boot.
    // Each slot (0 to Slots - 1) has its own kernel buffers, so threads that copy at the
    // same time (the scaling benchmark) never share one. (Two callers that pick the same
    // slot share its bytes: their timings suffer, nothing else.) Each iteration is a
    // scheduling point, so a million of them do not keep other CPUs out of the kernel,
    // and a caller whose process is ending stops (EINTR).
    public sealed unsafe class CopyBenchmark
    {
        public const ulong MaxSize = 1 << 20;
        public const int Slots = 4;

        // A slot's kernel buffers, made on its first use, under _blocksLock (callers on
        // several CPUs may come at once); read without it once made (never freed).
        private readonly ulong[] _blocks = new ulong[Slots];
        private readonly Threading.FifoMutex _blocksLock;
        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;

        public CopyBenchmark(Scheduler scheduler, UserCopier copier)
        {
            _scheduler = scheduler;
            _copier = copier;
            _blocksLock = new Threading.FifoMutex(scheduler, 4, "copy benchmark buffers");
        }

        public long Handle(Process process, ulong op, ulong buffer, ulong size, ulong direction, ulong iterations, ulong slot)
        {
            if (op > CosmosBench.Memcpy || direction > CosmosBench.ToUser || size == 0 || size > MaxSize || iterations == 0 || iterations > 1_000_000 || slot >= Slots)
                return -Errno.EINVAL;
            _blocksLock.Lock();
            if (_blocks[slot] == 0)
            {
                // One block, the destination a page and a cache line past the source's
                // end: buffers exactly 1 MiB apart collide in QEMU's direct-mapped
                // software TLB (256 entries) on every byte and run ten times slower,
                // which would flatter every user copy.
                _blocks[slot] = (ulong)Internal.Runtime.RuntimeHeap.AllocateRaw(2 * MaxSize + Paging.PageSize + 64);
            }
            _blocksLock.Unlock();
            byte* source = (byte*)_blocks[slot];
            byte* destination = source + MaxSize + Paging.PageSize + 64;
            ulong start = Native.ReadTimestampCounter();
            for (ulong i = 0; i < iterations; i++)
            {
                if (process.Exiting)
                    return -Errno.EINTR;
                if (op == CosmosBench.Memcpy)
                {
                    Native.Memcpy(destination, source, size);
                    _scheduler.Yield();
                    continue;
                }
                ulong notCopied = direction == CosmosBench.FromUser
                    ? _copier.CopyFromUser(process.Space, destination, buffer, size)
                    : _copier.CopyToUser(process.Space, buffer, source, size);
                if (notCopied != 0)
                    return -Errno.EFAULT;
            }
            return (long)(Native.ReadTimestampCounter() - start);
        }
    }
}
