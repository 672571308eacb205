using CosmosKernel.Abi;
using System.Threading;

namespace CosmosKernel.Userland.Runtime
{
    // A thread of this process: clone with its own mmap'd stack. Join waits on the
    // thread-id word the kernel clears (and futex-wakes) when the thread ends
    // (CLONE_CHILD_CLEARTID), as pthread_join does.
    public sealed unsafe class UserThread
    {
        public const ulong StackSize = 64 * 1024;

        private readonly ulong _stack;
        private readonly int* _tidWord; // at the bottom of the stack mapping

        public int Tid { get; }

        private UserThread(ulong stack, int tid)
        {
            _stack = stack;
            _tidWord = (int*)stack;
            Tid = tid;
        }

        // Null (with the errno printed) when the stack or the thread cannot be had.
        public static UserThread Start(delegate*<ulong, void> entry, ulong argument)
        {
            long stack = Sys.Mmap(0, StackSize, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
            if (stack < 0)
                return null;
            int* tidWord = (int*)stack;
            long tid = Syscall.CloneThread(CloneFlags.PthreadThreadWithTids, (ulong)stack + StackSize, tidWord, tidWord, 0, entry, argument);
            if (tid < 0)
            {
                Sys.Munmap((ulong)stack, StackSize);
                return null;
            }
            return new UserThread((ulong)stack, (int)tid);
        }

        public void Join()
        {
            while (true)
            {
                int tid = Volatile.Read(ref *_tidWord);
                if (tid == 0)
                    break;
                Sys.FutexWait(_tidWord, tid);
            }
            Sys.Munmap(_stack, StackSize);
        }

        // Join every thread of `threads` that started (Start returns null when it could not).
        public static void JoinAll(UserThread[] threads)
        {
            for (int i = 0; i < threads.Length; i++)
                if (threads[i] != null)
                    threads[i].Join();
        }
    }

    // A mutex on a futex word (0 free, 1 locked, 2 locked with waiters): no syscall
    // when uncontended; waiters sleep in the kernel.
    public sealed unsafe class FutexMutex
    {
        private int _state;

        public void Lock()
        {
            fixed (int* state = &_state) // objects never move: there is no GC
            {
                int seen = Interlocked.CompareExchange(ref *state, 1, 0);
                if (seen == 0)
                    return;
                if (seen != 2)
                    seen = Interlocked.Exchange(ref *state, 2);
                while (seen != 0)
                {
                    Sys.FutexWait(state, 2);
                    seen = Interlocked.Exchange(ref *state, 2);
                }
            }
        }

        public void Unlock()
        {
            fixed (int* state = &_state)
            {
                if (Interlocked.Exchange(ref *state, 0) == 2)
                    Sys.FutexWake(state, 1);
            }
        }
    }
}
