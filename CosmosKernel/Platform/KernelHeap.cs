namespace CosmosKernel.Platform
{
    // Admission against the kernel heap (Processes/Limits.cs explains the limits): a
    // syscall that makes kernel objects asks first, and answers ENOMEM when even after
    // a collection less than Reserve would be left. Here, below the files and
    // processes that ask, because a pipe's first write asks too.
    // Reserve is set once at boot; the heap itself has its own lock (RuntimeHeap), so
    // any CPU may ask.
    public static class KernelHeap
    {
        // Set at boot (Limits.Initialize): an eighth of the heap, for what a syscall
        // allocates on its way (strings, temporary arrays), which nothing checks one by one.
        public static ulong Reserve;

        // Whether `bytes` more of kernel heap leave the reserve untouched, in a block
        // big enough for the largest of them (collecting first when not).
        public static bool HasRoom(ulong bytes)
        {
            if (Fits(bytes))
                return true;
            Internal.Runtime.RuntimeHeap.Collect();
            return Fits(bytes);
        }

        private static bool Fits(ulong bytes)
            => Internal.Runtime.RuntimeHeap.BytesAvailable >= bytes + Reserve && Internal.Runtime.RuntimeHeap.HasBlockFor(bytes);
    }
}
