using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Processes;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Lab
{
    // cosmos_double_fetch_demo(struct request* request, int fetchTwice): race-lab
    // scenario 4. struct request { u64 buffer; u64 length; } asks the kernel to copy
    // `length` bytes (at most Capacity) from `buffer` into a kernel buffer; it returns
    // the length the kernel used.
    //
    // The kernel's rule: fetch a user structure once, validate the kernel's copy, use
    // only that copy. fetchTwice = 1 breaks the rule on purpose, as real double-fetch
    // bugs do: it validates the length it fetched first, reaches a scheduling point (in a
    // real kernel, an allocation or a lock that may sleep), then fetches the structure
    // again and uses that length. A thread that flips the length meanwhile gets a length
    // nobody validated past the check. Here the kernel buffer is followed by a guard
    // area, and the length is capped at its end, so the demo shows the overflow (the
    // returned length is above Capacity) without corrupting anything.
    public sealed unsafe class DoubleFetchDemo
    {
        public const ulong Capacity = 256;
        private const ulong GuardSize = 64 * 1024;

        // Capacity bytes, then the guard. Callers on several CPUs share it: the demo
        // reports the length it used, never the bytes.
        private readonly byte* _buffer;
        private readonly Scheduler _scheduler;
        private readonly UserCopier _copier;

        public DoubleFetchDemo(Scheduler scheduler, UserCopier copier)
        {
            _scheduler = scheduler;
            _copier = copier;
            _buffer = Internal.Runtime.RuntimeHeap.AllocateRaw(Capacity + GuardSize);
        }

        public long Handle(Process process, ulong requestAddress, ulong fetchTwice)
        {
            if (fetchTwice > 1)
                return -Errno.EINVAL;
            ulong* request = stackalloc ulong[2];
            if (_copier.CopyFromUser(process.Space, (byte*)request, requestAddress, 16) != 0)
                return -Errno.EFAULT;
            if (request[1] > Capacity)
                return -Errno.EINVAL; // the check, on the kernel's own copy
            if (fetchTwice == 1)
            {
                _scheduler.Yield();
                // The bug: fetch again and trust it. (Capped at the guard's end: the demo
                // must show the overflow, not cause one.)
                if (_copier.CopyFromUser(process.Space, (byte*)request, requestAddress, 16) != 0)
                    return -Errno.EFAULT;
                if (request[1] > Capacity + GuardSize)
                    request[1] = Capacity + GuardSize;
            }
            if (_copier.CopyFromUser(process.Space, _buffer, request[0], request[1]) != 0)
                return -Errno.EFAULT;
            return (long)request[1];
        }
    }
}
