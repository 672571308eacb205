using CosmosKernel.Threading;

namespace CosmosKernel.Memory
{
    // The machine the VMM runs on, as one object: physical memory, frames, the kernel's
    // page table (whose upper half every address space shares), TLB shootdown, thread
    // blocking, and how the kernel touches user memory. The kernel builds one from the
    // real hardware (Platform/); the tests build one per simulated machine.
    public sealed class Vmm
    {
        public readonly PhysicalMemory Physical;
        public readonly FrameAllocator Frames;
        public readonly PageTable KernelTable;
        public readonly ITlbShootdown Tlb;
        public readonly IThreadBackend Threads;
        public readonly IUserMemoryAccess UserMemory;

        // Sizes of the per-address-space lock pools.
        public int PageLockSlots = 64;
        public int WaitQueueCapacity = 4; // each lock's queue starts this big and grows

        private int _nextSpaceId;

        public Vmm(PhysicalMemory physical, FrameAllocator frames, PageTable kernelTable, ITlbShootdown tlb,
            IThreadBackend threads, IUserMemoryAccess userMemory)
        {
            Physical = physical;
            Frames = frames;
            KernelTable = kernelTable;
            Tlb = tlb;
            Threads = threads;
            UserMemory = userMemory;
        }

        internal int NextSpaceId() => System.Threading.Interlocked.Increment(ref _nextSpaceId);
    }
}
