using System.Runtime;
using System.Runtime.CompilerServices;

namespace CosmosKernel.Userland.Runtime
{
    // The raw Linux x86-64 syscall (crt0.asm) and the numbers the programs use.
    // Results are the kernel's: a negative value is -errno.
    public static class Syscall
    {
        public const ulong Open = 2;
        public const ulong Read = 0, Write = 1, Close = 3, Mmap = 9, Mprotect = 10, Munmap = 11, Brk = 12, Pipe = 22;
        public const ulong SchedYield = 24, Nanosleep = 35, Getpid = 39, Exit = 60, Uname = 63, ArchPrctl = 158, Gettid = 186;
        public const ulong Futex = 202, ClockGettime = 228, ExitGroup = 231, Fork = 57, Wait4 = 61, Getcpu = 309;
        public const ulong CosmosVmmInfo = 1024, CosmosSpawn = 1025, CosmosSetStrategy = 1026, CosmosDoubleFetchDemo = 1027, CosmosBench = 1028;

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
