using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
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
    public static unsafe class DoubleFetchDemo
    {
        public const ulong Capacity = 256;
        private const ulong GuardSize = 64 * 1024;

        private static byte* s_buffer; // Capacity bytes, then the guard

        public static long Handle(Process process, ulong requestAddress, ulong fetchTwice)
        {
            if (fetchTwice > 1)
                return -Errno.EINVAL;
            if (s_buffer == null)
                s_buffer = Internal.Runtime.RuntimeHeap.AllocateRaw(Capacity + GuardSize);

            ulong* request = stackalloc ulong[2];
            if (Kernel.UserCopy.CopyFromUser(process.Space, (byte*)request, requestAddress, 16) != 0)
                return -Errno.EFAULT;
            if (request[1] > Capacity)
                return -Errno.EINVAL; // the check, on the kernel's own copy
            if (fetchTwice == 1)
            {
                Kernel.Scheduler.Yield();
                // The bug: fetch again and trust it. (Capped at the guard's end: the demo
                // must show the overflow, not cause one.)
                if (Kernel.UserCopy.CopyFromUser(process.Space, (byte*)request, requestAddress, 16) != 0)
                    return -Errno.EFAULT;
                if (request[1] > Capacity + GuardSize)
                    request[1] = Capacity + GuardSize;
            }
            if (Kernel.UserCopy.CopyFromUser(process.Space, s_buffer, request[0], request[1]) != 0)
                return -Errno.EFAULT;
            return (long)request[1];
        }
    }
}
