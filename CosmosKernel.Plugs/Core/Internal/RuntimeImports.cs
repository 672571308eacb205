using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    // The few native (assembly) entry points the Core level needs, and the managed
    // allocation entry used by corelib code.
    internal static unsafe class RuntimeImports
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_outb")]
        internal static extern void OutByte(ushort port, byte value);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_inb")]
        internal static extern byte InByte(ushort port);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_halt_forever")]
        internal static extern void HaltForever();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_modules_start")]
        internal static extern IntPtr ModulesStart();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_modules_end")]
        internal static extern IntPtr ModulesEnd();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_early_heap")]
        internal static extern byte* EarlyHeap();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_early_heap_size")]
        internal static extern ulong EarlyHeapSize();

        internal static object NewObject(MethodTable* type) => KernelHeap.AllocateObject(type);

        internal static object NewArray(MethodTable* type, int length) => KernelHeap.AllocateArray(type, length);
    }

    // Last-resort failure path of the runtime. Core code cannot call the HAL console
    // (lower levels never call upward), so the HAL installs a reporter at start-up;
    // before that, or if the reporter itself fails, the message goes raw to COM1.
    public static unsafe class RuntimePanic
    {
        private static delegate*<string, void> s_reporter;
        private static bool s_inPanic;

        public static void SetReporter(delegate*<string, void> reporter) => s_reporter = reporter;

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public static void Fail(string message)
        {
            if (!s_inPanic && s_reporter != null)
            {
                s_inPanic = true;
                s_reporter(message);
            }
            WriteRaw("\r\nPANIC: ");
            WriteRaw(message);
            WriteRaw("\r\n");
            RuntimeImports.HaltForever();
        }

        internal static void WriteRaw(string s)
        {
            if (s == null)
                return;
            for (int i = 0; i < s.Length; i++)
            {
                while ((RuntimeImports.InByte(0x3FD) & 0x20) == 0) { }
                RuntimeImports.OutByte(0x3F8, (byte)s[i]);
            }
        }
    }
}
