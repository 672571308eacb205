using System.Runtime.InteropServices;
using Cosmos.HAL;
using CosmosKernel.Diagnostics;
using CosmosKernel.Threading;

namespace CosmosKernel.Scheduling
{
    // A cooperative, FIFO scheduler of kernel threads on one CPU. Threads switch only
    // when they yield, park (block) or exit: the same scheduling points the VMM's shared
    // code offers the host simulator, so the FIFO locks really sleep here and the
    // interleavings are the ones the simulator explores. It is the kernel's
    // IThreadBackend. A user thread is a kernel thread that entered ring 3; switching
    // to it loads its address space, TLS base and kernel entry stack. The PIT's tick
    // wakes sleepers and preempts user code; the kernel itself runs with interrupts off
    // and switches only at its scheduling points. Several CPUs come with the SMP work.
    //
    // Interrupts stay off in the kernel, so on one CPU nothing else touches the run
    // queue: no lock needed yet.
    public sealed unsafe class Scheduler : IThreadBackend
    {
        public const int MaxThreads = 64;
        public const int StackSize = 64 * 1024;

        private static Scheduler s_instance;

        private readonly KernelThread[] _threads = new KernelThread[MaxThreads];
        private readonly int[] _readyQueue = new int[MaxThreads];
        private int _readyHead, _readyCount;
        private KernelThread _current;

        public long Switches;
        public long Preemptions;

        // The timer: TickHz ticks a second once StartTimer ran; sleeping threads wake at a tick.
        public const int TickHz = 100;
        public ulong Ticks;
        private readonly ulong[] _wakeTick = new ulong[MaxThreads]; // 0 = not sleeping

        public Scheduler()
        {
            s_instance = this;
            _current = new KernelThread(0, "boot") { State = KernelThread.ThreadState.Running };
            _threads[0] = _current;
        }

        public KernelThread Current => _current;

        public KernelThread Thread(int id) => _threads[id];

        // Run the current thread in the address space with page-table root `root` (0:
        // whatever is loaded) from now on, including after switches; returns the
        // previous root, for SwitchAddressSpace(previous) to go back.
        public ulong SwitchAddressSpace(ulong root)
        {
            ulong previous = _current.AddressSpaceRoot;
            _current.AddressSpaceRoot = root;
            if (root != 0 && Native.ReadCr3() != root)
                Native.WriteCr3(root);
            return previous;
        }

        // ---- IThreadBackend ---------------------------------------------------------

        public int CurrentThreadId => _current.Id;

        public void Yield()
        {
            if (_readyCount == 0)
                return;
            _current.State = KernelThread.ThreadState.Ready;
            Enqueue(_current.Id);
            SwitchToNext();
        }

        public void Park()
        {
            if (_current.Permit)
            {
                _current.Permit = false;
                return;
            }
            _current.State = KernelThread.ThreadState.Blocked;
            SwitchToNext();
        }

        public void Unpark(int threadId)
        {
            KernelThread thread = _threads[threadId];
            if (thread == null || thread.State == KernelThread.ThreadState.Dead)
                return;
            if (thread.State == KernelThread.ThreadState.Blocked)
            {
                thread.State = KernelThread.ThreadState.Ready;
                Enqueue(threadId);
            }
            else
            {
                thread.Permit = true;
            }
        }

        // ---- the timer: sleeping and preemption ----------------------------------------

        public void StartTimer()
        {
            Idt.SetHandler(Pit.Vector, &OnTimer);
            Pit.StartPeriodic(TickHz);
        }

        private static void OnTimer(InterruptFrame* frame)
        {
            Pit.EndOfInterrupt();
            s_instance.Tick(frame);
        }

        // Wake the threads whose time came. A tick that interrupted user code preempts
        // it (the kernel runs with interrupts off, so kernel code is never preempted).
        private void Tick(InterruptFrame* frame)
        {
            Ticks++;
            for (int i = 0; i < MaxThreads; i++)
            {
                if (_wakeTick[i] != 0 && _wakeTick[i] <= Ticks)
                {
                    _wakeTick[i] = 0;
                    Unpark(i);
                }
            }
            if (frame->FromUserMode && _readyCount > 0)
            {
                Preemptions++;
                Yield();
                if (ReturningToUser != null)
                    ReturningToUser();
            }
        }

        // Called before a preempted user thread goes back to ring 3 (the process layer
        // ends threads of an exiting process here).
        public delegate*<void> ReturningToUser;

        // Sleep for at least `ticks` whole timer ticks (or until Wake): one more than
        // asked, because the current tick is already partly over.
        public void Sleep(ulong ticks)
        {
            ulong wake = Ticks + ticks + 1;
            while (Ticks < wake && _wakeTick[_current.Id] != ulong.MaxValue)
            {
                _wakeTick[_current.Id] = wake;
                Park();
            }
            _wakeTick[_current.Id] = 0;
        }

        // End a sleep early (an exiting process wakes its threads).
        public void Wake(int threadId)
        {
            if (_wakeTick[threadId] != 0)
            {
                _wakeTick[threadId] = ulong.MaxValue;
                Unpark(threadId);
            }
        }

        private bool AnyoneSleeping()
        {
            for (int i = 0; i < MaxThreads; i++)
                if (_wakeTick[i] != 0 && _threads[i] != null && _threads[i].State == KernelThread.ThreadState.Blocked)
                    return true;
            return false;
        }

        // ---- threads ------------------------------------------------------------------

        // A new ready thread running entry(argument); -1 when the table is full.
        public int Spawn(delegate*<ulong, void> entry, ulong argument, string name)
        {
            int id = -1;
            for (int i = 1; i < MaxThreads && id < 0; i++)
                if (_threads[i] == null || _threads[i].State == KernelThread.ThreadState.Dead)
                    id = i;
            if (id < 0)
                return -1;
            // A dead thread's stack is free once it switched away, which it has, since we
            // are running: reuse it.
            byte* stack = _threads[id] != null && _threads[id].Stack != null
                ? _threads[id].Stack
                : Internal.Runtime.RuntimeHeap.AllocateRaw(StackSize);
            var thread = new KernelThread(id, name) { Stack = stack, State = KernelThread.ThreadState.Ready };
            // The frame cpu_switch_context pops: r15, r14, r13 (argument), r12 (entry),
            // rbp, rbx, then the return address cpu_thread_start.
            ulong* top = (ulong*)(stack + StackSize);
            ulong* frame = top - 7;
            frame[0] = 0;
            frame[1] = 0;
            frame[2] = argument;
            frame[3] = (ulong)entry;
            frame[4] = 0;
            frame[5] = 0;
            frame[6] = Native.ThreadStartAddress();
            thread.SavedRsp = (ulong)frame;
            _threads[id] = thread;
            Enqueue(id);
            return id;
        }

        // Wait until thread `id` has exited.
        public void Join(int id)
        {
            KernelThread thread = _threads[id];
            while (thread.State != KernelThread.ThreadState.Dead)
            {
                thread.Joiner = _current.Id;
                Park();
            }
        }

        [UnmanagedCallersOnly(EntryPoint = "scheduler_thread_exit")]
        private static void ThreadExit() => s_instance.ExitCurrent();

        // End the running thread (from its entry's return, exit(), or a fatal fault).
        public void ExitCurrent()
        {
            KernelThread me = _current;
            me.State = KernelThread.ThreadState.Dead;
            if (me.Joiner >= 0)
                Unpark(me.Joiner);
            SwitchToNext();
        }

        private void SwitchToNext()
        {
            // Nobody ready: wait for the timer to wake a sleeper (interrupts on only here).
            while (_readyCount == 0 && AnyoneSleeping())
            {
                Native.EnableInterrupts();
                Native.Halt();
                Native.DisableInterrupts();
            }
            if (_readyCount == 0)
                Panic.Report("scheduler: every thread is blocked (a lost wake-up or a deadlock); current thread "
                    + _current.Id.ToString() + " (" + _current.Name + ")");
            KernelThread next = _threads[Dequeue()];
            KernelThread previous = _current;
            next.State = KernelThread.ThreadState.Running;
            if (next == previous)
                return; // woken while idling in its own SwitchToNext: keep running
            _current = next;
            Switches++;
            // The next thread's address space, user TLS base and ring-3 entry stack.
            if (previous.Process != null)
                previous.FsBase = Native.ReadMsr(UserMode.MsrFsBase);
            if (next.Process != null)
                Native.WriteMsr(UserMode.MsrFsBase, next.FsBase);
            if (next.AddressSpaceRoot != 0 && Native.ReadCr3() != next.AddressSpaceRoot)
                Native.WriteCr3(next.AddressSpaceRoot);
            if (next.Stack != null)
                UserMode.SetKernelStack(next.KernelStackTop);
            if (previous.State == KernelThread.ThreadState.Dead)
            {
                ulong discard; // nobody resumes a dead thread
                Native.SwitchContext(&discard, next.SavedRsp);
                return;
            }
            fixed (ulong* save = &previous.SavedRsp) // no GC moves objects; fixed only satisfies C#
                Native.SwitchContext(save, next.SavedRsp);
        }

        private void Enqueue(int id)
        {
            _readyQueue[(_readyHead + _readyCount) % MaxThreads] = id;
            _readyCount++;
        }

        private int Dequeue()
        {
            int id = _readyQueue[_readyHead];
            _readyHead = (_readyHead + 1) % MaxThreads;
            _readyCount--;
            return id;
        }
    }
}
