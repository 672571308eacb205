using System;
using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Platform
{
    // Takes physical memory and paging over from the boot stub:
    //  - a frame allocator fed by the Multiboot2 memory map, minus the first MiB, the
    //    kernel image, the boot information and the GRUB modules (user programs);
    //  - the kernel's own page table: the direct map of physical memory (2 MiB pages,
    //    no execute) and the kernel image in 4 KiB pages with per-section permissions
    //    (text read-only and executable, read-only data, data and BSS writable, both
    //    no execute). The boot stub's identity map of the low 4 GiB is gone afterwards,
    //    so the lower half belongs to user address spaces and a null pointer faults.
    //
    // Limit: RAM above 4 GiB is ignored for now (the boot map reaches only 4 GiB).
    public static unsafe class KernelMemory
    {
        public const ulong MaxPhysical = 4UL << 30;
        private const ulong LowMemoryEnd = 1UL << 20;
        private const ulong TwoMiB = 2UL << 20;

        public static PhysicalMemory Physical { get; private set; }
        public static FrameAllocator Frames { get; private set; }
        public static PageTable KernelTable { get; private set; }
        public static bool NoExecuteSupported { get; private set; }

        public static void Initialize(Multiboot2 boot, ulong bootInfoPhysical, ulong bootInfoSize)
        {
            Physical = new PhysicalMemory((byte*)Paging.DirectMapBase);
            ulong top = 0;
            for (int i = 0; i < boot.MemoryMap.Length; i++)
            {
                ulong end = boot.MemoryMap[i].Base + boot.MemoryMap[i].Length;
                if (boot.MemoryMap[i].Type == 1 && end > top)
                    top = end;
            }
            if (top > MaxPhysical)
                top = MaxPhysical;
            Frames = new FrameAllocator(Physical, top);
            for (int i = 0; i < boot.MemoryMap.Length; i++)
                if (boot.MemoryMap[i].Type == 1)
                    Frames.AddFreeRange(boot.MemoryMap[i].Base, boot.MemoryMap[i].Length);
            Frames.Reserve(0, LowMemoryEnd);
            Frames.Reserve(Native.KernelImageStart() - Paging.KernelImageBase,
                Native.KernelImageEnd() - Native.KernelImageStart());
            if (bootInfoPhysical != 0)
                Frames.Reserve(bootInfoPhysical, bootInfoSize);
            for (int i = 0; i < boot.Modules.Length; i++)
                Frames.Reserve(boot.Modules[i].Start, boot.Modules[i].End - boot.Modules[i].Start);

            uint* registers = stackalloc uint[4];
            Native.CpuId(0x80000001, 0, registers);
            NoExecuteSupported = (registers[3] & (1u << 20)) != 0;

            KernelTable = BuildKernelTable();
            Native.WriteCr3(KernelTable.Root);
        }

        // The direct-map address of a device's registers (the local APIC), with caching
        // off for the 2 MiB page that holds them: device registers must not be cached.
        public static ulong MapDevice(ulong physical)
        {
            if (physical >= MaxPhysical)
                Diagnostics.Panic.Report("device registers above 4 GiB (0x" + physical.ToString("X") + ") are not mapped");
            ulong virtualAddress = Paging.DirectMapBase + physical;
            ulong* pml4 = Physical.MapTable(KernelTable.Root);
            ulong* pdpt = Physical.MapTable(Pte.Frame(pml4[Paging.Pml4Index(virtualAddress)]));
            ulong* pd = Physical.MapTable(Pte.Frame(pdpt[Paging.PdptIndex(virtualAddress)]));
            pd[Paging.PdIndex(virtualAddress)] |= Pte.CacheDisable | Pte.WriteThrough;
            Native.InvalidatePage(virtualAddress);
            return virtualAddress;
        }

        private static PageTable BuildKernelTable()
        {
            PageTable table = PageTable.Create(Physical, Frames, kernel: null);
            ulong noExecute = NoExecuteSupported ? Pte.NoExecute : 0;

            // Direct map: PML4 slot 256 -> one PDPT -> PDs of 2 MiB pages.
            ulong* pml4 = Physical.MapTable(table.Root);
            ulong pdpt = NewTable();
            pml4[Paging.Pml4Index(Paging.DirectMapBase)] = pdpt | Pte.Present | Pte.Writable;
            for (ulong physical = 0; physical < MaxPhysical; physical += TwoMiB)
            {
                ulong* pdptEntries = Physical.MapTable(pdpt);
                int pdptIndex = Paging.PdptIndex(Paging.DirectMapBase + physical);
                if (!Pte.IsPresent(pdptEntries[pdptIndex]))
                    pdptEntries[pdptIndex] = NewTable() | Pte.Present | Pte.Writable;
                ulong* pd = Physical.MapTable(Pte.Frame(pdptEntries[pdptIndex]));
                pd[Paging.PdIndex(Paging.DirectMapBase + physical)] =
                    physical | Pte.Present | Pte.Writable | Pte.Huge | Pte.Global | noExecute;
            }

            // Kernel image, 4 KiB pages, permissions by section.
            ulong textEnd = Native.KernelTextEnd();
            ulong readOnlyEnd = Native.KernelReadOnlyDataEnd();
            ulong imageEnd = Paging.PageUp(Native.KernelImageEnd());
            for (ulong va = Native.KernelImageStart(); va < imageEnd; va += Paging.PageSize)
            {
                ulong flags = Pte.Global;
                if (va >= textEnd)
                    flags |= noExecute;
                if (va >= readOnlyEnd)
                    flags |= Pte.Writable;
                if (!table.Map(va, va - Paging.KernelImageBase, flags))
                    Diagnostics.Panic.Report("out of memory building the kernel page table");
            }
            // Kernel-half entries are supervisor-only: clear the User bit Map set on
            // the intermediate levels of the image mapping.
            pml4[511] &= ~Pte.User;
            // The kernel stacks' area (KernelStacks), empty for now: its top-level table
            // exists before any address space copies the kernel half, so every space
            // sees the stacks mapped later.
            pml4[KernelStacks.AreaPml4Slot] = NewTable() | Pte.Present | Pte.Writable;
            return table;
        }

        private static ulong NewTable()
        {
            ulong frame = Frames.Allocate(zero: true);
            if (frame == FrameAllocator.NoFrame)
                Diagnostics.Panic.Report("out of memory building the kernel page table");
            return frame;
        }
    }
}
