using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System
{
    // Immutable UTF-16 string. Layout (a contract with ILC, which emits literals as
    // frozen objects): MethodTable*, int length, chars, terminating '\0'.
    public sealed unsafe class String
    {
#pragma warning disable 169, 649
        private readonly int _stringLength;
        private char _firstChar;
#pragma warning restore 169, 649

        public static readonly string Empty = "";

        public int Length => _stringLength;

        [IndexerName("Chars")]
        public char this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_stringLength)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
                fixed (char* p = &_firstChar)
                    return p[index];
            }
        }

        // The C# compiler lowers `new string(ptr, start, length)` to a call of this
        // constructor; ILC turns it into a call of the matching Ctor method below.
        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char* value, int startIndex, int length);

        private static string Ctor(char* value, int startIndex, int length)
        {
            string result = FastAllocate(length);
            fixed (char* destination = &result._firstChar)
                Buffer.Memmove((byte*)destination, (byte*)(value + startIndex), (nuint)length * 2);
            return result;
        }

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char c, int count);

        private static string Ctor(char c, int count)
        {
            string result = FastAllocate(count);
            fixed (char* destination = &result._firstChar)
                for (int i = 0; i < count; i++)
                    destination[i] = c;
            return result;
        }

        internal static string FastAllocate(int length)
        {
            if (length == 0)
                return Empty;
            MethodTable* stringType = ((object)"").m_pMethodTable;
            return Unsafe.As<string>(RuntimeImports.NewArray(stringType, length));
        }

        internal static string FromChar(char c) => new string(c, 1);

        public static string Concat(string a, string b) => Concat(a, b, null, null);
        public static string Concat(string a, string b, string c) => Concat(a, b, c, null);

        public static string Concat(string a, string b, string c, string d)
        {
            int length = LengthOf(a) + LengthOf(b) + LengthOf(c) + LengthOf(d);
            string result = FastAllocate(length);
            if (length == 0)
                return result;
            fixed (char* destination = &result._firstChar)
            {
                int at = 0;
                at = CopyInto(destination, at, a);
                at = CopyInto(destination, at, b);
                at = CopyInto(destination, at, c);
                CopyInto(destination, at, d);
            }
            return result;
        }

        public static string Concat(params string[] parts)
        {
            int length = 0;
            for (int i = 0; i < parts.Length; i++)
                length += LengthOf(parts[i]);
            string result = FastAllocate(length);
            if (length == 0)
                return result;
            fixed (char* destination = &result._firstChar)
            {
                int at = 0;
                for (int i = 0; i < parts.Length; i++)
                    at = CopyInto(destination, at, parts[i]);
            }
            return result;
        }

        public static string Concat(object a, object b) => Concat(a?.ToString(), b?.ToString());
        public static string Concat(object a, object b, object c) => Concat(a?.ToString(), b?.ToString(), c?.ToString());

        private static int LengthOf(string s) => s == null ? 0 : s._stringLength;

        private static int CopyInto(char* destination, int at, string s)
        {
            if (s == null || s._stringLength == 0)
                return at;
            fixed (char* source = &s._firstChar)
                Buffer.Memmove((byte*)(destination + at), (byte*)source, (nuint)s._stringLength * 2);
            return at + s._stringLength;
        }

        public static bool operator ==(string a, string b) => Equals(a, b);
        public static bool operator !=(string a, string b) => !Equals(a, b);

        public static bool Equals(string a, string b)
        {
            if ((object)a == (object)b)
                return true;
            if ((object)a == null || (object)b == null || a._stringLength != b._stringLength)
                return false;
            for (int i = 0; i < a._stringLength; i++)
                if (a[i] != b[i])
                    return false;
            return true;
        }

        public override bool Equals(object o) => o is string s && Equals(this, s);

        public override int GetHashCode()
        {
            int hash = 5381;
            for (int i = 0; i < _stringLength; i++)
                hash = (hash * 33) ^ this[i];
            return hash;
        }

        public bool StartsWith(string prefix)
        {
            if (prefix._stringLength > _stringLength)
                return false;
            for (int i = 0; i < prefix._stringLength; i++)
                if (this[i] != prefix[i])
                    return false;
            return true;
        }

        public int IndexOf(char c, int startIndex = 0)
        {
            for (int i = startIndex; i < _stringLength; i++)
                if (this[i] == c)
                    return i;
            return -1;
        }

        public string Substring(int startIndex, int length)
        {
            if ((uint)startIndex > (uint)_stringLength || (uint)length > (uint)(_stringLength - startIndex))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            fixed (char* p = &_firstChar)
                return new string(p, startIndex, length);
        }

        public string Substring(int startIndex) => Substring(startIndex, _stringLength - startIndex);

        public override string ToString() => this;
    }
}
