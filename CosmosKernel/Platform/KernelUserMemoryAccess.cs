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
    // The bytes move without the kernel lock: it is released once for the whole copy
    // (taken again at a page boundary only if a thread is ready to run here), so
    // copies on different CPUs overlap. That is safe because each strategy has already
    // made the pages safe to touch without it (page locks, MmLock, pinned frames, or a
    // recovery point). Interrupts are on meanwhile, so this CPU answers TLB shootdowns
    // at once: after one that unmapped a page under the copy, the copy's next access
    // to it walks the page table and faults, and the fault handler takes the lock
    // itself (UserPageFaults.Handle). The rule for callers is Linux's: a user copy is
    // a scheduling point, so the kernel buffer must be the caller's alone across it.
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
            LeaveKernelLock();
            while (done < length)
            {
                // Up to the end of the user page (so each chunk touches one user page).
                ulong chunk = Paging.PageSize - ((user + done) & Paging.PageMask);
                if (chunk > length - done)
                    chunk = length - done;
                if (done > 0)
                    RunReadyThreadsUnlocked();
                ulong notCopied = Native.UserCopy(to + done, from + done, chunk);
                done += chunk - notCopied;
                if (notCopied != 0)
                    break;
            }
            EnterKernelLock();
            UserPageFaults.EndCopy(me);
            return length - done;
        }

        public void BeginPinnedCopy() => LeaveKernelLock();

        public void CopyPinned(byte* to, byte* from, ulong length)
        {
            Native.Memcpy(to, from, length);
            RunReadyThreadsUnlocked(); // after the page, not before the first
        }

        public void EndPinnedCopy() => EnterKernelLock();

        // Between two pages of an unlocked copy: a thread ready to run here goes first
        // (one CPU depends on it), and only then is the kernel lock worth taking.
        private void RunReadyThreadsUnlocked()
        {
            Scheduler scheduler = _scheduler;
            if (!scheduler.ThreadsReady)
                return;
            EnterKernelLock();
            scheduler.RunReadyThreads();
            LeaveKernelLock();
        }

        // Kernel code runs with interrupts off and the lock held; copies run with neither.
        private static void LeaveKernelLock()
        {
            KernelLock.Release();
            Native.EnableInterrupts();
        }

        private static void EnterKernelLock()
        {
            Native.DisableInterrupts();
            KernelLock.Acquire();
        }
    }
}
