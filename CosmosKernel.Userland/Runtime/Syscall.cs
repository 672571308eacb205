using System.Runtime;
using System.Runtime.CompilerServices;

namespace CosmosKernel.Userland.Runtime
{
    // The raw Linux x86-64 syscall (crt0.asm); the numbers are CosmosKernel.Abi.SyscallNumbers,
    // the kernel's own definition.
    // Results are the kernel's: a negative value is -errno.
    public static class Syscall
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_syscall")]
        public static extern long Invoke(ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5);

        public static long Invoke(ulong number) => Invoke(number, 0, 0, 0, 0, 0, 0);
        public static long Invoke(ulong number, ulong a0) => Invoke(number, a0, 0, 0, 0, 0, 0);
        public static long Invoke(ulong number, ulong a0, ulong a1) => Invoke(number, a0, a1, 0, 0, 0, 0);
        public static long Invoke(ulong number, ulong a0, ulong a1, ulong a2) => Invoke(number, a0, a1, a2, 0, 0, 0);

        // clone for a thread running entry(argument) on stackTop (crt0.asm).
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_rdtsc")]
        public static extern ulong ReadTimestampCounter();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_clone_thread")]
        public static extern unsafe long CloneThread(ulong flags, ulong stackTop, int* parentTid, int* childTid, ulong tls,
            delegate*<ulong, void> entry, ulong argument);
    }
}
