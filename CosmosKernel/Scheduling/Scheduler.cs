using System.Runtime.InteropServices;
using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Diagnostics;
using CosmosKernel.Threading;

namespace CosmosKernel.Scheduling
{
    // A FIFO scheduler of kernel threads over every CPU. Kernel code switches only at
    // its scheduling points (yield, park, exit): the same points the VMM's shared code
    // offers the host simulator, so the FIFO locks really sleep here and the kernel's
    // interleavings are the ones the simulator explores. It is the kernel's
    // IThreadBackend. A user thread is a kernel thread that entered ring 3; switching
    // to it loads its address space, TLS base and kernel entry stack. Timer ticks (the
    // PIT on CPU 0, the local APIC timer on the others) preempt ring 3 only.
    //
    // Several CPUs: a run queue per CPU (RunQueue), each under its own spin lock, so
    // threads park, wake and switch on every CPU at once without meeting. A queue's
    // lock also guards the scheduling state of the threads of its CPU (RunQueue says
    // which fields; LockQueueOf finds the lock of a thread). A thread wakes on the CPU
    // it last ran on (its cache, its TLB); a CPU whose queue is empty takes the oldest
    // ready thread of another (Steal), and queuing work for a busy CPU sends a
    // reschedule IPI to a halted one so that it comes and takes it (Kick).
    //
    // A context switch keeps the CPU's queue lock from the thread that leaves to the
    // thread that comes (FinishSwitch releases it): so a thread made ready by another
    // CPU while it is still switching out (parked, or queued by its own yield) is not
    // picked up anywhere before its registers are saved.
    //
    // Every CPU has an idle thread that it runs when it finds no work; it halts until
    // an interrupt, holding no lock.
    //
    // Its locks, in the order they are taken (docs/architecture.md has the kernel's):
    //   _sleepersLock   the sleepers and Ticks (the timer's tick count)
    //   run queue locks two at once in CPU order, or the second with TryAcquire
    //   _tableLock      the thread table, _liveThreads (taken under none of the above)
    // Under any of them only the kernel heap's lock is taken (the tables grow); kernel
    // stacks are allocated and freed outside them (they take the kernel stacks' lock
    // and shoot down). Any sleeping lock may be held when they are taken. Interrupt
    // handlers take them only when they interrupted ring 3. _pendingTicks is bumped
    // atomically by the timer; the per-CPU arrays are written by their own CPU.
    public sealed unsafe class Scheduler : IThreadBackend
    {
        public const int StackSize = 64 * 1024;
        private const int InitialThreadSlots = 64; // the thread table doubles as threads come
        // Its vectors (why these: Arch/x86_64/InterruptVectors.cs).
        public const int ApicTimerVector = Arch.InterruptVectors.ApicTimer;
        public const int RescheduleVector = Arch.InterruptVectors.Reschedule;

        private static Scheduler s_instance;

        private readonly RunQueue[] _queues = new RunQueue[Gdt.MaxCpus]; // by CPU
        private readonly KernelSpinLock _tableLock = new KernelSpinLock("thread table");
        private readonly KernelSpinLock _sleepersLock = new KernelSpinLock("sleepers");

        private KernelThread[] _threads = new KernelThread[InitialThreadSlots]; // by id; grows
        private int _liveThreads;
        // Threads an idle CPU took from another CPU's queue (cosmos_vmm_info: balancing).
        public long Steals;
        private readonly IKernelStacks _stacks;
        // Per CPU: a thread that exited and switched away; its stack goes back once the
        // CPU runs on another one (FinishSwitch).
        private readonly KernelThread[] _exited = new KernelThread[Gdt.MaxCpus];

        // At most this many threads at once (idle threads included): Linux's rule, the
        // kernel stacks may take an eighth of RAM. Spawn fails (EAGAIN) beyond it.
        public readonly int ThreadLimit;

        // Per CPU (index = Cpu.CurrentIndex):
        private readonly KernelThread[] _running = new KernelThread[Gdt.MaxCpus];
        private readonly KernelThread[] _idle = new KernelThread[Gdt.MaxCpus];
        private readonly int[] _halted = new int[Gdt.MaxCpus];        // 1: idle and halted (or about to halt)
        private readonly ulong[] _loadedRoot = new ulong[Gdt.MaxCpus]; // CR3 the CPU runs with
        private int _cpuCount = 1;
        // The kernel's page table: what threads without an address space of their own
        // (kernel threads, idle threads) run on. So a CPU never keeps the page tables of
        // a process it no longer runs, which the process's exit frees.
        private readonly ulong _kernelRoot;

        // The timer: TickHz ticks a second once StartTimer ran; sleeping threads wake at a tick.
        public const int TickHz = 100;
        public ulong Ticks;
        private long _pendingTicks; // CPU 0's timer interrupts not yet counted into Ticks
        // The threads in Sleep (KernelThread.WakeAt: the TSC value the sleep ends at;
        // 0 = not sleeping, Woken = ended).
        private readonly ThreadIdSet _sleepers = new ThreadIdSet();
        private const ulong Woken = ulong.MaxValue;
        private long _apicTimerCount; // local APIC timer count for one tick (PrepareOtherCpus); 0 until measured
        private readonly long[] _timerInterrupts = new long[Gdt.MaxCpus]; // per CPU, by its own timer
        private readonly bool[] _timerStarted = new bool[Gdt.MaxCpus];    // per CPU, by itself

        // The timer interrupts CPU `cpu` has taken (its own counter: the self-test checks
        // that every CPU's timer runs, so ring 3 is preempted everywhere).
        public long TimerInterrupts(int cpu) => Volatile.Read(ref _timerInterrupts[cpu]);

        // totalFrames: the RAM the thread limit scales with.
        public Scheduler(IKernelStacks stacks, ulong totalFrames)
        {
            s_instance = this;
            _stacks = stacks;
            for (int cpu = 0; cpu < Gdt.MaxCpus; cpu++)
                _queues[cpu] = new RunQueue();
            ulong byMemory = totalFrames / (8 * (StackSize / 4096));
            ThreadLimit = byMemory < InitialThreadSlots ? InitialThreadSlots : byMemory > 1 << 20 ? 1 << 20 : (int)byMemory;
            var boot = new KernelThread(0, "boot")
            {
                State = KernelThread.ThreadState.Running,
                StackBottom = Native.BootStackBottom(),
                StackTop = Native.BootStackTop(),
            };
            _threads[0] = boot;
            _liveThreads = 1;
            _running[0] = boot;
            _kernelRoot = Native.ReadCr3();
            _loadedRoot[0] = _kernelRoot;
            _idle[0] = NewThread(&IdleEntry, 0, "idle 0");
            _idle[0].IsIdle = true;
            // Before any other CPU runs: a halted CPU is woken with this vector.
            Idt.SetHandler(RescheduleVector, &OnReschedule);
        }

        public KernelThread Current => _running[Cpu.CurrentIndex];

        // The running thread, or null before the scheduler exists (lock statistics are
        // charged to it, and the lock validator keeps its held locks there).
        public static KernelThread CurrentOrNull => s_instance == null ? null : s_instance._running[Cpu.CurrentIndex];

        public KernelThread Thread(int id) => _threads[id];

        public int CpuCount => _cpuCount;

        // Threads that have not exited (the idle threads included).
        public int LiveThreads => _liveThreads;

        // The number of thread ids (Thread(id) for id below it may be non-null).
        public int ThreadSlots => _threads.Length;

        // Whether CPU `cpu` has joined the scheduler, and the thread it runs.
        public bool IsOnline(int cpu) => cpu < _cpuCount && _idle[cpu] != null;
        public KernelThread RunningOn(int cpu) => _running[cpu];

        // Whether CPU `cpu` runs with page-table root `root` loaded, so its TLB may hold
        // that address space's entries (a CR3 write flushed the ones it left).
        public bool MayCache(int cpu, ulong root) => cpu < _cpuCount && _idle[cpu] != null && _loadedRoot[cpu] == root;

        // Run the current thread in the address space with page-table root `root` (0:
        // whatever is loaded) from now on, including after switches; returns the
        // previous root, for SwitchAddressSpace(previous) to go back.
        public ulong SwitchAddressSpace(ulong root)
        {
            KernelThread current = Current;
            ulong previous = current.AddressSpaceRoot;
            current.AddressSpaceRoot = root;
            if (root != 0)
                LoadRoot(root);
            return previous;
        }

        // The root is published before CR3 changes (a full fence between): a TLB
        // shootdown that changed a page table entry and then found this CPU not running
        // the space knows the CR3 write comes after its change, so this CPU sees it.
        private void LoadRoot(ulong root)
        {
            int cpu = Cpu.CurrentIndex;
            Interlocked.Exchange(ref System.Runtime.CompilerServices.Unsafe.As<ulong, long>(ref _loadedRoot[cpu]), (long)root);
            if (Native.ReadCr3() != root)
                Native.WriteCr3(root);
        }

        // ---- IThreadBackend ---------------------------------------------------------

        public int CurrentThreadId => Current.Id;

        // A scheduling point: the threads ready on the queue run before this one
        // continues. Where no thread may take this CPU (it holds a kernel spin lock: a
        // contended lock's back-off inside a scheduler section) or none is ready, it
        // only pauses.
        //
        // Every call first pauses with interrupts on for the moment, so this CPU answers
        // the IPIs another may wait for (a TLB shootdown, the collector's stop) even
        // when it only switches: two threads here that yield in a loop waiting for
        // another CPU (two reapers waiting for a stack that CPU frees, which waits for
        // this CPU's shootdown answer) would otherwise hand the CPU to each other with
        // interrupts off for ever (the fuzzer's hang on 2 CPUs, 2026-12-05).
        public void Yield()
        {
            PauseWithInterrupts();
            if (KernelSpinLock.AnyHeldByThisCpu)
                return;
            // Timer interrupts that came while kernel code ran only counted; a thread that
            // yields in a loop (waiting for other threads) must still let the sleepers
            // whose time came wake up, or it could wait for one of them for ever.
            CountTicks();
            RunReadyThreads();
        }

        // A hint for a FIFO mutex's spinning waiter (racy: the thread may stop the next
        // moment, which only makes the waiter sleep a little later).
        public bool RunsOnAnotherCpu(int threadId)
        {
            KernelThread[] threads = _threads;
            if (threadId < 0 || threadId >= threads.Length)
                return false;
            KernelThread thread = threads[threadId];
            return thread != null && thread.State == KernelThread.ThreadState.Running && thread != Current;
        }

        public void SpinPause() => PauseWithInterrupts();

        // A device's latency (IThreadBackend): whole ticks, rounded up.
        void IThreadBackend.Sleep(int milliseconds) => Sleep((ulong)((milliseconds * TickHz + 999) / 1000));

        private static void PauseWithInterrupts()
        {
            bool on = InterruptsOn;
            if (!on)
                Native.EnableInterrupts();
            Native.Pause();
            if (!on)
                Native.DisableInterrupts();
        }

        private static bool InterruptsOn => (Native.ReadRflags() & UserMode.RflagsIf) != 0;

        // Without a lock: a hint that a thread waits on this CPU's run queue (a user copy
        // checks it between pages, and locks only when it says yes).
        public bool ThreadsReady => _queues[Cpu.CurrentIndex].Count > 0;

        // The threads ready on this CPU's queue run before this one continues.
        public void RunReadyThreads()
        {
            if (!ThreadsReady || KernelSpinLock.AnyHeldByThisCpu)
                return;
            bool on = InterruptsOn;
            Native.DisableInterrupts();
            int cpu = Cpu.CurrentIndex;
            RunQueue queue = _queues[cpu];
            queue.Lock.Acquire();
            if (queue.Count > 0)
            {
                KernelThread current = Current;
                if (!current.IsIdle)
                {
                    current.State = KernelThread.ThreadState.Ready;
                    EnqueueLocked(cpu, current);
                }
                SwitchLocked(null);
            }
            else
            {
                queue.Lock.Release();
            }
            if (on)
                Native.EnableInterrupts();
        }

        public void Park() => Park(forUser: false);

        public void ParkInterruptible() => Park(forUser: true);

        // A wait for the outside world (a key, a byte on COM1): the machine is not stuck
        // while a program waits so, even if every thread is blocked (BreakDeadlock).
        public void ParkForDevice() => Park(forUser: true, forDevice: true);

        // forUser: a wait that only a program's action ends (a futex, a pipe, a child's
        // exit) and that ending the program ends too; the deadlock breaker may then
        // end the program. Every other wait (a FIFO mutex, a join) is the kernel's own.
        public void Park(bool forUser, bool forDevice = false)
        {
            bool on = InterruptsOn;
            Native.DisableInterrupts();
            RunQueue queue = _queues[Cpu.CurrentIndex]; // a running thread's Cpu is the one it runs on
            queue.Lock.Acquire();
            KernelThread current = Current;
            if (current.Permit)
            {
                current.Permit = false;
                queue.Lock.Release();
            }
            else
            {
                Threading.ILockValidator validator = Threading.LockClasses.Validator;
                if (validator != null)
                    validator.Sleeping();
                if (KernelSpinLock.AnyHeldByThisCpu && !KernelSpinLockHeldOnlyByScheduler())
                    Panic.Report("thread " + current.Id.ToString() + " parks holding a kernel spin lock");
                current.State = KernelThread.ThreadState.Blocked;
                current.WaitsForUser = forUser;
                current.WaitsForDevice = forDevice;
                SwitchLocked(null);
                current.WaitsForUser = false;
                current.WaitsForDevice = false;
            }
            if (on)
                Native.EnableInterrupts();
        }

        // Park checks that the only spin lock held is its run queue's, which it holds itself.
        private bool KernelSpinLockHeldOnlyByScheduler() => KernelSpinLock.HeldCountThisCpu == 1;

        public void Unpark(int threadId)
        {
            KernelThread thread = _threads[threadId];
            if (thread == null)
                return;
            bool on = InterruptsOn;
            Native.DisableInterrupts();
            RunQueue queue = LockQueueOf(thread);
            UnparkLocked(thread);
            queue.Lock.Release();
            if (on)
                Native.EnableInterrupts();
        }

        // With the lock of the thread's queue held (LockQueueOf): a blocked thread is
        // queued on the CPU it last ran on.
        private void UnparkLocked(KernelThread thread)
        {
            if (thread.State == KernelThread.ThreadState.Dead)
                return;
            if (thread.State == KernelThread.ThreadState.Blocked)
            {
                thread.State = KernelThread.ThreadState.Ready;
                EnqueueLocked(thread.Cpu, thread);
            }
            else
            {
                thread.Permit = true;
            }
        }

        // Lock the run queue whose lock guards `thread`'s state: that of the CPU in its
        // Cpu, read again under the lock (it changes only under both CPUs' locks).
        private RunQueue LockQueueOf(KernelThread thread)
        {
            while (true)
            {
                int cpu = Volatile.Read(ref thread.Cpu);
                RunQueue queue = _queues[cpu];
                queue.Lock.Acquire();
                if (Volatile.Read(ref thread.Cpu) == cpu)
                    return queue;
                queue.Lock.Release();
            }
        }

        // ---- the timer: sleeping and preemption ----------------------------------------

        // The timers' handlers take only the scheduler's locks (CountTicks,
        // RunReadyThreads), and only when they interrupted ring 3, where no kernel lock
        // is held. The process layer's hook takes what it needs itself.
        public void StartTimer()
        {
            Idt.SetHandler(Arch.InterruptVectors.PitTimer, &OnPitTick);
            Pit.StartPeriodic(TickHz);
        }

        // CPU 0 keeps time with the PIT; the PIT also preempts ring 3 there.
        private static void OnPitTick(InterruptFrame* frame)
        {
            Pit.EndOfInterrupt();
            s_instance._timerInterrupts[Cpu.CurrentIndex]++;
            s_instance.ChargeTick(frame->FromUserMode);
            Interlocked.Increment(ref s_instance._pendingTicks);
            if (frame->FromUserMode)
                s_instance.PreemptUser(frame);
        }

        // The other CPUs preempt ring 3 with their local APIC timers.
        private static void OnApicTick(InterruptFrame* frame)
        {
            LocalApic.EndOfInterrupt();
            s_instance._timerInterrupts[Cpu.CurrentIndex]++;
            s_instance.ChargeTick(frame->FromUserMode);
            if (frame->FromUserMode)
                s_instance.PreemptUser(frame);
        }

        // CPU time is sampled, as Linux's tick accounting does: every CPU's timer
        // charges one tick to the thread it interrupted, user time if that was ring 3,
        // system time if ring 0 (its syscall, fault, or the scheduler working for it).
        // An idle CPU's ticks go to nobody. Only this CPU writes its running thread's
        // counters, so plain increments do.
        private void ChargeTick(bool userMode)
        {
            KernelThread current = Current;
            if (current == null || current.IsIdle)
                return;
            if (userMode)
                current.UserTicks++;
            else
                current.SystemTicks++;
        }

        // A reschedule IPI wakes a halted CPU. One that interrupted ring 3 lets a thread
        // just queued here run now rather than at the next tick (10 ms), and goes back
        // to ring 3 through the process layer's hook, which delivers a signal sent
        // meanwhile (Nudge). Like the ticks, it takes the scheduler's locks only from ring 3.
        private static void OnReschedule(InterruptFrame* frame)
        {
            LocalApic.EndOfInterrupt();
            if (frame->FromUserMode)
                s_instance.PreemptForWake(frame);
        }

        private void PreemptForWake(InterruptFrame* frame)
        {
            RunReadyThreads();
            if (ReturningToUser != null)
                ReturningToUser(frame);
        }

        // Thread `id` may be running on another CPU: interrupt that CPU, so the thread
        // sees what was just made pending for it (a signal, its process's end) at once,
        // not at that CPU's next tick.
        public void Nudge(int id)
        {
            KernelThread thread = id >= 0 && id < _threads.Length ? _threads[id] : null;
            if (thread == null)
                return;
            int cpu = Volatile.Read(ref thread.Cpu);
            if (cpu != Cpu.CurrentIndex && cpu >= 0 && cpu < Volatile.Read(ref _cpuCount) && _running[cpu] == thread)
                LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, RescheduleVector);
        }

        // The tick interrupted ring 3 (this CPU holds no lock): count the ticks, wake
        // sleepers, and let a ready thread have the CPU.
        private void PreemptUser(InterruptFrame* frame)
        {
            CountTicks();
            if (Cpu.CurrentIndex == 0 && PollDevices != null)
                PollDevices();
            BalanceAtTick();
            RunReadyThreads();
            if (ReturningToUser != null)
                ReturningToUser(frame);
        }

        // Device interrupts come to CPU 0 (the 8259s) and may find it in kernel code
        // holding locks, so their handlers only keep what arrived; this hook, called on
        // CPU 0 where it holds no lock (its idle loop, a tick that interrupted ring 3),
        // wakes whoever handles it (Files/ConsoleInput).
        public delegate*<void> PollDevices;

        // Called before a preempted user thread goes back to ring 3 through `frame`,
        // holding no lock (the process layer ends threads of an exiting process there,
        // and runs signal handlers).
        public delegate*<InterruptFrame*, void> ReturningToUser;

        // Fold the timer interrupts into Ticks and wake the threads whose time came.
        // The deadlines are TSC values, not tick counts: a tick can reach CPU 0 late
        // (while it runs with interrupts off), so counting ticks could end a sleep early.
        private void CountTicks()
        {
            if (Volatile.Read(ref _pendingTicks) == 0)
                return;
            bool on = InterruptsOn;
            Native.DisableInterrupts();
            _sleepersLock.Acquire();
            long pending = Interlocked.Exchange(ref _pendingTicks, 0);
            Ticks += (ulong)pending;
            ulong now = Native.ReadTimestampCounter();
            for (int i = 0; i < _sleepers.Count; i++)
            {
                KernelThread sleeper = _threads[_sleepers[i]];
                ulong wakeAt = Volatile.Read(ref sleeper.WakeAt);
                if (wakeAt == Woken || wakeAt > now)
                    continue;
                RunQueue queue = LockQueueOf(sleeper);
                if (sleeper.WakeAt != Woken && sleeper.WakeAt != 0 && sleeper.WakeAt <= now)
                {
                    sleeper.WakeAt = Woken;
                    UnparkLocked(sleeper);
                }
                queue.Lock.Release();
            }
            _sleepersLock.Release();
            if (on)
                Native.EnableInterrupts();
        }

        // Sleep for at least `ticks` timer periods by the TSC (or until Wake); the
        // first tick after that wakes the thread. With honorEarlierWake, a Wake that came
        // after the caller's last ForgetEarlierWake but before this sleep began ends it at
        // once (a futex wake racing with the waiter's way to sleep: no lock keeps them
        // apart).
        public void Sleep(ulong ticks, bool honorEarlierWake = false)
        {
            KernelThread me = Current;
            RunQueue queue = LockQueueOf(me);
            bool early = me.EarlyWake;
            me.EarlyWake = false;
            if (early && honorEarlierWake)
            {
                queue.Lock.Release();
                return;
            }
            me.WakeAt = Native.ReadTimestampCounter() + (ticks * Pit.TscPerSecond + TickHz - 1) / TickHz; // rounded up
            queue.Lock.Release();
            _sleepersLock.Acquire();
            _sleepers.Add(me.Id);
            _sleepersLock.Release();
            while (Volatile.Read(ref me.WakeAt) != Woken)
            {
                Park();
                CountTicks();
            }
            _sleepersLock.Acquire();
            _sleepers.Remove(me.Id);
            _sleepersLock.Release();
            queue = LockQueueOf(me);
            me.WakeAt = 0;
            queue.Lock.Release();
        }

        // End a sleep early (an exiting process wakes its threads, a futex its waiter).
        // A thread not asleep yet keeps the wake for a Sleep(honorEarlierWake: true).
        public void Wake(int threadId)
        {
            KernelThread thread = _threads[threadId];
            if (thread == null)
                return;
            RunQueue queue = LockQueueOf(thread);
            if (thread.WakeAt != 0)
            {
                thread.WakeAt = Woken;
                UnparkLocked(thread);
            }
            else
            {
                thread.EarlyWake = true;
            }
            queue.Lock.Release();
        }

        // Drop a wake kept for a sleep that has not begun (Wake): the caller starts a
        // wait that only wakes from now on may end.
        public void ForgetEarlierWake()
        {
            KernelThread me = Current;
            RunQueue queue = LockQueueOf(me);
            me.EarlyWake = false;
            queue.Lock.Release();
        }

        // With _sleepersLock held (or as a hint without it).
        private bool AnyoneSleeping()
        {
            for (int i = 0; i < _sleepers.Count; i++)
                if (_threads[_sleepers[i]].State == KernelThread.ThreadState.Blocked)
                    return true;
            return false;
        }

        // ---- CPUs ---------------------------------------------------------------------

        // Called on CPU 0 once the other CPUs are started (the local APIC is mapped then):
        // measure the local APIC timer against the TSC (its clock differs per machine)
        // for their ticks, then interrupt each, so that its idle loop starts its own timer
        // (a CPU programs only its own APIC: StartTimerIfDue). Until this session the
        // other CPUs joined before the measurement and never started a timer: ring 3
        // there was never preempted, which one shared run queue hid (CPU 0's tick ran
        // whatever waited).
        public void PrepareOtherCpus()
        {
            Idt.SetHandler(ApicTimerVector, &OnApicTick);
            if (!LocalApic.Present)
                return;
            LocalApic.StartTimer(ApicTimerVector, uint.MaxValue, periodic: false);
            ulong end = Native.ReadTimestampCounter() + Pit.TscPerSecond / TickHz;
            while (Native.ReadTimestampCounter() < end)
                Native.Pause();
            uint count = uint.MaxValue - LocalApic.TimerCurrentCount;
            LocalApic.StopTimer();
            Volatile.Write(ref _apicTimerCount, count);
            int cpus = Volatile.Read(ref _cpuCount);
            for (int cpu = 1; cpu < cpus; cpu++)
                if (IsOnline(cpu))
                    LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, RescheduleVector);
        }

        // On an idle CPU other than 0, once PrepareOtherCpus measured the count: start
        // this CPU's periodic timer, once.
        private void StartTimerIfDue(int cpu)
        {
            if (cpu == 0 || _timerStarted[cpu] || Volatile.Read(ref _apicTimerCount) == 0)
                return;
            _timerStarted[cpu] = true;
            LocalApic.StartTimer(ApicTimerVector, (uint)_apicTimerCount, periodic: true);
        }

        // An application processor joins: its current context, on the stack
        // [stackBottom, stackTop), becomes its idle thread. Never returns.
        public void RunOnThisCpu(int cpu, ulong stackBottom, ulong stackTop)
        {
            string name = "idle " + cpu.ToString();
            _tableLock.Acquire();
            int id = FreeSlot();
            var idle = new KernelThread(id, name)
            {
                State = KernelThread.ThreadState.Running,
                IsIdle = true,
                Cpu = cpu,
                StackBottom = stackBottom,
                StackTop = stackTop,
            };
            _threads[id] = idle;
            _liveThreads++;
            _tableLock.Release();
            _running[cpu] = idle;
            LoadRoot(_kernelRoot);
            // Published last: other CPUs count this one (Kick, Steal) once _idle is set.
            Volatile.Write(ref _cpuCount, cpu + 1 > _cpuCount ? cpu + 1 : _cpuCount);
            _idle[cpu] = idle;
            IdleLoop();
        }

        private static void IdleEntry(ulong unused) => s_instance.IdleLoop();

        // Run what is ready here, else take a ready thread from another CPU; with
        // nothing anywhere, halt until an interrupt (a tick, or a reschedule IPI from a
        // CPU that queued work). The idle thread holds no lock while it halts.
        private void IdleLoop()
        {
            int cpu = Cpu.CurrentIndex;
            RunQueue queue = _queues[cpu];
            while (true)
            {
                StartTimerIfDue(cpu);
                CountTicks();
                if (cpu == 0 && PollDevices != null)
                    PollDevices(); // input that came while CPU 0 halted
                bool sleepers = cpu == 0 && SomeoneSleeps(); // before the queue lock (the order)
                queue.Lock.Acquire();
                if (queue.Count > 0)
                {
                    SwitchLocked(null);
                    continue;
                }
                KernelThread stolen = Steal(cpu);
                if (stolen != null)
                {
                    SwitchLocked(stolen);
                    continue;
                }
                if (cpu == 0 && !sleepers && NothingQueued() && AllOtherCpusHalted())
                {
                    queue.Lock.Release();
                    Stillness stillness = BreakDeadlock();
                    if (stillness == Stillness.Stuck)
                        Panic.Report("scheduler: every thread is blocked (a lost wake-up or a deadlock); in a kernel wait: "
                            + (_stuckInKernel == null ? "none" : "thread " + _stuckInKernel.Id.ToString() + " (" + _stuckInKernel.Name + ")"));
                    if (stillness == Stillness.Changed)
                        continue;
                    queue.Lock.Acquire(); // waiting for input: halt until it comes
                }
                // Halt on the kernel's page table: a CPU that kept a process's loaded
                // would be a target of every TLB shootdown in that process (MayCache),
                // woken from its halt for nothing.
                if (_loadedRoot[cpu] != _kernelRoot)
                    LoadRoot(_kernelRoot);
                // The flag, then a last look at every queue (full fence between), against
                // a CPU that queues work the other way round (EnqueueLocked, then Kick):
                // one of the two sees the other, and the IPI it sends is taken by sti;hlt
                // even if it comes before the hlt.
                Interlocked.Exchange(ref _halted[cpu], 1);
                if (!NothingQueued())
                {
                    Volatile.Write(ref _halted[cpu], 0);
                    queue.Lock.Release();
                    continue;
                }
                queue.Lock.Release();
                Native.WaitForInterrupt();
                Volatile.Write(ref _halted[cpu], 0);
            }
        }

        // With this CPU's queue lock held and its queue empty: the oldest ready thread of
        // another CPU's queue that holds at least `atLeast`, now this CPU's, or null. The
        // other queue's lock is only tried (its CPU may hold it and want ours: Start
        // takes two in CPU order).
        private KernelThread Steal(int me, int atLeast = 1)
        {
            int cpus = Volatile.Read(ref _cpuCount);
            for (int i = 1; i < cpus; i++)
            {
                int cpu = (me + i) % cpus;
                RunQueue victim = _queues[cpu];
                if (victim.Count < atLeast || !victim.Lock.TryAcquire())
                    continue;
                KernelThread thread = null;
                if (victim.Count >= atLeast)
                {
                    thread = _threads[victim.Dequeue()];
                    Volatile.Write(ref thread.Cpu, me); // under both queues' locks
                }
                victim.Lock.Release();
                if (thread != null)
                {
                    Interlocked.Increment(ref Steals);
                    return thread;
                }
            }
            return null;
        }

        // A busy CPU with nothing queued, at a tick from ring 3: a CPU whose queue holds
        // two or more gives one over, so the threads of a machine with more threads
        // than CPUs share all of them (with one waiting, taking it would only move the
        // wait here). The interrupted thread then queues behind it (RunReadyThreads).
        private void BalanceAtTick()
        {
            int me = Cpu.CurrentIndex;
            RunQueue mine = _queues[me];
            if (mine.Count > 0 || NothingQueued())
                return;
            bool on = InterruptsOn;
            Native.DisableInterrupts();
            mine.Lock.Acquire();
            if (mine.Count == 0)
            {
                KernelThread taken = Steal(me, atLeast: 2);
                if (taken != null)
                    mine.Enqueue(taken.Id);
            }
            mine.Lock.Release();
            if (on)
                Native.EnableInterrupts();
        }

        // Without locks: whether any CPU's queue holds a thread (a hint, or a check
        // after a fence).
        private bool NothingQueued()
        {
            int cpus = Volatile.Read(ref _cpuCount);
            for (int cpu = 0; cpu < cpus; cpu++)
                if (_queues[cpu].Count > 0)
                    return false;
            return true;
        }

        private bool SomeoneSleeps()
        {
            _sleepersLock.Acquire();
            bool any = AnyoneSleeping();
            _sleepersLock.Release();
            return any;
        }

        // Every thread is blocked and no timer will wake one. A program that waits for
        // input (ParkForDevice) is no deadlock, as a user may type: WaitsForInput, and
        // CPU 0 halts until a key comes. If each waits for a program (Park(forUser:
        // true)), the programs deadlocked among themselves: Linux would leave them
        // asleep, but here nothing might ever end them and the machine would hang, so
        // the hook the process layer installed ends some of them: Changed if it did, or
        // if a thread became ready meanwhile. A thread in a kernel wait means a lost
        // wake-up in the kernel: Stuck, and the caller panics.
        private enum Stillness { Changed, WaitsForInput, Stuck }

        private Stillness BreakDeadlock()
        {
            if (DeadlockBreaker == null)
                return Stillness.Stuck;
            // Everything still, checked under every scheduler lock (in their order).
            int cpus = Volatile.Read(ref _cpuCount);
            _sleepersLock.Acquire();
            for (int cpu = 0; cpu < cpus; cpu++)
                _queues[cpu].Lock.Acquire();
            bool stillStuck = NothingQueued() && !AnyoneSleeping() && AllOtherCpusHalted();
            bool kernelWait = false, inputWait = false;
            KernelThread[] threads = _threads;
            for (int i = 0; stillStuck && i < threads.Length; i++)
            {
                KernelThread thread = threads[i];
                if (thread == null || thread.IsIdle || thread.State != KernelThread.ThreadState.Blocked)
                    continue;
                if (thread.WaitsForDevice)
                {
                    inputWait |= thread.Owner != null; // a program waits for input (a driver thread always does)
                }
                else if (!thread.WaitsForUser)
                {
                    kernelWait = true;
                    _stuckInKernel = thread;
                }
            }
            for (int cpu = cpus - 1; cpu >= 0; cpu--)
                _queues[cpu].Lock.Release();
            _sleepersLock.Release();
            if (!stillStuck)
                return Stillness.Changed;
            if (kernelWait)
                return Stillness.Stuck;
            if (inputWait)
                return Stillness.WaitsForInput; // a user may type: nothing to break
            return DeadlockBreaker() ? Stillness.Changed : Stillness.Stuck;
        }

        private KernelThread _stuckInKernel; // BreakDeadlock: a thread found in a kernel wait, for the panic

        // Installed by the process layer (BreakDeadlock); called on CPU 0's idle thread,
        // holding no lock (it must not sleep). Null: a deadlock panics.
        public delegate*<bool> DeadlockBreaker;

        // A hint, or a check under every queue lock.
        private bool AllOtherCpusHalted()
        {
            for (int cpu = 1; cpu < _cpuCount; cpu++)
                if (_idle[cpu] != null && Volatile.Read(ref _halted[cpu]) == 0)
                    return false;
            return true;
        }

        // ---- threads ------------------------------------------------------------------

        // A new ready thread running entry(argument); -1 at the thread limit or when no
        // stack can be had. With start = false it does not run until Start(id): its
        // creator can finish setting it up across scheduling points first.
        public int Spawn(delegate*<ulong, void> entry, ulong argument, string name, bool start = true)
        {
            KernelThread thread = NewThread(entry, argument, name);
            if (thread == null)
                return -1;
            if (start)
                Start(thread.Id);
            return thread.Id;
        }

        // A new thread goes to a halted CPU if there is one, else to this CPU's queue
        // (where an idle CPU may take it).
        public void Start(int id)
        {
            KernelThread thread = _threads[id];
            int here = Cpu.CurrentIndex;
            int target = here;
            int cpus = Volatile.Read(ref _cpuCount);
            for (int cpu = 0; cpu < cpus; cpu++)
            {
                if (cpu != here && Volatile.Read(ref _halted[cpu]) != 0)
                {
                    target = cpu;
                    break;
                }
            }
            bool on = InterruptsOn;
            Native.DisableInterrupts();
            // Its Cpu changes: under both queues' locks, in CPU order.
            int from = thread.Cpu;
            RunQueue first = _queues[from < target ? from : target];
            RunQueue second = _queues[from < target ? target : from];
            first.Lock.Acquire();
            if (second != first)
                second.Lock.Acquire();
            thread.Cpu = target;
            EnqueueLocked(target, thread);
            if (second != first)
                second.Lock.Release();
            first.Lock.Release();
            if (on)
                Native.EnableInterrupts();
        }

        // A free thread id: a slot never used, or one whose thread exited and gave its
        // stack back. The table doubles when every slot is taken. With _tableLock held.
        private int FreeSlot()
        {
            for (int i = 1; i < _threads.Length; i++)
                if (_threads[i] == null || (_threads[i].State == KernelThread.ThreadState.Dead && _threads[i].Stack == null))
                    return i;
            int id = _threads.Length;
            var bigger = new KernelThread[_threads.Length * 2];
            for (int i = 0; i < _threads.Length; i++)
                bigger[i] = _threads[i];
            _threads = bigger;
            return id;
        }

        // Null at the thread limit or when no stack can be had. The stack comes before
        // _tableLock is taken (it maps frames, which may wait for the frame allocator).
        private KernelThread NewThread(delegate*<ulong, void> entry, ulong argument, string name)
        {
            if (Volatile.Read(ref _liveThreads) >= ThreadLimit)
                return null;
            byte* stack = _stacks.Allocate();
            if (stack == null)
                return null;
            // The frame cpu_switch_context pops: RFLAGS, r15, r14, r13 (argument), r12
            // (entry), rbp, rbx, then the return address cpu_thread_start, which calls
            // ThreadMain(id) (the entry is in the thread object). A new thread starts
            // with known RFLAGS, not its creator's: interrupts off (kernel code runs
            // so), DF, AC and NT clear.
            ulong* top = (ulong*)(stack + StackSize);
            ulong* frame = top - 8;
            _tableLock.Acquire();
            if (_liveThreads >= ThreadLimit)
            {
                _tableLock.Release();
                _stacks.Free(stack);
                return null;
            }
            int id = FreeSlot();
            var thread = new KernelThread(id, name)
            {
                Stack = stack,
                StackBottom = (ulong)stack,
                StackTop = (ulong)(stack + StackSize),
                State = KernelThread.ThreadState.Ready,
                Cpu = Cpu.CurrentIndex, // until Start places it
                Entry = entry,
                Argument = argument,
            };
            frame[0] = UserMode.RflagsFixed;
            frame[1] = 0;
            frame[2] = 0;
            frame[3] = (ulong)id;
            frame[4] = (ulong)(delegate*<ulong, void>)&ThreadMain;
            frame[5] = 0;
            frame[6] = 0;
            frame[7] = Native.ThreadStartAddress();
            thread.SavedRsp = (ulong)frame;
            InitializeFpuState(thread.FpuState);
            _threads[id] = thread;
            _liveThreads++;
            _tableLock.Release();
            return thread;
        }

        // A thread's FPU state as after fninit and with MXCSR's default: x87 empty,
        // control word 0x037F, MXCSR 0x1F80 (every exception masked, round to nearest).
        private static void InitializeFpuState(byte* state)
        {
            for (int i = 0; i < KernelThread.FpuStateBytes; i++)
                state[i] = 0;
            *(ushort*)state = 0x037F;
            *(uint*)(state + 24) = 0x1F80;
        }

        // A new thread's first code: finish the switch that brought it here (the
        // thread before it may have exited), run its entry.
        private static void ThreadMain(ulong id)
        {
            Scheduler scheduler = s_instance;
            scheduler.FinishSwitch();
            KernelThread me = scheduler._threads[id];
            me.Entry(me.Argument);
        }

        // After a switch, on the new thread's stack: release this CPU's queue lock,
        // which the thread that switched here took; a thread that exited on this CPU
        // has left its stack for good, so the stack goes back (outside the lock: it
        // shoots the stack's entries down on every CPU), and then its joiner wakes.
        private void FinishSwitch()
        {
            int cpu = Cpu.CurrentIndex;
            KernelThread exited = _exited[cpu];
            _exited[cpu] = null;
            _queues[cpu].Lock.Release();
            if (exited == null)
                return;
            _stacks.Free(exited.Stack);
            ThreadOwner owner = exited.Owner;
            // A dead thread stays in its slot until the slot is reused: drop what it
            // refers to, so the collector can take the process behind it.
            exited.Owner = null;
            exited.CopySpace = null;
            int joiner = exited.Joiner; // final: Join sets it only while the thread lives
            exited.Stack = null; // the slot may be reused now (FreeSlot)
            if (owner != null)
                owner.StackReleased();
            if (joiner >= 0)
                Unpark(joiner);
        }

        // Wait until thread `id` has exited.
        public void Join(int id)
        {
            KernelThread thread = _threads[id];
            RunQueue queue = LockQueueOf(thread);
            while (thread.State != KernelThread.ThreadState.Dead)
            {
                thread.Joiner = Current.Id;
                queue.Lock.Release();
                Park();
                queue = LockQueueOf(thread);
            }
            queue.Lock.Release();
        }

        [UnmanagedCallersOnly(EntryPoint = "scheduler_thread_exit")]
        private static void ThreadExit() => s_instance.ExitCurrent();

        // End the running thread (from its entry's return, exit(), or a fatal fault).
        public void ExitCurrent()
        {
            KernelThread me = Current;
            Native.DisableInterrupts();
            _queues[Cpu.CurrentIndex].Lock.Acquire();
            me.State = KernelThread.ThreadState.Dead;
            Interlocked.Decrement(ref _liveThreads);
            SwitchLocked(null); // the next thread frees the stack and wakes the joiner
        }

        // With this CPU's queue lock held (taken by the thread that leaves): switch to
        // `next` (a thread stolen from another queue), else to the first ready thread
        // here, else to this CPU's idle thread. The thread that comes releases the lock
        // (FinishSwitch).
        private void SwitchLocked(KernelThread next)
        {
            int cpu = Cpu.CurrentIndex;
            RunQueue queue = _queues[cpu];
            KernelThread previous = _running[cpu];
            if (next == null)
                next = queue.Count > 0 ? _threads[queue.Dequeue()] : _idle[cpu];
            next.State = KernelThread.ThreadState.Running;
            if (next == previous)
            {
                queue.Lock.Release();
                return;
            }
            if (previous.IsIdle)
                previous.State = KernelThread.ThreadState.Ready; // never queued: each CPU finds its own
            _running[cpu] = next;
            // The next thread's address space, user TLS base and ring-3 entry stack.
            if (previous.Owner != null)
                previous.FsBase = Native.ReadMsr(UserMode.MsrFsBase);
            if (next.Owner != null)
                Native.WriteMsr(UserMode.MsrFsBase, next.FsBase);
            LoadRoot(next.AddressSpaceRoot != 0 ? next.AddressSpaceRoot : _kernelRoot);
            if (next.Stack != null)
                Cpu.SetKernelStack(next.KernelStackTop);
            if (previous.State == KernelThread.ThreadState.Dead)
            {
                // Its stack goes back once we are off it: the next thread frees it.
                _exited[cpu] = previous;
                ulong discard; // nobody resumes a dead thread
                Native.SwitchContext(&discard, next.SavedRsp, null, next.FpuState);
                return;
            }
            fixed (ulong* save = &previous.SavedRsp) // the collector moves no object; fixed only satisfies C#
                Native.SwitchContext(save, next.SavedRsp, previous.FpuState, next.FpuState);
            FinishSwitch(); // back on this thread, maybe on another CPU
        }

        // With the lock of CPU `cpu`'s queue held, `thread` ready and its Cpu `cpu`.
        private void EnqueueLocked(int cpu, KernelThread thread)
        {
            _queues[cpu].Enqueue(thread.Id);
            Kick(cpu);
        }

        // New work on CPU `cpu`'s queue: if that CPU is halted, interrupt it so it looks;
        // if it is busy (this CPU is, too), interrupt a halted one, which takes the work
        // (Steal); with none halted, interrupt the busy one itself, which lets the new
        // thread run at once if it was in ring 3 (OnReschedule) instead of at its next
        // tick. Work queued on this CPU waits for its next switch or tick. After the
        // queue's count changed: a full fence, then the flags (the halting CPU does the
        // same the other way round, IdleLoop).
        private void Kick(int cpu)
        {
            Interlocked.MemoryBarrier();
            int me = Cpu.CurrentIndex;
            if (cpu != me && WakeIfHalted(cpu))
                return;
            if (cpu != me && _running[cpu] == _idle[cpu])
                return; // its idle loop is about to look
            int cpus = Volatile.Read(ref _cpuCount);
            for (int other = 0; other < cpus; other++)
                if (other != me && other != cpu && WakeIfHalted(other))
                    return;
            if (cpu != me)
                LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, RescheduleVector);
        }

        private bool WakeIfHalted(int cpu)
        {
            // One IPI per halt is enough: whoever clears the flag sends it.
            if (Volatile.Read(ref _halted[cpu]) == 0 || Interlocked.CompareExchange(ref _halted[cpu], 0, 1) != 1)
                return false;
            LocalApic.SendInterrupt(Cpu.Block(cpu)->ApicId, RescheduleVector);
            return true;
        }
    }
}
