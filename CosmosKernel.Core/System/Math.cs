namespace System
{
    public static class Math
    {
        // Overflow-checked conversions from double that ILC's generated code calls.
        internal static int ConvertToInt32Checked(double value)
        {
            if (!(value > -2147483649.0 && value < 2147483648.0))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            return (int)value;
        }

        internal static uint ConvertToUInt32Checked(double value)
        {
            if (!(value > -1.0 && value < 4294967296.0))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            return (uint)value;
        }

        internal static long ConvertToInt64Checked(double value)
        {
            if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            return (long)value;
        }

        internal static ulong ConvertToUInt64Checked(double value)
        {
            if (!(value > -1.0 && value < 18446744073709551616.0))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            return (ulong)value;
        }

        public static int Min(int a, int b) => a < b ? a : b;
        public static int Max(int a, int b) => a > b ? a : b;
        public static long Min(long a, long b) => a < b ? a : b;
        public static long Max(long a, long b) => a > b ? a : b;
        public static ulong Min(ulong a, ulong b) => a < b ? a : b;
        public static ulong Max(ulong a, ulong b) => a > b ? a : b;
    }
}
