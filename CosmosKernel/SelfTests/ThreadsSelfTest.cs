using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Scheduling;
using CosmosKernel.Threading;

using CosmosKernel.Abi;

namespace CosmosKernel.SelfTests
{
    // Kernel threads on the real machine: the FIFO mutex really sleeps and wakes in
    // arrival order, an idle CPU takes a thread queued on a busy one, and the race the
    // VMM exists for plays out with real blocking: a pagelock copy holds its pages
    // while another thread's munmap waits for them.
    public static unsafe class ThreadsSelfTest
    {
        private static Scheduler s_scheduler;
        private static FifoMutex s_mutex;
        private static int s_counter;
        private static int[] s_order;
        private static int s_orderCount;

        private static int s_holderRunning, s_releaseHolder, s_queuedRanOn;

        private static AddressSpace s_space;
        private static ulong s_buffer;
        private static ulong s_notCopied;
        private static byte* s_source;

        public static bool Run(Scheduler scheduler, Vmm vmm)
        {
            var t = new SelfTestRunner("threads");
            s_scheduler = scheduler;

            // Four threads, each taking the mutex five times, yielding inside.
            s_mutex = new FifoMutex(scheduler, 8, "selftest");
            s_counter = 0;
            s_order = new int[32];
            s_orderCount = 0;
            int* ids = stackalloc int[4];
            for (int i = 0; i < 4; i++)
                ids[i] = scheduler.Spawn(&Incrementer, (ulong)i, "incrementer");
            t.Check(ids[0] > 0 && ids[3] > 0, "spawn four threads");
            for (int i = 0; i < 4; i++)
                scheduler.Join(ids[i]);
            t.CheckEqual(20, s_counter, "no increment lost under the mutex");
            t.Check(s_mutex.ContendedAcquisitions > 0, "threads really waited for the mutex");
            bool roundRobin = true;
            for (int i = 4; i < s_orderCount; i++)
                roundRobin &= s_order[i] == s_order[i - 4];
            t.Check(roundRobin, "FIFO handoff: the waiters got the mutex in arrival order");

            // munmap during a pagelock copy_to_user, with real sleeping.
            ulong freeBefore = vmm.Frames.FreeFrames;
            s_space = AddressSpace.Create(vmm);
            Native.WriteCr3(s_space.Table.Root);
            s_buffer = (ulong)s_space.Map(0, 4 * Paging.PageSize, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous, null, 0);
            byte* source = stackalloc byte[3 * 4096];
            for (int i = 0; i < 3 * 4096; i++)
                source[i] = (byte)(i * 7);
            s_source = source;
            int copier = scheduler.Spawn(&CopyWithPageLock, 0, "copier");
            int unmapper = scheduler.Spawn(&Unmapper, 0, "unmapper");
            scheduler.Join(copier);
            scheduler.Join(unmapper);
            t.CheckEqual(0, (long)s_notCopied, "the locked copy was whole");
            t.Check(s_space.PageLockWaits > 0, "munmap slept until the pages were unlocked");
            t.Check(s_space.Table.Get(s_buffer) == 0, "then munmap unmapped them");
            Native.WriteCr3(vmm.KernelTable.Root);
            s_space.Destroy();
            t.CheckEqual((long)freeBefore, (long)vmm.Frames.FreeFrames, "every frame returned");
            t.CheckEqual(0, vmm.Frames.CheckFreeFrames(), "no write into a freed frame");

            t.PrintSummary();
            return t.AllPassed;
        }

        // Once the other CPUs run (Kernel.cs): each takes timer interrupts (what preempts
        // ring 3 there: a thread queued on a CPU whose program spins would wait for ever
        // without them); and with every other CPU busy, a thread is queued here while
        // this thread keeps the CPU (it never yields): the thread runs only if a CPU that
        // runs out of work takes it (Scheduler.Steal). The holder keeps the other CPU
        // busy until then.
        public static bool RunOnOtherCpus(Scheduler scheduler)
        {
            var t = new SelfTestRunner("cpus");
            s_scheduler = scheduler;
            CheckTimers(t, scheduler);
            s_holderRunning = 0;
            s_releaseHolder = 0;
            s_queuedRanOn = -1;
            long stealsBefore = Volatile.Read(ref scheduler.Steals);
            int holder = scheduler.Spawn(&Holder, 0, "holder"); // to a halted CPU
            bool busy = SpinUntil(scheduler, ref s_holderRunning);
            int queued = scheduler.Spawn(&NoteCpu, 0, "queued");
            Volatile.Write(ref s_releaseHolder, 1);
            bool ran = SpinUntilSet(scheduler, ref s_queuedRanOn);
            int ranOn = Volatile.Read(ref s_queuedRanOn);
            scheduler.Join(holder);
            scheduler.Join(queued);
            t.Check(busy, "the holder runs on another CPU");
            t.Check(ran && ranOn != Cpu.CurrentIndex, "a thread queued on a busy CPU ran on the CPU that ran out of work");
            if (scheduler.CpuCount == 2)
                t.Check(Volatile.Read(ref scheduler.Steals) > stealsBefore, "it was taken from this CPU's queue");
            t.PrintSummary();
            return t.AllPassed;
        }

        // Every CPU but this one (whose PIT starts later) takes timer interrupts: wait
        // for a few ticks' worth of them, at most 200 ms.
        private static void CheckTimers(SelfTestRunner t, Scheduler scheduler)
        {
            int cpus = scheduler.CpuCount;
            long* before = stackalloc long[cpus];
            for (int cpu = 0; cpu < cpus; cpu++)
                before[cpu] = scheduler.TimerInterrupts(cpu);
            ulong end = Native.ReadTimestampCounter() + Pit.TscPerSecond / 5;
            int ticking = 0;
            while (Native.ReadTimestampCounter() < end)
            {
                ticking = 0;
                for (int cpu = 0; cpu < cpus; cpu++)
                    if (cpu != Cpu.CurrentIndex && scheduler.IsOnline(cpu) && scheduler.TimerInterrupts(cpu) >= before[cpu] + 3)
                        ticking++;
                if (ticking == cpus - 1)
                    break;
                scheduler.SpinPause();
            }
            t.CheckEqual(cpus - 1, ticking, "every other CPU's local APIC timer ticks (it preempts ring 3 there)");
        }

        // Spin (answering IPIs, never switching) until the flag is 1, for at most a second.
        private static bool SpinUntil(Scheduler scheduler, ref int flag)
        {
            ulong end = Native.ReadTimestampCounter() + Pit.TscPerSecond;
            while (Volatile.Read(ref flag) != 1 && Native.ReadTimestampCounter() < end)
                scheduler.SpinPause();
            return Volatile.Read(ref flag) == 1;
        }

        private static bool SpinUntilSet(Scheduler scheduler, ref int cpu)
        {
            ulong end = Native.ReadTimestampCounter() + Pit.TscPerSecond;
            while (Volatile.Read(ref cpu) < 0 && Native.ReadTimestampCounter() < end)
                scheduler.SpinPause();
            return Volatile.Read(ref cpu) >= 0;
        }

        private static void Holder(ulong unused)
        {
            Volatile.Write(ref s_holderRunning, 1);
            while (Volatile.Read(ref s_releaseHolder) == 0)
                s_scheduler.SpinPause();
        }

        private static void NoteCpu(ulong unused) => Volatile.Write(ref s_queuedRanOn, Cpu.CurrentIndex);

        private static void Incrementer(ulong index)
        {
            for (int i = 0; i < 5; i++)
            {
                s_mutex.Lock();
                s_order[s_orderCount++] = (int)index;
                int read = s_counter;
                s_scheduler.Yield(); // everyone else queues on the mutex meanwhile
                s_counter = read + 1;
                s_mutex.Unlock();
            }
        }

        private static void CopyWithPageLock(ulong unused)
        {
            s_scheduler.SwitchAddressSpace(s_space.Table.Root); // a thread's address space is its own
            var copier = new UserCopier(new PageLockStrategy());
            s_notCopied = copier.CopyToUser(s_space, s_buffer, s_source, 3 * 4096);
        }

        private static void Unmapper(ulong unused)
        {
            s_scheduler.SwitchAddressSpace(s_space.Table.Root);
            s_space.Unmap(s_buffer, 4 * Paging.PageSize);
        }
    }
}
