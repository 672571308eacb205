using System.Threading;
using Cosmos.HAL;

namespace CosmosKernel.Scheduling
{
    // The kernel lock: one ticket lock for the kernel code that has no lock of its own
    // yet (issue 12 removes it structure by structure): the syscalls SyscallTable's
    // NeedsKernelLock names, exceptions from ring 3 (SyscallPlug.EnterKernel), killing a
    // process, the deadlock breaker. Page faults, the timers' preemption, the idle loop
    // and the scheduler run without it, under locks of their own
    // (docs/architecture.md, "Locks, in the order they are taken").
    //
    // Held by a thread in kernel code: the scheduler releases it when the holder
    // switches out and takes it again for it when it runs again, on whatever CPU
    // (Scheduler.SwitchLocked). Owner bookkeeping is per CPU (the CPU the holder runs
    // on). A user copy gives it up while its bytes move (KernelUserMemoryAccess). Yield
    // lets the CPUs waiting here in once the holder has had it for a quantum, in arrival
    // order (tickets: fair, no CPU starves).
    //
    // The CPU waits for it with interrupts on, so it still answers TLB-shootdown and
    // collector IPIs; the handlers that can arrive then take no lock, or only count
    // ticks. A CPU that has waited a while halts instead of spinning (and the releaser
    // wakes the CPU whose turn has come with an IPI): on a host with fewer cores than
    // virtual CPUs, spinning vCPUs would steal the time the holder's vCPU needs, and a
    // FIFO lock then waits a host scheduling quantum per hand-off (docs/scenarios.md,
    // scenario 8).
    //
    // Lock order: first of all; every other lock may be taken under it, it is never
    // taken under another (the scheduler takes it again only after a switch, holding
    // nothing).
    public static unsafe class KernelLock
    {
        public const int NoCpu = -1;

        private static int s_nextTicket;
        private static int s_nowServing;
        private static int s_ownerCpu = NoCpu;
        private const int SpinsBeforeHalt = 1000;
        // Per CPU: the ticket it waits for while halted, or -1.
        private static readonly int[] s_haltedFor = NewHaltedFor();

        private static int[] NewHaltedFor()
        {
            var haltedFor = new int[Gdt.MaxCpus];
            for (int i = 0; i < haltedFor.Length; i++)
                haltedFor[i] = -1;
            return haltedFor;
        }

        private static readonly int s_class = Threading.LockClasses.Register("kernel lock");

        public static void Acquire()
        {
            Threading.ILockValidator validator = Threading.LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(s_class, Threading.LockKind.Outermost);
            int ticket = Interlocked.ExchangeAdd(ref s_nextTicket, 1);
            if (Volatile.Read(ref s_nowServing) != ticket)
            {
                ulong start = Native.ReadTimestampCounter();
                int cpu = Cpu.CurrentIndex;
                for (int spins = 0; Volatile.Read(ref s_nowServing) != ticket; spins++)
                {
                    if (spins < SpinsBeforeHalt || !LocalApic.Present)
                    {
                        Native.EnableInterrupts();
                        Native.Pause();
                        Native.DisableInterrupts();
                        continue;
                    }
                    // Say which ticket we sleep for, then look once more (both orders are
                    // full fences, so the releaser either sees us or we see its turn);
                    // sti;hlt wakes on its IPI even if it came in between.
                    Interlocked.Exchange(ref s_haltedFor[cpu], ticket);
                    if (Volatile.Read(ref s_nowServing) != ticket)
                        Native.WaitForInterrupt();
                    Interlocked.Exchange(ref s_haltedFor[cpu], -1);
                }
                KernelThread waiter = Scheduler.CurrentOrNull;
                if (waiter != null)
                {
                    waiter.KernelLockWaits++;
                    waiter.KernelLockWaitCycles += (long)(Native.ReadTimestampCounter() - start);
                }
            }
            s_ownerCpu = Cpu.CurrentIndex;
            s_acquiredAt = Native.ReadTimestampCounter();
        }

        public static void Release()
        {
            if (s_ownerCpu != Cpu.CurrentIndex)
                Diagnostics.Panic.Report("kernel lock released by CPU " + Cpu.CurrentIndex.ToString()
                    + " but held by CPU " + s_ownerCpu.ToString());
            s_ownerCpu = NoCpu;
            int next = s_nowServing + 1;
            Interlocked.Exchange(ref s_nowServing, next);
            for (int cpu = 0; cpu < Gdt.MaxCpus; cpu++)
            {
                if (Volatile.Read(ref s_haltedFor[cpu]) == next)
                {
                    LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, Scheduler.RescheduleVector);
                    break;
                }
            }
        }

        // Another CPU has taken a ticket and waits (racy: a hint for Yield).
        public static bool HasWaiters => Volatile.Read(ref s_nextTicket) - Volatile.Read(ref s_nowServing) > 1;

        // TSC when the holder took the lock: Yield hands it on only after a quantum, so
        // two CPUs that both yield often do not pass it back and forth at every yield.
        private static ulong s_acquiredAt;

        public static bool HeldLongerThan(ulong cycles) => Native.ReadTimestampCounter() - s_acquiredAt > cycles;

        public static bool HeldByThisCpu => Volatile.Read(ref s_ownerCpu) == Cpu.CurrentIndex;
    }
}
