using System.Runtime.CompilerServices;

namespace System
{
    // Arrays: MethodTable*, int length (+ padding), elements. ILC allocates them through
    // RhpNewArray (Internal/Allocation.cs); indexing and bounds checks are compiled inline.
    public abstract class Array
    {
#pragma warning disable 169, 649
        private int _numComponents;
#pragma warning restore 169, 649

        public int Length => _numComponents;

        public static unsafe void Clear<T>(T[] array) where T : unmanaged
        {
            fixed (T* p = array)
                Buffer.ZeroMemory((byte*)p, (nuint)(array.Length * sizeof(T)));
        }

        public static unsafe void Copy<T>(T[] source, int sourceIndex, T[] destination, int destinationIndex, int length) where T : unmanaged
        {
            if ((uint)sourceIndex > (uint)source.Length || (uint)length > (uint)(source.Length - sourceIndex)
                || (uint)destinationIndex > (uint)destination.Length || (uint)length > (uint)(destination.Length - destinationIndex))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            if (length == 0)
                return;
            fixed (T* s = &source[sourceIndex])
            fixed (T* d = &destination[destinationIndex])
                Buffer.Memmove((byte*)d, (byte*)s, (nuint)(length * sizeof(T)));
        }
    }

    // Generic arrays derive from Array<T> in NativeAOT's type system.
    public class Array<T> : Array
    {
    }
}

namespace System.Runtime.CompilerServices
{
    // Compiler intrinsics: ILC supplies the bodies (the ones here never run).
    public static unsafe class Unsafe
    {
        [Intrinsic] public static T As<T>(object value) where T : class => throw null;
        [Intrinsic] public static ref TTo As<TFrom, TTo>(ref TFrom source) => throw null;
        [Intrinsic] public static void* AsPointer<T>(ref T value) => throw null;
        [Intrinsic] public static ref T AsRef<T>(void* source) => throw null;
        [Intrinsic] public static ref T AsRef<T>(ref readonly T source) => throw null;
        [Intrinsic] public static ref T Add<T>(ref T source, int elementOffset) => throw null;
        [Intrinsic] public static ref T Add<T>(ref T source, nint elementOffset) => throw null;
        [Intrinsic] public static ref T AddByteOffset<T>(ref T source, nint byteOffset) => throw null;
        [Intrinsic] public static int SizeOf<T>() => throw null;
        [Intrinsic] public static T Read<T>(void* source) => throw null;
        [Intrinsic] public static void Write<T>(void* destination, T value) => throw null;
        [Intrinsic] public static bool AreSame<T>(ref T left, ref T right) => throw null;
        [Intrinsic] public static bool IsNullRef<T>(ref T source) => throw null;
        [Intrinsic] public static ref T NullRef<T>() => throw null;
    }
}
