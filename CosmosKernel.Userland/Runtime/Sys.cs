namespace CosmosKernel.Userland.Runtime
{
    // Typed wrappers with Linux's names and meanings (results are -errno on failure).
    public static unsafe class Sys
    {
        public const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
        public const int MapPrivate = 0x02, MapFixed = 0x10, MapAnonymous = 0x20;

        public static long Write(int fd, byte* buffer, ulong count) => Syscall.Invoke(Syscall.Write, (ulong)fd, (ulong)buffer, count);
        public static long Read(int fd, byte* buffer, ulong count) => Syscall.Invoke(Syscall.Read, (ulong)fd, (ulong)buffer, count);
        public static long Close(int fd) => Syscall.Invoke(Syscall.Close, (ulong)fd);

        // pipe(2): fds[0] reads, fds[1] writes.
        public static long Pipe(int* fds) => Syscall.Invoke(Syscall.Pipe, (ulong)fds);
        public static long GetPid() => Syscall.Invoke(Syscall.Getpid);

        // The CPU this thread runs on (it may move right after), or -errno.
        public static long GetCpu()
        {
            uint cpu;
            long result = Syscall.Invoke(Syscall.Getcpu, (ulong)&cpu, 0, 0);
            return result < 0 ? result : cpu;
        }
        public static long GetTid() => Syscall.Invoke(Syscall.Gettid);
        public static long Fork() => Syscall.Invoke(Syscall.Fork);

        // wait4(pid, &status, 0, NULL): the pid reaped (status filled), or -errno.
        public static long Wait(long pid, out int status)
        {
            int word = 0;
            long result = Syscall.Invoke(Syscall.Wait4, (ulong)pid, (ulong)&word, 0);
            status = word;
            return result;
        }

        // Start the program (GRUB module) `name` as a child process (cosmos_spawn).
        public static long Spawn(string name)
        {
            byte* text = stackalloc byte[PathCapacity];
            return ToCString(name, text, PathCapacity) ? Syscall.Invoke(Syscall.CosmosSpawn, (ulong)text) : -ENAMETOOLONG;
        }

        private const int PathCapacity = 128, ENAMETOOLONG = 36, EINVAL = 22;

        // `text` as a NUL-terminated string in `buffer` (capacity bytes); false when it
        // does not fit.
        private static bool ToCString(string text, byte* buffer, int capacity)
        {
            if (text.Length >= capacity)
                return false;
            for (int i = 0; i < text.Length; i++)
                buffer[i] = (byte)text[i];
            buffer[text.Length] = 0;
            return true;
        }

        // Linux's wait status encoding.
        public static bool Exited(int status) => (status & 0x7F) == 0;
        public static int ExitCode(int status) => (status >> 8) & 0xFF;
        public static int TermSignal(int status) => status & 0x7F;
        public static void Yield() => Syscall.Invoke(Syscall.SchedYield);

        public const int FutexWaitPrivate = 128, FutexWakePrivate = 129;
        public static long FutexWait(int* word, int expected) => Syscall.Invoke(Syscall.Futex, (ulong)word, FutexWaitPrivate, (ulong)(uint)expected);
        public static long FutexWake(int* word, int count) => Syscall.Invoke(Syscall.Futex, (ulong)word, FutexWakePrivate, (ulong)count);

        // CLOCK_MONOTONIC in nanoseconds, or a negative errno.
        public static long MonotonicNanoseconds()
        {
            long* timespec = stackalloc long[2];
            long result = Syscall.Invoke(Syscall.ClockGettime, 1, (ulong)timespec);
            return result < 0 ? result : timespec[0] * 1000000000 + timespec[1];
        }

        public static long SleepNanoseconds(long nanoseconds)
        {
            long* timespec = stackalloc long[2];
            timespec[0] = nanoseconds / 1000000000;
            timespec[1] = nanoseconds % 1000000000;
            return Syscall.Invoke(Syscall.Nanosleep, (ulong)timespec, 0);
        }

        public static long Mmap(ulong address, ulong length, int protection, int flags)
            => Syscall.Invoke(Syscall.Mmap, address, length, (ulong)protection, (ulong)flags, unchecked((ulong)-1), 0);

        // Map `length` bytes of an open file from `offset` (page aligned).
        public static long MmapFile(ulong address, ulong length, int protection, int flags, int fd, ulong offset)
            => Syscall.Invoke(Syscall.Mmap, address, length, (ulong)protection, (ulong)flags, (ulong)fd, offset);

        // Open a file read-only (the GRUB modules: /modules/NAME); an fd or -errno.
        public static long Open(string path)
        {
            byte* text = stackalloc byte[PathCapacity];
            return ToCString(path, text, PathCapacity) ? Syscall.Invoke(Syscall.Open, (ulong)text, 0) : -ENAMETOOLONG;
        }

        public static long Munmap(ulong address, ulong length) => Syscall.Invoke(Syscall.Munmap, address, length);
        public static long Mprotect(ulong address, ulong length, int protection) => Syscall.Invoke(Syscall.Mprotect, address, length, (ulong)protection);

        public static void Exit(int status)
        {
            Syscall.Invoke(Syscall.ExitGroup, (ulong)status);
        }

        // struct utsname field `index` (0 sysname .. 4 machine), or null.
        public static string UnameField(int index)
        {
            byte* buffer = stackalloc byte[65 * 6];
            if (Syscall.Invoke(Syscall.Uname, (ulong)buffer) != 0)
                return null;
            return CString(buffer + 65 * index, 65);
        }

        // The user-copy strategy the kernel booted with (cosmos_vmm_info).
        public static string CopyStrategy()
        {
            VmmInfo info;
            return GetVmmInfo(&info) ? CString((byte*)&info, 16) : null;
        }

        public static bool GetVmmInfo(VmmInfo* info) => Syscall.Invoke(Syscall.CosmosVmmInfo, (ulong)info, 0) == 0;

        // The same after a collection of the kernel heap (`lab` and `bench` boots only):
        // 0 or -errno.
        public static long GetVmmInfoAfterCollection(VmmInfo* info) => Syscall.Invoke(Syscall.CosmosVmmInfo, (ulong)info, 1);

        // Switch the kernel's user-copy strategy (cosmos_set_strategy): 0, or -EPERM
        // unless the kernel booted with the `lab` option, -EINVAL for an unknown name.
        public static long SetStrategy(string name)
        {
            byte* text = stackalloc byte[16];
            return ToCString(name, text, 16) ? Syscall.Invoke(Syscall.CosmosSetStrategy, (ulong)text) : -EINVAL;
        }

        // cosmos_bench op 2 (the kernel's Syscalls/LockFairness.cs): 4 kernel threads take
        // one lock 100 times each; kind 0 is the FIFO mutex, 1 the test-and-set spinlock.
        // 0, or -errno.
        public static long MeasureLockFairness(ulong kind, LockFairnessResult* result)
            => Syscall.Invoke(Syscall.CosmosBench, 2, (ulong)result, 0, kind, 0, 0);

        public static string CString(byte* text, int max)
        {
            int length = 0;
            while (length < max && text[length] != 0)
                length++;
            char* chars = stackalloc char[length + 1];
            for (int i = 0; i < length; i++)
                chars[i] = (char)text[i];
            return new string(chars, 0, length);
        }
    }

    // What MeasureLockFairness fills in (the kernel's LockFairness.LockFairnessResult).
    public struct LockFairnessResult
    {
        public long Acquisitions;
        public long WorstOvertaken;    // acquisitions by others while one thread waited, at worst
        public long WorstWaitCycles;
        public long MedianWaitCycles;

        // "lock=NAME threads=4 acquisitions=... median_wait_cycles=...": the fields of the
        // machine-readable lines (bench's BENCH fairness, racelab's FAIRNESS).
        public string Fields(string name)
            => "lock=" + name + " threads=4 acquisitions=" + Acquisitions.ToString() + " worst_overtaken=" + WorstOvertaken.ToString()
                + " worst_wait_cycles=" + WorstWaitCycles.ToString() + " median_wait_cycles=" + MedianWaitCycles.ToString();
    }
}
