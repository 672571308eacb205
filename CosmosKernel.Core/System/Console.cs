using System.IO;

namespace System
{
    // Cosmos-style console: Console.WriteLine goes to whatever the HAL installed with
    // SetOut (the screen and COM1 at once, see CosmosKernel.HAL/MirroredConsole.cs). Until then,
    // output is dropped rather than written to hardware the Core level does not own.
    public static unsafe class Console
    {
        private static TextWriter s_out;

        public static TextWriter Out => s_out;

        public static void SetOut(TextWriter writer) => s_out = writer;

        public static void Write(char c) => s_out?.Write(c);
        public static void Write(string s) => s_out?.Write(s);
        public static void WriteLine() => s_out?.Write("\n");

        // A number in decimal, without building a string (which allocates): for panic
        // paths, which may report an exhausted heap.
        public static void WriteDecimal(ulong value)
        {
            char* digits = stackalloc char[20];
            for (int i = Number.WriteDecimal(digits, 20, value); i < 20; i++)
                Write(digits[i]);
        }

        // One call to the writer, so a writer that several CPUs share can keep the
        // line whole (the kernel's: CosmosKernel/Platform/KernelConsole.cs).
        public static void WriteLine(string s) => s_out?.WriteLine(s);
    }
}

namespace System.IO
{
    public abstract class TextWriter
    {
        public abstract void Write(char c);

        public virtual void Write(string s)
        {
            if (s == null)
                return;
            for (int i = 0; i < s.Length; i++)
                Write(s[i]);
        }

        public virtual void WriteLine(string s)
        {
            Write(s);
            Write('\n');
        }
    }
}
