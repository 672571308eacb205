using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Platform
{
    // Kernel thread stacks, mapped from frames in an area of the kernel half that
    // every address space shares (PML4 slot 510, made at boot before any address space
    // copies the kernel half). Each stack has unmapped space below it, so a stack
    // overflow faults on the guard instead of running into the next stack. So the
    // number of threads is bounded by RAM, not by the kernel heap.
    //
    // A freed stack's entries are shot down on every CPU before its frames are freed
    // and its slot reused: any CPU may have run the thread, and a stale entry would let
    // the slot's next thread write into a frame someone else owns.
    //
    // _lock (a kernel spin lock) guards the slots and the stack area's page tables; it is held across a free's
    // shootdown (the other CPUs answer it without any lock). Lock order: never
    // under the scheduler's; the frame allocator's lock inside.
    public sealed unsafe class KernelStacks : IKernelStacks
    {
        private readonly KernelSpinLock _lock = new KernelSpinLock("kernel stacks");
        public const ulong AreaBase = 0xFFFFFF0000000000;
        public const int AreaPml4Slot = 510;
        private const ulong Stride = 2 * (ulong)Scheduler.StackSize; // the stack, then its guard below the next
        private const ulong AreaSize = 1UL << 39;

        private readonly FrameAllocator _frames;
        private readonly PageTable _kernelTable;
        private KernelTlbShootdown _tlb;
        private int[] _freeSlots = new int[64];
        private int _freeCount;
        private int _nextSlot;

        public int InUse;

        public KernelStacks(FrameAllocator frames, PageTable kernelTable)
        {
            _frames = frames;
            _kernelTable = kernelTable;
        }

        // The shootdown finds CPUs through the scheduler, which needs stacks first.
        public void AttachShootdown(KernelTlbShootdown tlb) => _tlb = tlb;

        public byte* Allocate()
        {
            _lock.Acquire();
            byte* stack = AllocateLocked();
            _lock.Release();
            return stack;
        }

        private byte* AllocateLocked()
        {
            int slot;
            if (_freeCount > 0)
                slot = _freeSlots[--_freeCount];
            else if ((ulong)(_nextSlot + 1) * Stride <= AreaSize)
                slot = _nextSlot++;
            else
                return null;
            // The guard is the lower half of the stride: the stack is its upper half.
            ulong bottom = AreaBase + (ulong)slot * Stride + Stride - (ulong)Scheduler.StackSize;
            for (ulong page = 0; page < (ulong)Scheduler.StackSize; page += Paging.PageSize)
            {
                ulong frame = _frames.Allocate(zero: true);
                if (frame == FrameAllocator.NoFrame || !_kernelTable.Map(bottom + page, frame, Pte.Writable | Pte.NoExecute))
                {
                    if (frame != FrameAllocator.NoFrame)
                        _frames.Free(frame);
                    Release(bottom, page, slot);
                    return null;
                }
            }
            InUse++;
            return (byte*)bottom;
        }

        public void Free(byte* bottom)
        {
            ulong start = (ulong)bottom;
            int slot = (int)((start - AreaBase) / Stride);
            _lock.Acquire();
            Release(start, (ulong)Scheduler.StackSize, slot);
            InUse--;
            _lock.Release();
        }

        // Unmap the first `mapped` bytes of the stack at `bottom`, shoot them down on
        // every CPU, free their frames and the slot.
        private void Release(ulong bottom, ulong mapped, int slot)
        {
            ulong* frames = stackalloc ulong[Scheduler.StackSize / (int)Paging.PageSize];
            int count = 0;
            for (ulong page = 0; page < mapped; page += Paging.PageSize)
            {
                ulong old = _kernelTable.Unmap(bottom + page);
                if (old != 0)
                    frames[count++] = Pte.Frame(old);
            }
            if (_tlb == null)
                Diagnostics.Panic.Report("kernel stacks: a stack freed before the TLB shootdown was attached");
            _tlb.InvalidateKernelRange(bottom, bottom + mapped);
            for (int i = 0; i < count; i++)
                _frames.Free(frames[i]);
            if (_freeCount == _freeSlots.Length)
            {
                var bigger = new int[_freeSlots.Length * 2];
                for (int i = 0; i < _freeCount; i++)
                    bigger[i] = _freeSlots[i];
                _freeSlots = bigger;
            }
            _freeSlots[_freeCount++] = slot;
        }
    }
}
