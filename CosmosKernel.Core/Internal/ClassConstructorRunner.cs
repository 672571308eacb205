using System;
using System.Threading;

namespace System.Runtime.CompilerServices
{
    // Runs static constructors that ILC could not run at compile time. Code touching
    // such a type's statics first calls one of the Check* methods below with the type's
    // context (a contract with ILC): cctorMethodAddress is the cctor's address until it
    // has run, 1 while it runs, 0 afterwards.
    internal static unsafe class ClassConstructorRunner
    {
        private static object CheckStaticClassConstructionReturnGCStaticBase(StaticClassConstructionContext* context, object gcStaticBase)
        {
            EnsureClassConstructorRun(context);
            return gcStaticBase;
        }

        private static IntPtr CheckStaticClassConstructionReturnNonGCStaticBase(StaticClassConstructionContext* context, IntPtr nonGcStaticBase)
        {
            EnsureClassConstructorRun(context);
            return nonGcStaticBase;
        }

        // The thread that swaps the address for its marker runs the cctor; others wait
        // for 0. The marker (RuntimeImports.ExecutionMarker, made odd so it is no code
        // address) says who runs it: a cctor that recursively touches its own type
        // finds its own marker and goes on, as the ECMA spec allows for the constructing
        // thread; anyone else waits until the cctor is done (the kernel runs on several
        // CPUs at once). The user runtime's marker is always the same, so there a second
        // thread goes on too (docs/runtime.md).
        public static void EnsureClassConstructorRun(StaticClassConstructionContext* context)
        {
            IntPtr mine = (IntPtr)(long)(Internal.Runtime.RuntimeImports.ExecutionMarker() | 1);
            while (true)
            {
                IntPtr address = (IntPtr)Volatile.Read(ref Unsafe.As<IntPtr, long>(ref context->cctorMethodAddress));
                if (address == IntPtr.Zero)
                    return;
                if (((long)address & 1) != 0)
                {
                    if (address == mine)
                        return;
                    Internal.Runtime.RuntimeImports.Yield();
                    continue;
                }
                if (Interlocked.CompareExchange(ref context->cctorMethodAddress, mine, address) == address)
                {
                    ((delegate*<void>)(void*)address)();
                    Volatile.Write(ref Unsafe.As<IntPtr, long>(ref context->cctorMethodAddress), 0L);
                    return;
                }
            }
        }
    }

    // Contract with ILC: one per type with a lazily run static constructor.
    public struct StaticClassConstructionContext
    {
        public IntPtr cctorMethodAddress;
    }
}

namespace System.Threading
{
    using System.Runtime.CompilerServices;

    // Atomic operations. RyuJIT expands these [Intrinsic] methods into lock-prefixed
    // instructions; the recursive bodies are never executed (a kernel self-test checks).
    public static class Interlocked
    {
        [Intrinsic] public static int CompareExchange(ref int location, int value, int comparand) => CompareExchange(ref location, value, comparand);
        [Intrinsic] public static long CompareExchange(ref long location, long value, long comparand) => CompareExchange(ref location, value, comparand);
        [Intrinsic] public static IntPtr CompareExchange(ref IntPtr location, IntPtr value, IntPtr comparand)
            => (IntPtr)CompareExchange(ref Unsafe.As<IntPtr, long>(ref location), (long)value, (long)comparand);
        [Intrinsic] public static int Exchange(ref int location, int value) => Exchange(ref location, value);
        [Intrinsic] public static long Exchange(ref long location, long value) => Exchange(ref location, value);
        [Intrinsic] public static int ExchangeAdd(ref int location, int value) => ExchangeAdd(ref location, value);
        [Intrinsic] public static long ExchangeAdd(ref long location, long value) => ExchangeAdd(ref location, value);
        public static int Increment(ref int location) => ExchangeAdd(ref location, 1) + 1;
        public static long Increment(ref long location) => ExchangeAdd(ref location, 1) + 1;
        public static int Decrement(ref int location) => ExchangeAdd(ref location, -1) - 1;
        public static long Decrement(ref long location) => ExchangeAdd(ref location, -1) - 1;
        public static int Add(ref int location, int value) => ExchangeAdd(ref location, value) + value;
        public static long Add(ref long location, long value) => ExchangeAdd(ref location, value) + value;
        [Intrinsic] public static void MemoryBarrier() => MemoryBarrier();
    }

    // Plain loads and stores that the compiler may not reorder or cache.
    public static class Volatile
    {
        [Intrinsic] public static int Read(ref int location) => location;
        [Intrinsic] public static long Read(ref long location) => location;
        [Intrinsic] public static ulong Read(ref ulong location) => location;
        [Intrinsic] public static bool Read(ref bool location) => location;
        [Intrinsic] public static void Write(ref int location, int value) { location = value; }
        [Intrinsic] public static void Write(ref long location, long value) { location = value; }
        [Intrinsic] public static void Write(ref ulong location, ulong value) { location = value; }
        [Intrinsic] public static void Write(ref IntPtr location, IntPtr value) { location = value; }
        [Intrinsic] public static void Write(ref bool location, bool value) { location = value; }
    }
}
