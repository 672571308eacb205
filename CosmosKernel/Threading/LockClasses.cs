using System.Threading;

namespace CosmosKernel.Threading
{
    // Lock classes, and the hook a lock validator plugs into (Linux's lockdep, Zircon's
    // lockdep: the order is checked per class, not per lock, so one run that takes
    // "mm lock" then "page lock" and another that takes them the other way round are
    // an inversion even on different processes). Every lock registers the name of its
    // class when it is made; every lock operation tells the validator, if one is
    // installed (the kernel's: Scheduling/LockValidator.cs, boot option `lockdep`); with
    // none, a lock operation costs one static read more.
    public enum LockKind
    {
        Spin,       // held with interrupts off for a few instructions; never across a sleep
        Sleeping,   // a FIFO mutex: its waiters sleep
        HandedOff,  // a run queue's lock (Scheduling/RunQueue): taken by one thread, released
                    // by the next one on that CPU; its order is checked, it is not kept on
                    // a thread's list
    }

    public interface ILockValidator
    {
        // Before the lock is waited for: an inversion is reported before it can deadlock.
        void Acquiring(int lockClass, LockKind kind);
        // The lock is held now (a thread waiting for a lock does not hold it: it may
        // even switch away while it waits).
        void Acquired(int lockClass, LockKind kind);
        void Released(int lockClass, LockKind kind);
        // The thread is about to sleep (Park): no spin lock may be held.
        void Sleeping();
    }

    // Where lock waits are counted (the kernel's: Scheduling/LockStatistics.cs, always
    // installed; it costs a clock read at each wait, nothing when a lock is free). Called
    // from inside lock code: takes no lock itself.
    public interface ILockStatistics
    {
        // A timestamp (the kernel's TSC) taken when a lock was found held.
        ulong Now();
        // The lock of class `lockClass` was granted after waiting since `since` (Now()).
        void Waited(int lockClass, ulong since);
    }

    public static class LockClasses
    {
        public const int MaxClasses = 64;
        public const int Unregistered = -1;

        private static readonly string[] s_names = new string[MaxClasses];
        private static int s_count;
        private static int s_registering; // a tiny spin lock of its own: locks are made on every CPU

        // The validator, or null (off). Set once at boot, before other CPUs run.
        public static ILockValidator Validator;

        // Where waits are counted, or null. Set once at boot, before other CPUs run.
        public static ILockStatistics Statistics;

        public static int Count => Volatile.Read(ref s_count);

        public static string Name(int lockClass) => lockClass >= 0 && lockClass < Count ? s_names[lockClass] : "?";

        // The class for locks named `name` (the same number for every lock of that name).
        // Beyond MaxClasses, Unregistered: such locks are not checked.
        public static int Register(string name)
        {
            int found = Find(name, Count);
            if (found != Unregistered)
                return found;
            while (Interlocked.CompareExchange(ref s_registering, 1, 0) != 0)
            {
            }
            int count = s_count;
            found = Find(name, count);
            if (found == Unregistered && count < MaxClasses)
            {
                s_names[count] = name;
                Volatile.Write(ref s_count, count + 1);
                found = count;
            }
            Volatile.Write(ref s_registering, 0);
            return found;
        }

        private static int Find(string name, int count)
        {
            for (int i = 0; i < count; i++)
                if (s_names[i] == name)
                    return i;
            return Unregistered;
        }
    }
}
