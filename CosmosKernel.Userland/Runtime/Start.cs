using System;
using System.Runtime.InteropServices;

namespace CosmosKernel.Userland.Runtime
{
    // Where crt0 enters C#: start the runtime, route Console to stdout, read argc/argv
    // from the Linux initial stack and run the program argv[0] names.
    public static unsafe class Start
    {
        private static StdoutWriter s_stdout;

        [UnmanagedCallersOnly(EntryPoint = "cosmos_user_main")]
        private static int Main(ulong* stack)
        {
            Internal.Runtime.CompilerHelpers.StartupCodeHelpers.InitializeRuntime();
            s_stdout = new StdoutWriter();
            Console.SetOut(s_stdout);
            Internal.Runtime.RuntimePanic.SetReporter(&Panic);

            int argc = (int)stack[0];
            var args = new string[argc];
            for (int i = 0; i < argc; i++)
                args[i] = Sys.CString((byte*)stack[1 + i], 4096);
            int status = Programs.ProgramTable.Run(argc > 0 ? args[0] : "", args);
            s_stdout.Flush();
            return status;
        }

        // Writes the message piece by piece: a panic may report an exhausted heap.
        private static void Panic(string prefix, ulong value, string suffix)
        {
            s_stdout?.Flush();
            Console.Write("panic in user program: ");
            Console.Write(prefix);
            if (value != ulong.MaxValue)
                Console.WriteDecimal(value);
            if (suffix != null)
                Console.Write(suffix);
            Console.WriteLine();
            s_stdout?.Flush();
            Sys.Exit(134);
        }
    }
}
