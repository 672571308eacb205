using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Platform;

namespace CosmosKernel.SelfTests
{
    // The frame allocator and page tables on the real machine: after the kernel took
    // over paging, map a user-half page, use it, and check the allocator's accounting,
    // poisoning and double-free detection.
    public static unsafe class MemorySelfTest
    {
        private const ulong TestAddress = 0x0000000040000000; // 1 GiB, in the user half

        public static bool Run()
        {
            var t = new SelfTestRunner("memory");
            FrameAllocator frames = KernelMemory.Frames;
            PhysicalMemory physical = KernelMemory.Physical;

            t.Check(Native.ReadCr3() == KernelMemory.KernelTable.Root, "CR3 holds the kernel's own page table");
            t.Check(frames.TotalFrames > 1000, "frame allocator owns the usable RAM");
            t.Check(KernelMemory.KernelTable.Get(0) == 0, "the boot identity map is gone (page 0 unmapped)");

            ulong freeBefore = frames.FreeFrames;
            // A fresh table sharing the kernel half: code, stack and heap stay mapped.
            PageTable space = PageTable.Create(physical, frames, KernelMemory.KernelTable);
            t.Check(space != null, "create an address space's page table");
            Native.WriteCr3(space.Root);
            t.Check(space.Get(TestAddress) == 0, "the new table maps nothing in the user half");
            ulong frame = frames.Allocate(zero: true);
            t.Check(frame != FrameAllocator.NoFrame && frame >= 0x100000, "allocate a frame above 1 MiB");
            t.Check(*(ulong*)physical.Map(frame + 128) == 0, "zeroed frame reads zero");

            t.Check(space.Map(TestAddress, frame, Pte.Writable), "map a user-half page");
            *(ulong*)TestAddress = 0x1234567890ABCDEF;
            t.Check(*(ulong*)physical.Map(frame) == 0x1234567890ABCDEF, "write through the new mapping lands in the frame");
            ulong old = space.Unmap(TestAddress);
            Native.InvalidatePage(TestAddress);
            t.Check(Pte.Frame(old) == frame, "unmap returns the old entry");
            t.Check(space.Get(TestAddress) == 0, "page is unmapped");
            t.CheckEqual(4, space.CountUserTableFrames(), "PML4, PDPT, PD and PT");
            Native.WriteCr3(KernelMemory.KernelTable.Root);
            space.Destroy();

            t.CheckEqual((long)freeBefore - 1, (long)frames.FreeFrames, "destroying the table returned its frames");
            ulong violationsBefore = frames.PoisonViolations;
            t.Check(frames.Free(frame), "free the frame");
            t.Check(*(ulong*)physical.Map(frame) == FrameAllocator.PoisonPattern, "freed frame is poisoned");
            *(ulong*)physical.Map(frame + 8) = 42; // a deliberate write into a freed frame
            t.CheckEqual(1, frames.CheckFreeFrames(), "the sweep finds the write into a freed frame");
            t.CheckEqual((long)violationsBefore + 1, (long)frames.PoisonViolations, "the write is counted as a violation");

            ulong doubleFreesBefore = frames.DoubleFrees;
            t.Check(!frames.Free(frame), "a second free is refused");
            t.CheckEqual((long)doubleFreesBefore + 1, (long)frames.DoubleFrees, "the double free is counted");
            t.CheckEqual((long)freeBefore, (long)frames.FreeFrames, "no frame leaked");

            t.PrintSummary();
            System.Console.WriteLine("memory: " + (frames.TotalFrames * 4 / 1024).ToString() + " MiB in frames, "
                + (frames.FreeFrames * 4 / 1024).ToString() + " MiB free, NX " + (KernelMemory.NoExecuteSupported ? "on" : "off"));
            return t.AllPassed;
        }
    }
}
