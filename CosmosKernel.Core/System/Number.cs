namespace System
{
    // Integer formatting for ToString(): decimal, and hexadecimal with the .NET
    // format strings "X", "x", "X8", "x16" and so on.
    internal static unsafe class Number
    {
        public static string FormatSigned(long value)
        {
            if (value >= 0)
                return FormatUnsigned((ulong)value);
            char* buffer = stackalloc char[21];
            int start = WriteDecimal(buffer, 21, (ulong)(-(value + 1)) + 1);
            buffer[--start] = '-';
            return new string(buffer + start, 0, 21 - start);
        }

        public static string FormatUnsigned(ulong value)
        {
            char* buffer = stackalloc char[20];
            int start = WriteDecimal(buffer, 20, value);
            return new string(buffer + start, 0, 20 - start);
        }

        public static string Format(ulong value, string format)
        {
            if (format == null || format.Length == 0 || format == "D" || format == "G")
                return FormatUnsigned(value);
            char kind = format[0];
            if (kind != 'X' && kind != 'x')
                return FormatUnsigned(value);
            int minDigits = 1;
            if (format.Length > 1)
            {
                minDigits = 0;
                for (int i = 1; i < format.Length; i++)
                    minDigits = minDigits * 10 + (format[i] - '0');
            }
            return FormatHex(value, minDigits, kind == 'x');
        }

        public static string FormatHex(ulong value, int minDigits, bool lowerCase)
        {
            if (minDigits > 16) minDigits = 16;
            if (minDigits < 1) minDigits = 1;
            char* buffer = stackalloc char[16];
            int count = 0;
            char letterBase = lowerCase ? 'a' : 'A';
            do
            {
                int digit = (int)(value & 0xF);
                buffer[15 - count] = (char)(digit < 10 ? '0' + digit : letterBase + digit - 10);
                value >>= 4;
                count++;
            } while (value != 0 || count < minDigits);
            return new string(buffer + 16 - count, 0, count);
        }

        // The digits of value, ending at buffer[end - 1]; returns where they start.
        internal static int WriteDecimal(char* buffer, int end, ulong value)
        {
            int position = end;
            do
            {
                buffer[--position] = (char)('0' + (int)(value % 10));
                value /= 10;
            } while (value != 0);
            return position;
        }
    }
}
