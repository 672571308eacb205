namespace CosmosKernel.Processes
{
    // The kernel's limits, in one place. Each is set at boot from the machine (RAM,
    // the kernel heap), as Linux scales its own, and each has the errno Linux gives at
    // the limit, so a program that asks for too much gets an answer, never a kernel
    // that runs out of memory:
    //
    //   threads         Scheduler.ThreadLimit: kernel stacks may take an eighth of RAM
    //                   (Linux's threads-max); clone and fork answer EAGAIN beyond it
    //   processes       ProcessTable.Limit = the thread limit (zombies count; the Kernel
    //                   builds the table with it); EAGAIN
    //   descriptors     FileTable.DescriptorLimit = 1024 per process (RLIMIT_NOFILE); EMFILE
    //   open files      OpenFiles: a tenth of RAM at 1 KiB each, at least 8192 (Linux's
    //                   file-max); pipe and open answer ENFILE beyond it
    //   mappings        AddressSpace.MaxRegions = 65530 per process (vm.max_map_count); ENOMEM
    //   kernel heap     a syscall that makes kernel objects first asks
    //                   Platform/KernelHeap.HasRoom: when
    //                   even after a collection less than HeapReserve (an eighth of the
    //                   heap) would be left, it answers ENOMEM (Linux: a failed kmalloc).
    //                   The reserve is for what a syscall allocates on its way (strings,
    //                   temporary arrays), which nothing checks one by one.
    //   pipe buffers    a pipe holds up to 64 KiB (Abi.PipeSizes.Capacity, Linux's
    //                   default) in a buffer the write that needs it makes or enlarges
    //                   (4 KiB, doubling to 64 KiB) after HasRoom for its size, and the read
    //                   that empties it drops: the heap, not a count, bounds what pipes
    //                   hold at once; the write answers ENOMEM (or the bytes it moved)
    //
    // Set once at boot; read without a lock. The checks against them are racy by a few
    // objects (two CPUs may both pass the last free one), as Linux's soft limits are.
    public static class Limits
    {
        public static int OpenFiles = 8192;

        public static void Initialize(ulong totalFrames)
        {
            ulong byMemory = totalFrames * 4096 / 10 / 1024;
            OpenFiles = byMemory < 8192 ? 8192 : byMemory > int.MaxValue ? int.MaxValue : (int)byMemory;
            Platform.KernelHeap.Reserve = Internal.Runtime.RuntimeHeap.Capacity / 8;
        }

        // What a syscall's new objects take from the heap, roughly (measured on this
        // kernel, rounded up): the admission check's sizes.
        public const ulong ThreadBytes = 1024;
        public const ulong ProcessBytes = 8 * 1024;
        public const ulong RegionBytes = 256;
        public const ulong FileBytes = Files.OpenFile.HeapBytes;
    }
}
