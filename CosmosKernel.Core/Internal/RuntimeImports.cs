using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    // The few native entry points the Core level needs. Each home provides them in
    // assembly: the kernel (CosmosKernel/Boot/cpu.asm, boot.asm) and the user runtime
    // (CosmosKernel.Userland/Runtime/crt0.asm).
    internal static unsafe class RuntimeImports
    {
        // Last-resort output: the kernel writes to COM1, a user program to stderr.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_debug_write")]
        internal static extern void DebugWrite(byte* text, ulong length);

        // Stop for good: the kernel halts the CPU, a user program exits with status 134.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_halt")]
        internal static extern void Halt();

        // Let another thread run while waiting for a lock: a pause with interrupts on
        // in the kernel (the holder runs on another CPU), sched_yield in a user program.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_yield")]
        internal static extern void Yield();

        // An even number that tells who is running (static constructors: who runs one):
        // the kernel's per-CPU block, 0 in a user program (one for all its threads).
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_execution_marker")]
        internal static extern ulong ExecutionMarker();

        // The `__modules` section ILC fills with the ReadyToRun headers.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_modules_start")]
        internal static extern IntPtr ModulesStart();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_modules_end")]
        internal static extern IntPtr ModulesEnd();

        // The heap's first arena (a BSS area of the image).
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_heap_arena")]
        internal static extern byte* HeapArena();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("runtime_heap_arena_size")]
        internal static extern ulong HeapArenaSize();

        internal static object NewObject(MethodTable* type) => RuntimeHeap.AllocateObject(type);

        internal static object NewArray(MethodTable* type, int length) => RuntimeHeap.AllocateArray(type, length);
    }

    // Last-resort failure path of the runtime. Core code cannot call the HAL console
    // (lower levels never call upward), so the kernel installs a reporter at start-up;
    // before that, or if the reporter itself fails, the message goes to DebugWrite.
    // Nothing on this path allocates: it also reports an exhausted heap.
    public static unsafe class RuntimePanic
    {
        // Reports "prefix value suffix" (value in decimal; suffix may be null) and stops.
        private static delegate*<string, ulong, string, void> s_reporter;
        private static bool s_inPanic;
        private const ulong NoValue = ulong.MaxValue;

        public static void SetReporter(delegate*<string, ulong, string, void> reporter) => s_reporter = reporter;

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public static void Fail(string message) => FailNumber(message, NoValue, null);

        // A message with a number in it, without building a string (which allocates).
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public static void FailNumber(string prefix, ulong value, string suffix)
        {
            if (!s_inPanic && s_reporter != null)
            {
                s_inPanic = true;
                s_reporter(prefix, value, suffix);
            }
            WriteRaw("\r\nPANIC: ");
            WriteRaw(prefix);
            if (value != NoValue)
                WriteDecimal(value);
            WriteRaw(suffix);
            WriteRaw("\r\n");
            RuntimeImports.Halt();
        }

        internal static void WriteRaw(string s)
        {
            if (s == null)
                return;
            byte* bytes = stackalloc byte[64];
            for (int start = 0; start < s.Length; start += 64)
            {
                int count = s.Length - start < 64 ? s.Length - start : 64;
                for (int i = 0; i < count; i++)
                    bytes[i] = (byte)s[start + i];
                RuntimeImports.DebugWrite(bytes, (ulong)count);
            }
        }

        private static void WriteDecimal(ulong value)
        {
            char* digits = stackalloc char[20];
            byte* bytes = stackalloc byte[20];
            int start = System.Number.WriteDecimal(digits, 20, value);
            for (int i = start; i < 20; i++)
                bytes[i] = (byte)digits[i];
            RuntimeImports.DebugWrite(bytes + start, (ulong)(20 - start));
        }
    }
}
