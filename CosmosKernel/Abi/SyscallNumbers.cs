namespace CosmosKernel.Abi
{
    // Linux x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl), plus the
    // project's own from 1024 (above Linux's, so a Linux program never hits one by
    // accident). One definition: the kernel's dispatch table and the user runtime's
    // stubs compile this file; the C and assembly programs include cosmos_abi.h / .inc,
    // generated from it at build time (CosmosKernel.AbiHeaders).
    public static class SyscallNumbers
    {
        public const ulong Open = 2, Openat = 257, Creat = 85;
        public const ulong Stat = 4, Fstat = 5, Lstat = 6, Newfstatat = 262, Statx = 332, Access = 21, Faccessat = 269, Faccessat2 = 439;
        public const ulong Getcwd = 79, Chdir = 80, Fchdir = 81, Umask = 95, Getdents64 = 217;
        public const ulong Mkdir = 83, Mkdirat = 258, Rmdir = 84, Unlink = 87, Unlinkat = 263;
        public const ulong Rename = 82, Renameat = 264, Renameat2 = 316, Link = 86, Linkat = 265;
        public const ulong Symlink = 88, Symlinkat = 266, Readlink = 89, Readlinkat = 267;
        public const ulong Truncate = 76, Ftruncate = 77, Chmod = 90, Fchmod = 91, Fchmodat = 268;
        public const ulong Read = 0, Write = 1, Close = 3, Mmap = 9, Mprotect = 10, Munmap = 11, Brk = 12, Pipe = 22, Pipe2 = 293;
        public const ulong Execve = 59, Execveat = 322, Poll = 7, Ppoll = 271;
        public const ulong Getrlimit = 97, Setrlimit = 160, Prlimit64 = 302, Prctl = 157, Time = 201, Rseq = 334;
        public const ulong SchedYield = 24, Nanosleep = 35, Getpid = 39, Clone = 56, Fork = 57, Exit = 60, Wait4 = 61;
        public const ulong Uname = 63, ArchPrctl = 158, Gettid = 186, Futex = 202, ClockGettime = 228, ExitGroup = 231, Getcpu = 309;
        public const ulong RtSigprocmask = 14, SetTidAddress = 218, SetRobustList = 273;
        public const ulong ClockNanosleep = 230, ClockGetres = 229, Times = 100, Getrusage = 98, Madvise = 28, Mremap = 25;
        public const ulong Setpgid = 109, Getpgrp = 111, Setsid = 112, Getpgid = 121, Getsid = 124;
        public const ulong RtSigaction = 13, RtSigreturn = 15, Kill = 62, Sigaltstack = 131, Tkill = 200, Tgkill = 234;
        public const ulong Sysinfo = 99, Getuid = 102, Getgid = 104, Geteuid = 107, Getegid = 108, Getppid = 110, Getrandom = 318;
        public const ulong Lseek = 8, Pread64 = 17, Pwrite64 = 18, Readv = 19, Writev = 20;
        public const ulong Dup = 32, Dup2 = 33, Fcntl = 72, Dup3 = 292, Ioctl = 16;

        // cosmos_vmm_info(struct cosmos_vmm_info* out): the user-copy strategy in use and
        // the frame and fault counters (layout: Abi/VmmInfo.cs).
        public const ulong CosmosVmmInfo = 1024;
        // cosmos_set_strategy(const char* name): switch the user-copy strategy (the `lab`
        // boot option only; EPERM otherwise).
        public const ulong CosmosSetStrategy = 1026;
        // cosmos_double_fetch_demo(struct request*, int fetchTwice): race-lab scenario 4
        // (Lab/DoubleFetchDemo.cs). This and cosmos_bench: `lab` or `bench` only.
        public const ulong CosmosDoubleFetchDemo = 1027;
        // cosmos_bench(op, user buffer, size, direction, iterations): TSC-timed user
        // copies and memcpy for the benchmarks (Lab/CopyBenchmark.cs); op 2, with
        // direction = the lock kind: lock fairness (Lab/LockFairness.cs).
        public const ulong CosmosBench = 1028;
        // cosmos_lock_stats(struct abi_lock_stat* out, unsigned long count): lock
        // contention per lock class since boot (layout: Abi/LockStat.cs); fills up to
        // `count` records, one per class in class order, and returns how many classes
        // there are.
        public const ulong CosmosLockStats = 1029;

        // cosmos_spawn(const char* module_name): start a GRUB module as a child process.
        public const ulong CosmosSpawn = 1025;
    }
}
