using CosmosKernel.Abi;
namespace CosmosKernel.Userland.Runtime
{
    // Typed wrappers with Linux's names and meanings (results are -errno on failure).
    public static unsafe class Sys
    {
        public static long Write(int fd, byte* buffer, ulong count) => Syscall.Invoke(SyscallNumbers.Write, (ulong)fd, (ulong)buffer, count);
        public static long Read(int fd, byte* buffer, ulong count) => Syscall.Invoke(SyscallNumbers.Read, (ulong)fd, (ulong)buffer, count);
        public static long Close(int fd) => Syscall.Invoke(SyscallNumbers.Close, (ulong)fd);

        // pipe(2): fds[0] reads, fds[1] writes.
        public static long Pipe(int* fds) => Syscall.Invoke(SyscallNumbers.Pipe, (ulong)fds);
        public static long GetPid() => Syscall.Invoke(SyscallNumbers.Getpid);

        // The CPU this thread runs on (it may move right after), or -errno.
        public static long GetCpu()
        {
            uint cpu;
            long result = Syscall.Invoke(SyscallNumbers.Getcpu, (ulong)&cpu, 0, 0);
            return result < 0 ? result : cpu;
        }
        public static long GetTid() => Syscall.Invoke(SyscallNumbers.Gettid);
        public static long Fork() => Syscall.Invoke(SyscallNumbers.Fork);

        // wait4(pid, &status, 0, NULL): the pid reaped (status filled), or -errno.
        public static long Wait(long pid, out int status)
        {
            int word = 0;
            long result = Syscall.Invoke(SyscallNumbers.Wait4, (ulong)pid, (ulong)&word, 0);
            status = word;
            return result;
        }

        // Start the program (GRUB module) `name` as a child process (cosmos_spawn).
        public static long Spawn(string name)
        {
            byte* text = stackalloc byte[PathCapacity];
            return ToCString(name, text, PathCapacity) ? Syscall.Invoke(SyscallNumbers.CosmosSpawn, (ulong)text) : -Errno.ENAMETOOLONG;
        }

        private const int PathCapacity = 128;

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
        public static bool Exited(int status) => WaitStatus.Exited(status);
        public static int ExitCode(int status) => WaitStatus.ExitCode(status);
        public static int TermSignal(int status) => WaitStatus.TermSignal(status);
        public static void Yield() => Syscall.Invoke(SyscallNumbers.SchedYield);

        public static long FutexWait(int* word, int expected) => Syscall.Invoke(SyscallNumbers.Futex, (ulong)word, FutexOps.WaitPrivate, (ulong)(uint)expected);
        public static long FutexWake(int* word, int count) => Syscall.Invoke(SyscallNumbers.Futex, (ulong)word, FutexOps.WakePrivate, (ulong)count);

        // CLOCK_MONOTONIC in nanoseconds, or a negative errno.
        public static long MonotonicNanoseconds()
        {
            long* timespec = stackalloc long[2];
            long result = Syscall.Invoke(SyscallNumbers.ClockGettime, ClockIds.Monotonic, (ulong)timespec);
            return result < 0 ? result : timespec[0] * 1000000000 + timespec[1];
        }

        public static long SleepNanoseconds(long nanoseconds)
        {
            long* timespec = stackalloc long[2];
            timespec[0] = nanoseconds / 1000000000;
            timespec[1] = nanoseconds % 1000000000;
            return Syscall.Invoke(SyscallNumbers.Nanosleep, (ulong)timespec, 0);
        }

        public static long Mmap(ulong address, ulong length, int protection, int flags)
            => Syscall.Invoke(SyscallNumbers.Mmap, address, length, (ulong)protection, (ulong)flags, unchecked((ulong)-1), 0);

        // Map `length` bytes of an open file from `offset` (page aligned).
        public static long MmapFile(ulong address, ulong length, int protection, int flags, int fd, ulong offset)
            => Syscall.Invoke(SyscallNumbers.Mmap, address, length, (ulong)protection, (ulong)flags, (ulong)fd, offset);

        // Open a file read-only (the GRUB modules: /modules/NAME); an fd or -errno.
        public static long Open(string path)
        {
            byte* text = stackalloc byte[PathCapacity];
            return ToCString(path, text, PathCapacity) ? Syscall.Invoke(SyscallNumbers.Open, (ulong)text, 0) : -Errno.ENAMETOOLONG;
        }

        public static long Munmap(ulong address, ulong length) => Syscall.Invoke(SyscallNumbers.Munmap, address, length);
        public static long Mprotect(ulong address, ulong length, int protection) => Syscall.Invoke(SyscallNumbers.Mprotect, address, length, (ulong)protection);

        public static void Exit(int status)
        {
            Syscall.Invoke(SyscallNumbers.ExitGroup, (ulong)status);
        }

        // struct utsname field `index` (0 sysname .. 4 machine), or null.
        public static string UnameField(int index)
        {
            byte* buffer = stackalloc byte[65 * 6];
            if (Syscall.Invoke(SyscallNumbers.Uname, (ulong)buffer) != 0)
                return null;
            return CString(buffer + 65 * index, 65);
        }

        // The user-copy strategy the kernel booted with (cosmos_vmm_info).
        public static string CopyStrategy()
        {
            VmmInfo info;
            return GetVmmInfo(&info) ? CString((byte*)&info, VmmInfo.StrategyNameBytes) : null;
        }

        public static bool GetVmmInfo(VmmInfo* info) => Syscall.Invoke(SyscallNumbers.CosmosVmmInfo, (ulong)info, 0) == 0;

        // The kernel's lock contention for the lock class `name` since boot (every
        // thread, every CPU: cosmos_lock_stats): false if the kernel has no such class.
        public static bool LockClassWaits(string name, out ulong waits, out ulong waitCycles)
        {
            const int MaxClasses = 64;
            LockStat* stats = stackalloc LockStat[MaxClasses];
            long classes = Syscall.Invoke(SyscallNumbers.CosmosLockStats, (ulong)stats, MaxClasses);
            for (long i = 0; i < classes && i < MaxClasses; i++)
            {
                if (CString((byte*)&stats[i].Name0, LockStat.NameBytes) == name)
                {
                    waits = stats[i].Waits;
                    waitCycles = stats[i].WaitCycles;
                    return true;
                }
            }
            waits = waitCycles = 0;
            return false;
        }

        // The same after a collection of the kernel heap (`lab` and `bench` boots only):
        // 0 or -errno.
        public static long GetVmmInfoAfterCollection(VmmInfo* info) => Syscall.Invoke(SyscallNumbers.CosmosVmmInfo, (ulong)info, VmmInfo.CollectFlag);

        // The counters once teardowns in progress are over. A thread that exited is off
        // its kernel stack (64 KiB of frames) only at its CPU's next switch, after its
        // tid word was cleared and its joiner woken, so the joiner can read the counters
        // first. Read until the frame count is the same three times 2 ms apart (at most
        // 100 reads): a leak stays, a teardown in progress does not. `collect`: after a
        // heap collection each time (the lab and bench boots only).
        public static void GetSettledVmmInfo(VmmInfo* info, bool collect)
        {
            Read(info, collect);
            int same = 0;
            for (int read = 0; read < 100 && same < 2; read++)
            {
                ulong frames = info->FramesUsed;
                SleepNanoseconds(2_000_000);
                Read(info, collect);
                same = info->FramesUsed == frames ? same + 1 : 0;
            }

            static void Read(VmmInfo* info, bool collect)
            {
                if (collect)
                    GetVmmInfoAfterCollection(info);
                else
                    GetVmmInfo(info);
            }
        }

        // Switch the kernel's user-copy strategy (cosmos_set_strategy): 0, or -EPERM
        // unless the kernel booted with the `lab` option, -Errno.EINVAL for an unknown name.
        public static long SetStrategy(string name)
        {
            byte* text = stackalloc byte[16];
            return ToCString(name, text, 16) ? Syscall.Invoke(SyscallNumbers.CosmosSetStrategy, (ulong)text) : -Errno.EINVAL;
        }

        // cosmos_bench op LockFairnessResult.BenchOp (the kernel's Lab/LockFairness.cs):
        // 4 kernel threads take one lock 100 times each; kind LockFairnessResult.FifoMutex
        // or SpinLock (test-and-set). 0, or -errno.
        public static long MeasureLockFairness(ulong kind, LockFairnessResult* result)
            => Syscall.Invoke(SyscallNumbers.CosmosBench, LockFairnessResult.BenchOp, (ulong)result, 0, kind, 0, 0);

        // "lock=NAME threads=4 acquisitions=... median_wait_cycles=...": the fields of the
        // machine-readable lines (bench's BENCH fairness, racelab's FAIRNESS).
        public static string FairnessFields(LockFairnessResult result, string name)
            => "lock=" + name + " threads=4 acquisitions=" + result.Acquisitions.ToString() + " worst_overtaken=" + result.WorstOvertaken.ToString()
                + " worst_wait_cycles=" + result.WorstWaitCycles.ToString() + " median_wait_cycles=" + result.MedianWaitCycles.ToString();

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
}
