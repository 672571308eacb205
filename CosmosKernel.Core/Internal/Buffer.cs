using System.Runtime;

namespace System
{
    // Memory moves the compiler and corelib rely on. Plain byte loops on purpose:
    // RyuJIT may turn large struct copies into calls here, so these must not
    // themselves allocate or call anything but each other.
    public static unsafe class Buffer
    {
        public static void Memmove(byte* destination, byte* source, nuint length)
        {
            if (destination == source || length == 0)
                return;
            if (destination < source || destination >= source + length)
            {
                nuint i = 0;
                for (; i + 8 <= length; i += 8)
                    *(ulong*)(destination + i) = *(ulong*)(source + i);
                for (; i < length; i++)
                    destination[i] = source[i];
            }
            else
            {
                nuint i = length;
                while (i >= 8)
                {
                    i -= 8;
                    *(ulong*)(destination + i) = *(ulong*)(source + i);
                }
                while (i > 0)
                {
                    i--;
                    destination[i] = source[i];
                }
            }
        }

        internal static void Memmove(ref byte destination, ref byte source, nuint length)
        {
            fixed (byte* d = &destination)
            fixed (byte* s = &source)
                Memmove(d, s, length);
        }

        internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint length)
            => Memmove(ref destination, ref source, length);

        public static void ZeroMemory(byte* destination, nuint length)
        {
            nuint i = 0;
            for (; i + 8 <= length; i += 8)
                *(ulong*)(destination + i) = 0;
            for (; i < length; i++)
                destination[i] = 0;
        }

        public static void Fill(byte* destination, byte value, nuint length)
        {
            for (nuint i = 0; i < length; i++)
                destination[i] = value;
        }
    }

    internal static unsafe class SpanHelpers
    {
        public static void Memmove(ref byte destination, ref byte source, nuint length)
            => Buffer.Memmove(ref destination, ref source, length);

        public static void ClearWithoutReferences(ref byte destination, nuint length)
        {
            fixed (byte* d = &destination)
                Buffer.ZeroMemory(d, length);
        }

        public static void ClearWithReferences(ref IntPtr destination, nuint pointerCount)
        {
            fixed (IntPtr* d = &destination)
                Buffer.ZeroMemory((byte*)d, pointerCount * (nuint)sizeof(IntPtr));
        }

        public static void Fill(ref byte destination, byte value, nuint length)
        {
            fixed (byte* d = &destination)
                Buffer.Fill(d, value, length);
        }
    }
}
