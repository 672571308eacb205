using System;
using System.Threading;
using Cosmos.HAL;
using CosmosKernel.Threading;

namespace CosmosKernel.Scheduling
{
    // The lock validator (boot option `lockdep`; Linux's lockdep and Zircon's lockdep
    // are the models). Every lock operation reports its class (Threading/LockClasses);
    // this keeps, per thread, the classes it holds, and machine-wide, which class was
    // ever taken while holding which ("A before B", with the first path that did it).
    // It stops the kernel with a report
    //   - at the first inversion: B taken while holding A after A was taken while
    //     holding B (on any thread, at any time: the two need not ever race to be a
    //     deadlock waiting to happen), naming both classes and both paths;
    //   - when a thread sleeps holding a spin lock.
    // Before a lock is waited for, not after: an inversion is reported even in the run
    // where it would have deadlocked.
    //
    // A path is the return addresses of the first frames of the stack (the kernel is
    // built with frame pointers), which `launcher` names from kernel.elf's symbols.
    //
    // Not checked: two locks of one class held together (two run queues, page locks in
    // ascending address order, two address spaces' MmLocks in fork), a run queue lock's
    // place on the held list (it is handed across a switch: only its order is checked), the
    // heap's lock (below every other, in the runtime).
    //
    // Its own state: the order matrix is written with atomic claims (one path per
    // pair, written by whoever claimed it); each thread's list is its own.
    public sealed unsafe class LockValidator : ILockValidator
    {
        private const int MaxHeld = 24;
        private const int PathDepth = 6;
        private const int Classes = LockClasses.MaxClasses;

        private const int EdgeNone = 0, EdgeClaimed = 1, EdgeRecorded = 2;
        // [before * Classes + after]: after was taken while holding before.
        private readonly int[] _edges = new int[Classes * Classes];
        private readonly ulong[] _edgePaths = new ulong[Classes * Classes * PathDepth];
        private readonly int[] _edgeThreads = new int[Classes * Classes];

        private int _reporting;

        // Checks made and orders recorded: the boot prints them at the end (a validator
        // that saw nothing proves nothing).
        public long Checks;
        public int OrdersRecorded;

        public void Acquiring(int lockClass, LockKind kind)
        {
            KernelThread me = Scheduler.CurrentOrNull;
            if (me == null || lockClass < 0)
                return;
            Interlocked.Increment(ref Checks);
            if (me.LockStack == null)
            {
                // Here, before the lock is taken: allocating while holding a spin lock
                // whose waiters spin with interrupts off (the frame allocator's) could
                // start a collection that waits for them.
                me.LockStack = new int[MaxHeld];
                me.LockKinds = new byte[MaxHeld];
            }
            for (int i = 0; i < me.LockDepth; i++)
            {
                int held = me.LockStack[i];
                if (held != lockClass)
                    Order(me, held, lockClass);
            }
        }

        public void Acquired(int lockClass, LockKind kind)
        {
            if (kind == LockKind.HandedOff || lockClass < 0)
                return;
            KernelThread me = Scheduler.CurrentOrNull;
            if (me == null)
                return;
            if (me.LockDepth == MaxHeld)
                Report(me, "more than " + MaxHeld.ToString() + " locks held at once", -1, -1);
            me.LockStack[me.LockDepth] = lockClass;
            me.LockKinds[me.LockDepth] = (byte)kind;
            me.LockDepth++;
        }

        public void Released(int lockClass, LockKind kind)
        {
            KernelThread me = Scheduler.CurrentOrNull;
            if (me == null || lockClass < 0 || kind == LockKind.HandedOff)
                return;
            // Locks need not be released in the order they were taken: the last one of
            // this class goes.
            for (int i = me.LockDepth - 1; i >= 0; i--)
            {
                if (me.LockStack[i] != lockClass)
                    continue;
                for (int j = i; j < me.LockDepth - 1; j++)
                {
                    me.LockStack[j] = me.LockStack[j + 1];
                    me.LockKinds[j] = me.LockKinds[j + 1];
                }
                me.LockDepth--;
                return;
            }
            // Released without being recorded: taken before the validator could see the
            // thread (boot), or by another thread (a FIFO mutex is released by its owner
            // only, so this is a lock handed over at boot). Nothing to check.
        }

        public void Sleeping()
        {
            KernelThread me = Scheduler.CurrentOrNull;
            if (me == null)
                return;
            int spin = HeldSpin(me);
            if (spin >= 0)
                Report(me, "the spin lock \"" + LockClasses.Name(spin) + "\" held across a sleep", -1, -1);
        }

        private static int HeldSpin(KernelThread me)
        {
            for (int i = 0; i < me.LockDepth; i++)
                if (me.LockKinds[i] == (byte)LockKind.Spin)
                    return me.LockStack[i];
            return -1;
        }

        // `after` is being taken while holding `before`.
        private void Order(KernelThread me, int before, int after)
        {
            int edge = before * Classes + after;
            if (Volatile.Read(ref _edges[edge]) == EdgeNone
                && Interlocked.CompareExchange(ref _edges[edge], EdgeClaimed, EdgeNone) == EdgeNone)
            {
                CapturePath(me, _edgePaths, edge * PathDepth);
                _edgeThreads[edge] = me.Id;
                Volatile.Write(ref _edges[edge], EdgeRecorded);
                Interlocked.Increment(ref OrdersRecorded);
            }
            int reverse = after * Classes + before;
            if (Volatile.Read(ref _edges[reverse]) == EdgeRecorded)
                Report(me, "lock order inversion: \"" + LockClasses.Name(after) + "\" taken while holding \""
                    + LockClasses.Name(before) + "\"", reverse, edge);
        }

        // The return addresses of the frames above the lock's own (RBP chain, checked
        // against the thread's stack bounds).
        private static void CapturePath(KernelThread me, ulong[] into, int at)
        {
            ulong rbp = Native.ReadRbp();
            for (int i = 0; i < PathDepth; i++)
                into[at + i] = 0;
            int skip = 2; // this method's caller (Order), and Acquiring
            for (int i = 0; i < PathDepth + skip; i++)
            {
                if (rbp < me.StackBottom || rbp + 16 > me.StackTop || (rbp & 7) != 0)
                    return;
                ulong returnAddress = *(ulong*)(rbp + 8);
                if (i >= skip)
                    into[at + i - skip] = returnAddress;
                ulong next = *(ulong*)rbp;
                if (next <= rbp)
                    return;
                rbp = next;
            }
        }

        // Stop with a report. `earlier`: the order this one contradicts (its first path
        // and thread); `now`: this one's (just recorded, or recorded before).
        private void Report(KernelThread me, string what, int earlier, int now)
        {
            if (Interlocked.Exchange(ref _reporting, 1) != 0)
                return; // another CPU reports; its panic stops this one
            Console.WriteLine("");
            Console.WriteLine("lockdep: " + what + " (thread " + me.Id.ToString() + " \"" + me.Name + "\")");
            Console.Write("lockdep:   held now:");
            for (int i = 0; i < me.LockDepth; i++)
                Console.Write(" \"" + LockClasses.Name(me.LockStack[i]) + "\"");
            Console.WriteLine();
            if (now >= 0)
            {
                WritePath("this order, first seen on thread " + _edgeThreads[now].ToString(), _edgePaths, now * PathDepth);
            }
            else
            {
                var path = new ulong[PathDepth];
                CapturePath(me, path, 0);
                WritePath("this", path, 0);
            }
            if (earlier >= 0)
                WritePath("the other order, first seen on thread " + _edgeThreads[earlier].ToString(), _edgePaths, earlier * PathDepth);
            Diagnostics.Panic.Report("lock validator: " + what);
        }

        private static void WritePath(string label, ulong[] paths, int at)
        {
            Console.Write("lockdep:   " + label + ": path");
            for (int i = 0; i < PathDepth && paths[at + i] != 0; i++)
            {
                Console.Write(" 0x");
                Diagnostics.Panic.WriteHex(paths[at + i]);
            }
            Console.WriteLine();
        }
    }
}
