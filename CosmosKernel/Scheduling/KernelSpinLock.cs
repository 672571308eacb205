using System.Threading;
using Cosmos.HAL;

namespace CosmosKernel.Scheduling
{
    // A spin lock of the kernel proper, for sections of a few hundred instructions that
    // never sleep: a run queue, a TLB shootdown in flight. Kernel code runs with
    // interrupts off, so the holder is never interrupted by code that could want the
    // lock; the holder never parks, yields or waits for another CPU's lock-free answer
    // that only an interrupt could give.
    //
    // A waiter spins with interrupts on between tries: it still answers the IPIs that
    // the holder (or anyone) may be waiting for (a TLB shootdown, the collector's stop,
    // a wake-up), so two CPUs never wait for each other with interrupts off. Interrupt
    // handlers that run then take no lock (Arch/x86_64/InterruptVectors.cs).
    //
    // Held by a CPU: Release must come on the CPU that acquired, and HeldByThisCpu tells
    // a caller whether it already holds it (a run queue's lock is handed across a
    // context switch, which runs on one CPU).
    public sealed class KernelSpinLock
    {
        public const int NoCpu = -1;

        private readonly string _name;
        private readonly int _class;              // Threading.LockClasses
        private readonly Threading.LockKind _kind; // Spin, or HandedOff for the scheduler's
        private int _owner = NoCpu; // CPU index, or NoCpu
        // Per CPU: how many kernel spin locks it holds (Scheduler.Yield does not switch
        // threads then: the next thread could want the same lock on the same CPU).
        private static readonly int[] s_heldBy = new int[Gdt.MaxCpus];

        // validated: false keeps it out of the lock validator (the console, which the
        // validator's own report is written through).
        public KernelSpinLock(string name, bool handedOff = false, bool validated = true)
        {
            _name = name;
            _class = validated ? Threading.LockClasses.Register(name) : Threading.LockClasses.Unregistered;
            _kind = handedOff ? Threading.LockKind.HandedOff : Threading.LockKind.Spin;
        }

        public string Name => _name;

        public void Acquire()
        {
            int me = Cpu.CurrentIndex;
            if (Volatile.Read(ref _owner) == me)
                Diagnostics.Panic.Report(_name + ": taken twice by CPU " + me.ToString());
            Threading.ILockValidator validator = Threading.LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(_class, _kind);
            if (Interlocked.CompareExchange(ref _owner, me, NoCpu) != NoCpu)
                WaitForIt(me);
            s_heldBy[me]++;
            if (validator != null)
                validator.Acquired(_class, _kind);
        }

        // Take the lock only if it is free: for a second lock taken against the usual
        // order (a try never waits, so it cannot deadlock; the validator sees it taken
        // but checks no order for it).
        public bool TryAcquire()
        {
            int me = Cpu.CurrentIndex;
            if (Volatile.Read(ref _owner) != NoCpu || Interlocked.CompareExchange(ref _owner, me, NoCpu) != NoCpu)
                return false;
            s_heldBy[me]++;
            Threading.ILockValidator validator = Threading.LockClasses.Validator;
            if (validator != null)
                validator.Acquired(_class, _kind);
            return true;
        }

        private void WaitForIt(int me)
        {
            Threading.ILockStatistics statistics = Threading.LockClasses.Statistics;
            ulong since = statistics != null ? statistics.Now() : 0;
            do
            {
                while (Volatile.Read(ref _owner) != NoCpu)
                {
                    Native.EnableInterrupts();
                    Native.Pause();
                    Native.DisableInterrupts();
                }
            }
            while (Interlocked.CompareExchange(ref _owner, me, NoCpu) != NoCpu);
            if (statistics != null)
                statistics.Waited(_class, since);
        }

        public void Release()
        {
            if (_owner != Cpu.CurrentIndex)
                Diagnostics.Panic.Report(_name + ": released by CPU " + Cpu.CurrentIndex.ToString()
                    + " but held by CPU " + _owner.ToString());
            Threading.ILockValidator validator = Threading.LockClasses.Validator;
            if (validator != null)
                validator.Released(_class, _kind);
            s_heldBy[_owner]--;
            Volatile.Write(ref _owner, NoCpu);
        }

        public static bool AnyHeldByThisCpu => s_heldBy[Cpu.CurrentIndex] != 0;

        public static int HeldCountThisCpu => s_heldBy[Cpu.CurrentIndex];

        public bool HeldByThisCpu => Volatile.Read(ref _owner) == Cpu.CurrentIndex;
    }
}
