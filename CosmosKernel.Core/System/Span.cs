using System.Runtime.CompilerServices;

namespace System
{
    // A bounds-checked view of memory; the kernel passes buffers around as spans.
    public readonly ref struct Span<T>
    {
        private readonly ref T _reference;
        private readonly int _length;

        public unsafe Span(void* pointer, int length)
        {
            if (length < 0)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            _reference = ref Unsafe.AsRef<T>(pointer);
            _length = length;
        }

        public Span(T[] array)
        {
            if (array == null)
            {
                this = default;
                return;
            }
            _reference = ref array[0];
            _length = array.Length;
        }

        public int Length => _length;
        public bool IsEmpty => _length == 0;

        public ref T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
                return ref Unsafe.Add(ref _reference, index);
            }
        }

        public Span<T> Slice(int start, int length)
        {
            if ((uint)start > (uint)_length || (uint)length > (uint)(_length - start))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            return new Span<T>(ref Unsafe.Add(ref _reference, start), length);
        }

        private Span(ref T reference, int length)
        {
            _reference = ref reference;
            _length = length;
        }

        public ref T GetPinnableReference() => ref _reference;
    }

    public readonly ref struct ReadOnlySpan<T>
    {
        private readonly ref T _reference;
        private readonly int _length;

        public unsafe ReadOnlySpan(void* pointer, int length)
        {
            if (length < 0)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            _reference = ref Unsafe.AsRef<T>(pointer);
            _length = length;
        }

        public int Length => _length;

        public ref readonly T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
                return ref Unsafe.Add(ref _reference, index);
            }
        }

        public ref readonly T GetPinnableReference() => ref _reference;
    }
}
