using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Platform
{
    // The real machine's way to touch user memory: `rep movsb` in the address space
    // loaded in CR3 (Native.UserCopy). Page faults on the way reach
    // UserPageFaults.Handle, which resolves them through the VMM or, for a
    // recoverable copy, ends the copy at the fault.
    //
    // A long copy is a scheduling point at every page boundary (as Linux's copies may
    // sleep and reschedule): the kernel never preempts itself, so this is where the
    // process's other threads get to run, and to unmap or re-protect the buffer, in
    // the middle of a copy, even on one CPU.
    //
    // Copies on different CPUs overlap: each strategy has already made the pages safe
    // to touch (page locks, MmLock, pinned frames, or a recovery point). The bytes
    // move with interrupts on (kernel code otherwise runs with them off), so this CPU answers
    // TLB shootdowns at once: after one that unmapped a page under the copy, the
    // copy's next access to it walks the page table and faults, and the fault is
    // resolved under the VMM's locks (UserPageFaults.Handle). The rule for callers is
    // Linux's: a user copy is a scheduling point, so the kernel buffer must be the
    // caller's alone across it.
    public sealed unsafe class KernelUserMemoryAccess : IUserMemoryAccess
    {
        private readonly Scheduler _scheduler;

        public KernelUserMemoryAccess(Scheduler scheduler) => _scheduler = scheduler;

        public ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length, bool recover)
            => Copy(space, to, (byte*)from, length, recover, user: from);

        public ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length, bool recover)
            => Copy(space, (byte*)to, from, length, recover, user: to);

        private ulong Copy(AddressSpace space, byte* to, byte* from, ulong length, bool recover, ulong user)
        {
            if (Native.ReadCr3() != space.Table.Root)
                Diagnostics.Panic.Report("user copy for an address space that is not loaded in CR3");
            ulong done = 0;
            KernelThread me = _scheduler.Current;
            UserPageFaults.BeginCopy(me, space, recover);
            Native.EnableInterrupts();
            while (done < length)
            {
                // Up to the end of the user page (so each chunk touches one user page).
                ulong chunk = Paging.PageSize - ((user + done) & Paging.PageMask);
                if (chunk > length - done)
                    chunk = length - done;
                if (done > 0)
                    _scheduler.RunReadyThreads();
                ulong notCopied = Native.UserCopy(to + done, from + done, chunk);
                done += chunk - notCopied;
                if (notCopied != 0)
                    break;
            }
            Native.DisableInterrupts();
            UserPageFaults.EndCopy(me);
            return length - done;
        }

        // The pinned strategy's bytes move with interrupts on too.
        public void BeginPinnedCopy() => Native.EnableInterrupts();

        public void CopyPinned(byte* to, byte* from, ulong length)
        {
            Native.Memcpy(to, from, length);
            _scheduler.RunReadyThreads(); // after the page, not before the first
        }

        public void EndPinnedCopy() => Native.DisableInterrupts();
    }
}
