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
    // The caller holds the kernel lock, so there is one shootdown at a time and no CPU
    // changes CR3 meanwhile; the targets answer without that lock (lock-free handler),
    // also while they wait for it, since they wait with interrupts on.
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

        public long Invalidations;
        public long InterruptsSent;

        public KernelTlbShootdown(Scheduler scheduler)
        {
            _scheduler = scheduler;
            Idt.SetLockFreeHandler(Vector, &OnShootdown);
        }

        public void InvalidatePage(AddressSpace space, ulong virtualAddress)
        {
            Invalidations++;
            if (Native.ReadCr3() == space.Table.Root)
                Native.InvalidatePage(virtualAddress);
            ShootOthers(space, virtualAddress, virtualAddress + Paging.PageSize);
        }

        public void InvalidateRange(AddressSpace space, ulong start, ulong end)
        {
            Invalidations++;
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
            Invalidations++;
            InvalidateHere(start, end);
            ShootOthers(null, start, end);
        }

        public void InvalidateAll(AddressSpace space)
        {
            Invalidations++;
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

        private void ShootOthers(AddressSpace space, ulong start, ulong end)
        {
            int me = Cpu.CurrentIndex;
            int targets = 0;
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
                if (cpu != me && IsTarget(cpu, space))
                    targets++;
            if (targets == 0)
                return;
            s_start = start;
            s_end = end;
            Volatile.Write(ref s_unanswered, targets);
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
            {
                if (cpu != me && IsTarget(cpu, space))
                {
                    LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, Vector);
                    InterruptsSent++;
                }
            }
            ulong waitStart = Native.ReadTimestampCounter();
            while (Volatile.Read(ref s_unanswered) != 0)
                Native.Pause();
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
