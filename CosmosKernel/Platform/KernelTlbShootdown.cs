using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Platform
{
    // TLB shootdown: invalidate on this CPU, then IPI exactly the other CPUs that run
    // with the address space's page tables loaded (Scheduler.MayCache: a CPU that
    // switched CR3 away flushed that space's entries; global pages are kernel-only),
    // and wait until each has invalidated. Only then may the caller reuse the frame.
    //
    // A shootdown with no other CPU to interrupt takes no lock (most of them: a
    // process whose other threads are not running). Otherwise one shootdown at a time,
    // machine-wide: _lock (a kernel spin lock) guards the
    // request (s_start, s_end, s_unanswered) from the moment it is filled in until every
    // target has answered. Its waiters spin with interrupts on, so two CPUs that shoot
    // at once answer each other. The initiator also waits for the answers with
    // interrupts on: a target may itself be waiting for this CPU (the collector stops
    // every CPU; a CPU that collects answers nobody until it is done), and the
    // handlers that can arrive then take no lock.
    //
    // Which CPUs to interrupt comes from the scheduler (MayCache), read after the
    // caller changed the page table: a CPU publishes the root it switches to before
    // it writes CR3 (Scheduler.LoadRoot), and taking _lock is a full fence, so a CPU
    // not found here loads CR3 after the change and cannot cache the old entry.
    //
    // Lock order: last of all; callers may hold MmLock, page locks, the kernel stacks'
    // lock. Nothing is taken under it.
    public sealed unsafe class KernelTlbShootdown : ITlbShootdown
    {
        public const int Vector = Arch.InterruptVectors.TlbShootdown; // above every other vector's priority class
        private const ulong AllPages = ulong.MaxValue;
        // Above this many pages a CR3 reload (flush every non-global entry) is cheaper
        // than one invlpg per page.
        private const ulong MaxInvlpgPages = 32;

        private static ulong s_start, s_end; // the pages to invalidate, or s_start = AllPages
        private static int s_unanswered;     // targets that have not invalidated yet

        private readonly Scheduler _scheduler;
        private readonly KernelSpinLock _lock = new KernelSpinLock("TLB shootdown");

        // Statistics (cosmos_vmm_info), counted atomically: callers run on every CPU.
        public long Invalidations;
        public long InterruptsSent;

        public KernelTlbShootdown(Scheduler scheduler)
        {
            _scheduler = scheduler;
            Idt.SetHandler(Vector, &OnShootdown);
        }

        public void InvalidatePage(AddressSpace space, ulong virtualAddress)
        {
            Interlocked.Increment(ref Invalidations);
            if (Native.ReadCr3() == space.Table.Root)
                Native.InvalidatePage(virtualAddress);
            ShootOthers(space, virtualAddress, virtualAddress + Paging.PageSize);
        }

        public void InvalidateRange(AddressSpace space, ulong start, ulong end)
        {
            Interlocked.Increment(ref Invalidations);
            if (Native.ReadCr3() == space.Table.Root)
                InvalidateHere(start, end);
            ShootOthers(space, start, end);
        }

        public void InvalidateLocal(AddressSpace space, ulong virtualAddress)
        {
            if (Native.ReadCr3() == space.Table.Root)
                Native.InvalidatePage(virtualAddress);
        }

        // Pages of the kernel half that are not global (kernel stacks): every CPU may
        // cache them, whatever it runs.
        public void InvalidateKernelRange(ulong start, ulong end)
        {
            Interlocked.Increment(ref Invalidations);
            InvalidateHere(start, end);
            ShootOthers(null, start, end);
        }

        public void InvalidateAll(AddressSpace space)
        {
            Interlocked.Increment(ref Invalidations);
            ulong cr3 = Native.ReadCr3();
            if (cr3 == space.Table.Root)
                Native.WriteCr3(cr3);
            ShootOthers(space, AllPages, AllPages);
        }

        private static void InvalidateHere(ulong start, ulong end)
        {
            if (start == AllPages || (end - start) / Paging.PageSize > MaxInvlpgPages)
            {
                Native.WriteCr3(Native.ReadCr3());
                return;
            }
            for (ulong page = start; page < end; page += Paging.PageSize)
                Native.InvalidatePage(page);
        }

        // Whether CPU `cpu` may cache entries of `space` (null: of the kernel half).
        private bool IsTarget(int cpu, AddressSpace space)
            => space == null ? _scheduler.IsOnline(cpu) : _scheduler.MayCache(cpu, space.Table.Root);

        private bool AnyTarget(int me, AddressSpace space)
        {
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
                if (cpu != me && IsTarget(cpu, space))
                    return true;
            return false;
        }

        private void ShootOthers(AddressSpace space, ulong start, ulong end)
        {
            if (_scheduler.CpuCount == 1)
                return;
            int me = Cpu.CurrentIndex;
            // Most shootdowns have no target (a process with one thread, or whose other
            // threads are not running): those take no lock. The fence orders the page
            // table change before the look at the CPUs' roots, as taking _lock does.
            Interlocked.MemoryBarrier();
            if (!AnyTarget(me, space))
                return;
            _lock.Acquire();
            // The targets, chosen once (Gdt.MaxCpus <= 64): the count and the IPIs
            // must agree even if a CPU switches CR3 meanwhile.
            ulong targets = 0;
            int count = 0;
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
            {
                if (cpu != me && IsTarget(cpu, space))
                {
                    targets |= 1UL << cpu;
                    count++;
                }
            }
            if (count == 0)
            {
                _lock.Release();
                return;
            }
            s_start = start;
            s_end = end;
            Volatile.Write(ref s_unanswered, count);
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
            {
                if ((targets & (1UL << cpu)) != 0)
                {
                    LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, Vector);
                    Interlocked.Increment(ref InterruptsSent);
                }
            }
            ulong waitStart = Native.ReadTimestampCounter();
            bool interruptsOn = (Native.ReadRflags() & UserMode.RflagsIf) != 0;
            while (Volatile.Read(ref s_unanswered) != 0)
            {
                Native.EnableInterrupts();
                Native.Pause();
                if (!interruptsOn)
                    Native.DisableInterrupts();
            }
            _lock.Release();
            KernelThread initiator = _scheduler.Current;
            initiator.ShootdownRounds++;
            initiator.ShootdownWaitCycles += (long)(Native.ReadTimestampCounter() - waitStart);
        }

        private static void OnShootdown(InterruptFrame* frame)
        {
            InvalidateHere(s_start, s_end);
            LocalApic.EndOfInterrupt();
            Interlocked.Decrement(ref s_unanswered);
        }
    }
}
