using CosmosKernel.Scheduling;

namespace CosmosKernel.Files
{
    // Buffers of pipes that emptied, kept for the next write into an empty pipe. A pipe
    // holds its 16 KiB buffer only while it holds bytes (Pipe), so without this every
    // write into an empty pipe allocated 16 KiB and the read that emptied it dropped
    // them: a pipe busy with 16 KiB round trips made the kernel heap collect about once
    // per 16 round trips, and each collection stops every CPU (measured: 109 collections
    // in one scaling run of the pipe work, 2 s of work; after this, 4). At most Slots
    // buffers are kept (128 KiB of heap); the others go to the collector as before, so
    // idle pipes still cost no buffer.
    //
    // s_lock (a kernel spin lock, a leaf: nothing is taken under it, no allocation)
    // guards s_free and s_count. Taken with no pipe lock held.
    internal static class PipeBufferCache
    {
        private const int Slots = 8;
        private static readonly KernelSpinLock s_lock = new KernelSpinLock("pipe buffers");
        private static readonly byte[][] s_free = new byte[Slots][];
        private static int s_count;

        // A kept buffer of Pipe.Capacity bytes (old contents: a pipe reads only what it
        // wrote), or null.
        public static byte[] Take()
        {
            s_lock.Acquire();
            byte[] buffer = null;
            if (s_count > 0)
            {
                buffer = s_free[--s_count];
                s_free[s_count] = null;
            }
            s_lock.Release();
            return buffer;
        }

        // Let every kept buffer go (to the collector). cosmos_vmm_info's requested
        // collection does this first, so the heap it reports is what is live, not what
        // is cached: the soak and fuzz tests compare it before and after.
        public static void Drop()
        {
            s_lock.Acquire();
            while (s_count > 0)
                s_free[--s_count] = null;
            s_lock.Release();
        }

        public static void Give(byte[] buffer)
        {
            s_lock.Acquire();
            if (s_count < Slots)
                s_free[s_count++] = buffer;
            s_lock.Release();
        }
    }
}
