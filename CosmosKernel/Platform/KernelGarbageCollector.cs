using System.Runtime.InteropServices;
using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Scheduling;
using Internal.Runtime;

namespace CosmosKernel.Platform
{
    // The kernel's side of garbage collection (the mark-and-sweep engine is the
    // runtime's, CosmosKernel.Core/Internal/GarbageCollector.cs): stop every other CPU, tell the
    // engine where the roots are, let the others go.
    //
    // Stopping: an IPI on StopVector to every CPU that joined the scheduler. Its
    // handler notes where its stack pointer is and spins, interrupts off, until the
    // collection ends. The interrupted code's registers are on that stack (the
    // interrupt stub saved them, the SSE state included), so scanning it from there
    // up finds every reference the CPU was holding. A CPU that runs kernel code with
    // interrupts off gets there as soon as it turns them on; kernel code never waits
    // with interrupts off for something the collector holds: every lock's waiters
    // wait with interrupts on (Scheduling/KernelSpinLock, Threading/SpinLock through
    // SpinPause, the heap's lock through runtime_yield) or sleep (Threading/FifoMutex).
    //
    // Roots: every thread's stack from its stack pointer up (a switched-out thread's
    // saved one, a stopped CPU's, the collector's own below its callee-saved
    // registers), and the image's data and BSS (static fields, objects ILC
    // preinitialised in the image), without the heap arena and the boot stack.
    //
    // Collections run where the heap asks for one (an allocation), on any CPU; one at
    // a time: a CPU that asks while another collects
    // waits for that collection (and is stopped by it meanwhile).
    public static unsafe class KernelGarbageCollector
    {
        // Priority class 15, as the TLB shootdown's: it gets through to a CPU that
        // waits for a lock inside its timer handler (Arch/x86_64/InterruptVectors.cs).
        public const int StopVector = Arch.InterruptVectors.CollectorStop;
        private const ulong StopTimeoutSeconds = 5;

        private static Scheduler s_scheduler;
        private static int s_generation;   // incremented when a collection ends: stopped CPUs go on
        private static int s_stopped;      // CPUs that reached OnStop in this collection
        private static int s_collecting;
        private static int s_collectingCpu = -1;
        private static readonly ulong[] s_stoppedRsp = new ulong[Gdt.MaxCpus];

        public static ulong LastPauseCycles;  // TSC cycles the last collection stopped the world
        public static ulong LongestPauseCycles;

        public static void Install(Scheduler scheduler)
        {
            s_scheduler = scheduler;
            GarbageCollector.Initialize();
            Idt.SetHandler(StopVector, &OnStop);
            RuntimeHeap.SetCollector(&Collect);
        }

        // Through the assembly helper, which pushes the callee-saved registers (the
        // allocating code's references may live only there) and calls CollectFrom.
        private static void Collect() => Native.CollectGarbage();

        [UnmanagedCallersOnly(EntryPoint = "gc_collect_from")]
        private static void CollectFrom(ulong rsp)
        {
            bool interruptsWere = (Native.ReadRflags() & 0x200) != 0;
            if (Interlocked.Exchange(ref s_collecting, 1) != 0)
            {
                // Another CPU collects (this one's allocation found the heap as full as
                // its did): wait with interrupts on, so its stop IPI gets in, and use
                // what it freed.
                if (s_collectingCpu == Cpu.CurrentIndex)
                    Diagnostics.Panic.Report("garbage collector: a collection started inside a collection");
                while (Volatile.Read(ref s_collecting) != 0)
                {
                    Native.EnableInterrupts();
                    Native.Pause();
                    Native.DisableInterrupts();
                }
                if (interruptsWere)
                    Native.EnableInterrupts();
                return;
            }
            s_collectingCpu = Cpu.CurrentIndex;
            Native.DisableInterrupts();
            ulong start = Native.ReadTimestampCounter();
            StopOtherCpus();
            GarbageCollector.Begin();
            ScanImage();
            ScanStacks(rsp);
            GarbageCollector.Finish();
            Volatile.Write(ref s_stopped, 0);
            Interlocked.Increment(ref s_generation); // the stopped CPUs go on
            LastPauseCycles = Native.ReadTimestampCounter() - start;
            if (LastPauseCycles > LongestPauseCycles)
                LongestPauseCycles = LastPauseCycles;
            s_collectingCpu = -1;
            Volatile.Write(ref s_collecting, 0);
            if (GarbageCollector.DanglingReferences != 0)
                Diagnostics.Panic.ReportNumber("garbage collector: a reference into the heap that is no object, at 0x",
                    GarbageCollector.LastDanglingReference, " (decimal)");
            if (interruptsWere)
                Native.EnableInterrupts();
        }

        // IPI every other CPU in the scheduler and wait until each has stopped.
        private static void StopOtherCpus()
        {
            int me = Cpu.CurrentIndex;
            int others = 0;
            for (int cpu = 0; cpu < s_scheduler.CpuCount; cpu++)
            {
                if (cpu == me || !s_scheduler.IsOnline(cpu))
                    continue;
                LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, StopVector);
                others++;
            }
            ulong deadline = Native.ReadTimestampCounter() + StopTimeoutSeconds * Pit.TscPerSecond;
            while (Volatile.Read(ref s_stopped) != others)
            {
                if (Native.ReadTimestampCounter() > deadline)
                    Diagnostics.Panic.ReportNumber("garbage collector: CPUs did not stop within 5 s; stopped: ",
                        (ulong)Volatile.Read(ref s_stopped), null);
                Native.Pause();
            }
        }

        private static void OnStop(InterruptFrame* frame)
        {
            int generation = Volatile.Read(ref s_generation);
            LocalApic.EndOfInterrupt();
            // Below this frame: nothing of the interrupted code's. Above it: its registers
            // (saved by the interrupt stub) and all its frames.
            s_stoppedRsp[Cpu.CurrentIndex] = Native.ReadRsp();
            Interlocked.Increment(ref s_stopped);
            while (Volatile.Read(ref s_generation) == generation)
                Native.Pause();
        }

        // The image's data and BSS, less the heap arena (the engine scans objects
        // itself) and the boot stack (scanned as the boot thread's, from its pointer up).
        private static void ScanImage()
        {
            ulong start = Native.KernelDataStart();
            ulong end = Native.KernelBssEnd();
            ulong heapStart = RuntimeHeap.ArenaStart, heapEnd = RuntimeHeap.ArenaEnd;
            ulong stackStart = Native.BootStackBottom(), stackEnd = Native.BootStackTop();
            ulong cursor = start;
            while (cursor < end)
            {
                // The next hole at or after the cursor.
                ulong holeStart = end, holeEnd = end;
                if (heapEnd > cursor && heapStart < holeStart) { holeStart = heapStart; holeEnd = heapEnd; }
                if (stackEnd > cursor && stackStart < holeStart) { holeStart = stackStart; holeEnd = stackEnd; }
                if (holeStart < cursor)
                    holeStart = cursor;
                GarbageCollector.ScanRoots((void*)cursor, (void*)holeStart);
                cursor = holeEnd;
            }
        }

        // Every live thread's stack, from where its code is now up to the top.
        private static void ScanStacks(ulong collectorRsp)
        {
            int me = Cpu.CurrentIndex;
            for (int id = 0; id < s_scheduler.ThreadSlots; id++)
            {
                KernelThread thread = s_scheduler.Thread(id);
                if (thread == null || thread.StackTop == 0)
                    continue;
                ulong from;
                int cpu = CpuRunning(thread);
                if (cpu == me)
                    from = collectorRsp;
                else if (cpu >= 0)
                    from = s_stoppedRsp[cpu];
                else if (thread.State == KernelThread.ThreadState.Dead)
                    continue;
                else
                    from = thread.SavedRsp;
                if (from < thread.StackBottom || from > thread.StackTop)
                    Diagnostics.Panic.ReportNumber("garbage collector: a stack pointer outside its thread's stack, thread ", (ulong)id, null);
                GarbageCollector.ScanRoots((void*)from, (void*)thread.StackTop);
            }
        }

        private static int CpuRunning(KernelThread thread)
        {
            for (int cpu = 0; cpu < s_scheduler.CpuCount; cpu++)
                if (s_scheduler.IsOnline(cpu) && s_scheduler.RunningOn(cpu) == thread)
                    return cpu;
            // The boot CPU's first thread runs before the scheduler knows idle 0.
            return thread == s_scheduler.RunningOn(Cpu.CurrentIndex) ? Cpu.CurrentIndex : -1;
        }
    }
}
