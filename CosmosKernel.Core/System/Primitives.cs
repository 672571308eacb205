namespace System
{
    // The built-in value types. Their single field of their own type is how the
    // C# compiler and ILC recognise them; ToString() goes through Number.
    public struct Boolean
    {
        private bool m_value;
        public override string ToString() => m_value ? "True" : "False";
    }

    public struct Char
    {
        private char m_value;
        public override string ToString() => string.FromChar(m_value);
    }

    public struct SByte
    {
        private sbyte m_value;
        public override string ToString() => Number.FormatSigned(m_value);
    }

    public struct Byte
    {
        private byte m_value;
        public override string ToString() => Number.FormatUnsigned(m_value);
        public string ToString(string format) => Number.Format(m_value, format);
    }

    public struct Int16
    {
        private short m_value;
        public override string ToString() => Number.FormatSigned(m_value);
    }

    public struct UInt16
    {
        private ushort m_value;
        public override string ToString() => Number.FormatUnsigned(m_value);
        public string ToString(string format) => Number.Format(m_value, format);
    }

    public struct Int32
    {
        private int m_value;
        public const int MaxValue = 0x7fffffff;
        public const int MinValue = unchecked((int)0x80000000);
        public override string ToString() => Number.FormatSigned(m_value);
        public string ToString(string format) => Number.Format((uint)m_value, format);
    }

    public struct UInt32
    {
        private uint m_value;
        public const uint MaxValue = 0xffffffff;
        public override string ToString() => Number.FormatUnsigned(m_value);
        public string ToString(string format) => Number.Format(m_value, format);
    }

    public struct Int64
    {
        private long m_value;
        public const long MaxValue = 0x7fffffffffffffff;
        public const long MinValue = unchecked((long)0x8000000000000000);
        public override string ToString() => Number.FormatSigned(m_value);
        public string ToString(string format) => Number.Format((ulong)m_value, format);
    }

    public struct UInt64
    {
        private ulong m_value;
        public const ulong MaxValue = 0xffffffffffffffff;
        public override string ToString() => Number.FormatUnsigned(m_value);
        public string ToString(string format) => Number.Format(m_value, format);
    }

    public unsafe struct IntPtr
    {
        private void* _value;
        public static readonly IntPtr Zero;
        public IntPtr(void* value) { _value = value; }
        public IntPtr(long value) { _value = (void*)value; }
        public static explicit operator IntPtr(long value) => new IntPtr(value);
        public static explicit operator IntPtr(void* value) => new IntPtr(value);
        public static explicit operator void*(IntPtr value) => value._value;
        public static explicit operator long(IntPtr value) => (long)value._value;
        public override string ToString() => Number.Format((ulong)_value, "X16");
    }

    public unsafe struct UIntPtr
    {
        private void* _value;
        public UIntPtr(void* value) { _value = value; }
        public override string ToString() => Number.Format((ulong)_value, "X16");
    }

    // Floating point: the types exist and arithmetic compiles to SSE; formatting is
    // limited to the integral part (docs/runtime.md).
    public struct Single
    {
        private float m_value;
        public override string ToString() => Number.FormatSigned((long)m_value);
    }

    public struct Double
    {
        private double m_value;
        public override string ToString() => Number.FormatSigned((long)m_value);
    }
}
