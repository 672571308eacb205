using System.Runtime.InteropServices;
using CosmosKernel.Memory;
using CosmosKernel.Threading;

namespace CosmosKernel.Tests.Simulation;

// A machine for the VMM to run on, on the host: simulated physical memory (a native
// buffer), the real FrameAllocator and PageTable code over it, N CPUs with their own
// TLBs and an MMU that walks the real page tables, and the invariant checks the race
// tests assert: writes into freed frames, user accesses to copy-locked pages, kernel
// faults no one handled.
public sealed unsafe class SimulatedMachine : IDisposable, ITlbShootdown, IUserMemoryAccess
{
    public const ulong FirstFrame = 0x100000; // frames below 1 MiB stay unused, as on a PC

    private readonly byte* _ram;
    public readonly ulong RamSize;
    public readonly PhysicalMemory Physical;
    public readonly FrameAllocator Frames;
    public readonly PageTable KernelTable;
    public readonly Vmm Vmm;
    public readonly SimulatedCpu[] Cpus;
    private readonly IThreadBackend _threads;
    private readonly Dictionary<int, SimulatedCpu> _cpuOfThread = new();
    private readonly object _sync = new();

    // Invariant evidence.
    public int UserAccessesToLockedPages;
    public int KernelWritesToFreeFrames;
    public int KernelPanics;
    public string? FirstPanic;
    public int UserSegfaults;
    public int UserBusErrors;
    public long Shootdowns;

    // Test hook: drop every TLB shootdown (to prove the checks can see that class of bug).
    public bool DropShootdowns;

    public SimulatedMachine(int cpus, ulong ramMiB, IThreadBackend threads)
    {
        RamSize = ramMiB << 20;
        _ram = (byte*)NativeMemory.AlignedAlloc((nuint)RamSize, 4096);
        NativeMemory.Clear(_ram, (nuint)RamSize);
        _threads = threads;
        Physical = new PhysicalMemory(_ram);
        Frames = new FrameAllocator(Physical, RamSize);
        Frames.AddFreeRange(FirstFrame, RamSize - FirstFrame);
        KernelTable = PageTable.Create(Physical, Frames, null)!;
        Cpus = new SimulatedCpu[cpus];
        for (int i = 0; i < cpus; i++)
            Cpus[i] = new SimulatedCpu(i);
        Vmm = new Vmm(Physical, Frames, KernelTable, this, threads, this);
    }

    public void Dispose() => NativeMemory.AlignedFree(_ram);

    // ---- which CPU a simulated thread runs on ------------------------------------------

    public void Pin(int threadId, int cpu)
    {
        lock (_sync)
            _cpuOfThread[threadId] = Cpus[cpu];
    }

    public SimulatedCpu CurrentCpu
    {
        get
        {
            lock (_sync)
                return _cpuOfThread.TryGetValue(_threads.CurrentThreadId, out var cpu) ? cpu : Cpus[0];
        }
    }

    // ---- ITlbShootdown -------------------------------------------------------------------

    public void InvalidatePage(AddressSpace space, ulong virtualAddress)
    {
        Shootdowns++;
        if (DropShootdowns)
            return;
        foreach (var cpu in Cpus)
            if (cpu.Space == space)
                cpu.Invalidate(Paging.PageDown(virtualAddress));
    }

    public void InvalidateRange(AddressSpace space, ulong start, ulong end)
    {
        Shootdowns++;
        if (DropShootdowns)
            return;
        foreach (var cpu in Cpus)
            if (cpu.Space == space)
                cpu.InvalidateRange(Paging.PageDown(start), end);
    }

    public void InvalidateLocal(AddressSpace space, ulong virtualAddress)
    {
        if (DropShootdowns)
            return;
        SimulatedCpu cpu = CurrentCpu;
        if (cpu.Space == space)
            cpu.Invalidate(Paging.PageDown(virtualAddress));
    }

    public void InvalidateAll(AddressSpace space)
    {
        Shootdowns++;
        if (DropShootdowns)
            return;
        foreach (var cpu in Cpus)
            if (cpu.Space == space)
                cpu.InvalidateAll();
    }

    // ---- the MMU ----------------------------------------------------------------------------

    public enum Translation { Ok, NotPresent, Protection }

    // Translate as the CPU would: TLB first, else walk the page tables and fill the TLB.
    public Translation Translate(SimulatedCpu cpu, ulong va, Access access, bool userMode, out ulong physical)
    {
        physical = 0;
        AddressSpace space = cpu.Space ?? throw new InvalidOperationException("CPU " + cpu.Id + " runs no address space");
        ulong page = Paging.PageDown(va);
        ulong pte;
        while (!cpu.TryGetTlb(page, out pte))
        {
            // As the hardware walker: the entry's Accessed bit is set (atomically, in
            // the page table) before the translation is cached. The walk races with
            // software on other CPUs, so each of its accesses is a scheduling point
            // (SharedAccess; Walk has its own).
            long invalidations = cpu.Invalidations;
            ulong* entry = space.Table.Walk(page, create: false);
            if (entry == null)
                return Translation.NotPresent;
            while (true)
            {
                SharedAccess.Before();
                pte = (ulong)System.Threading.Volatile.Read(ref *(long*)entry);
                if (!Pte.IsPresent(pte))
                    return Translation.NotPresent;
                if ((pte & Pte.Accessed) != 0)
                    break;
                SharedAccess.Before();
                if (System.Threading.Interlocked.CompareExchange(ref *(long*)entry, (long)(pte | Pte.Accessed), (long)pte) == (long)pte)
                    break;
            }
            pte |= Pte.Accessed;
            SharedAccess.Before();
            // A shootdown that reached this CPU during the walk: the hardware takes the
            // interrupt only after the instruction whose walk this is, so the entry
            // filled would be dropped at once; the access is retried with a new walk
            // (an order the hardware allows too). Filling it anyway would keep a
            // translation older than the shootdown, which no real CPU does.
            if (cpu.Invalidations != invalidations)
                continue;
            cpu.Fill(page, pte);
        }
        if (userMode && (pte & Pte.User) == 0)
            return Translation.Protection;
        if (access == Access.Write && (pte & Pte.Writable) == 0)
            return Translation.Protection; // CR0.WP: the kernel honours read-only pages too
        physical = Pte.Frame(pte) + (va & Paging.PageMask);
        if (userMode && (PeekEntry(space, page) & Pte.CopyLocked) != 0 && IsBeingCopied(space, page))
            UserAccessesToLockedPages++; // allowed only by a stale TLB entry
        return Translation.Ok;
    }

    // The leaf entry for page as it is now, read without a scheduling point: the
    // invariant check above must see the same moment as the translation it checks.
    private ulong PeekEntry(AddressSpace space, ulong page)
    {
        ulong* table = Physical.MapTable(space.Table.Root);
        for (int level = 3; level > 0; level--)
        {
            ulong entry = table[(int)((page >> (Paging.PageShift + 9 * level)) & 511)];
            if (!Pte.IsPresent(entry) || (entry & Pte.Huge) != 0)
                return 0;
            table = Physical.MapTable(Pte.Frame(entry));
        }
        return table[Paging.PtIndex(page)];
    }

    // ---- user-mode accesses (a simulated user thread touching its memory) ------------

    // Read or write one byte as user code does: faults go to the VMM, which resolves
    // them, makes us wait for a copy-locked page, or kills the thread (SIGSEGV, or
    // SIGBUS past the end of a mapped file). Only those two results are retried.
    public bool UserAccess(ulong va, Access access, ref byte value)
    {
        SimulatedCpu cpu = CurrentCpu;
        while (true)
        {
            _threads.Yield();
            if (Translate(cpu, va, access, userMode: true, out ulong physical) == Translation.Ok)
            {
                if (access == Access.Write)
                    *Physical.Map(physical) = value;
                else
                    value = *Physical.Map(physical);
                return true;
            }
            cpu.Invalidate(Paging.PageDown(va)); // a faulting access drops its TLB entry
            FaultResult result = cpu.Space!.HandleFault(va, access, userMode: true);
            if (result == FaultResult.Resolved || result == FaultResult.WaitedForPageLock)
                continue;
            if (result == FaultResult.BeyondEndOfFile)
                UserBusErrors++;
            else
                UserSegfaults++;
            return false;
        }
    }

    public bool UserWrite(ulong va, byte value) => UserAccess(va, Access.Write, ref value);

    public bool UserRead(ulong va, out byte value)
    {
        value = 0;
        return UserAccess(va, Access.Read, ref value);
    }

    // ---- IUserMemoryAccess: the kernel copying through the MMU ------------------------------

    public ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length, bool recover)
        => KernelCopy(space, from, to, length, Access.Read, recover);

    public ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length, bool recover)
        => KernelCopy(space, to, from, length, Access.Write, recover);

    // The pages kernel copies are moving bytes to or from right now. A user access to
    // one of them that is copy-locked is the violation: the copy is not atomic for the
    // user. (A page locked but not yet copied may still be reached through a stale TLB
    // entry until the lock's shootdown; no byte has moved yet, so that is harmless.)
    private readonly Dictionary<(AddressSpace, ulong), int> _pagesBeingCopied = new();

    private bool IsBeingCopied(AddressSpace space, ulong page)
    {
        lock (_sync)
            return _pagesBeingCopied.ContainsKey((space, page));
    }

    private void MarkBeingCopied(AddressSpace space, ulong user, ulong length, int delta)
    {
        lock (_sync)
        {
            for (ulong page = Paging.PageDown(user); length > 0 && page < user + length; page += Paging.PageSize)
            {
                int count = _pagesBeingCopied.GetValueOrDefault((space, page)) + delta;
                if (count == 0)
                    _pagesBeingCopied.Remove((space, page));
                else
                    _pagesBeingCopied[(space, page)] = count;
            }
        }
    }

    private ulong KernelCopy(AddressSpace space, ulong user, byte* kernel, ulong length, Access access, bool recover)
    {
        MarkBeingCopied(space, user, length, +1);
        try
        {
            return KernelCopyBytes(space, user, kernel, length, access, recover);
        }
        finally
        {
            MarkBeingCopied(space, user, length, -1);
        }
    }

    private ulong KernelCopyBytes(AddressSpace space, ulong user, byte* kernel, ulong length, Access access, bool recover)
    {
        SimulatedCpu cpu = CurrentCpu;
        if (cpu.Space != space)
            throw new InvalidOperationException("kernel copy for an address space the CPU does not run");
        for (ulong i = 0; i < length; i++)
        {
            if ((i & 63) == 0)
                _threads.Yield();
            ulong va = user + i;
            ulong physical;
            while (Translate(cpu, va, access, userMode: false, out physical) != Translation.Ok)
            {
                cpu.Invalidate(Paging.PageDown(va));
                FaultResult result = space.HandleFault(va, access, userMode: false);
                if (result == FaultResult.Resolved || result == FaultResult.WaitedForPageLock)
                    continue;
                if (recover)
                    return length - i;
                KernelPanics++;
                FirstPanic ??= "kernel-mode " + (access == Access.Write ? "write" : "read") + " fault at 0x" + va.ToString("x") + " (" + result + ") with no recovery";
                return length - i;
            }
            if (!Frames.IsAllocated(Paging.PageDown(physical)))
                KernelWritesToFreeFrames += access == Access.Write ? 1 : 0;
            if (access == Access.Write)
                *Physical.Map(physical) = kernel[i];
            else
                kernel[i] = *Physical.Map(physical);
        }
        return 0;
    }

    // Pinned frames through the direct map: yield every 64 bytes (where another thread
    // may munmap), and count writes to frames that are free (a pin that did not hold).
    public void BeginPinnedCopy() { }
    public void EndPinnedCopy() { }

    public void CopyPinned(byte* to, byte* from, ulong length)
    {
        for (ulong i = 0; i < length; i++)
        {
            if ((i & 63) == 0)
                _threads.Yield();
            ulong physical = (ulong)(to + i) - (ulong)_ram;
            if (physical < RamSize && !Frames.IsAllocated(Paging.PageDown(physical)))
                KernelWritesToFreeFrames++;
            to[i] = from[i];
        }
    }
}
