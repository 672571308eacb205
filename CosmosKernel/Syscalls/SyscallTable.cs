using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Processes;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Syscalls
{
    // The syscall dispatcher: Linux's numbers, registers and negative errnos. Every
    // pointer from user space goes through the user-copy routines (so the strategy
    // chosen at boot is the one that runs); every argument is checked; nothing a
    // program passes can panic the kernel.
    //
    // This file is the dispatch table; each family of syscalls is in a file of its own
    // (MemorySyscalls.cs, FileSyscalls.cs, ProcessSyscalls.cs, FutexSyscalls.cs,
    // SignalSyscalls.cs, TimeSyscalls.cs, InfoSyscalls.cs, LabSyscalls.cs). The numbers and flags are
    // Abi/'s, shared with the user runtime.
    public sealed unsafe partial class SyscallTable
    {
        // The table syscalls reach: the syscall entry is a bare function pointer, so
        // Dispatch finds the object here. Null until the Kernel built it (a syscall
        // before that finds no process and answers EPERM, as any kernel thread would).
        private static SyscallTable s_table;

        private readonly ProgramRunner _programs;
        private readonly Scheduler _scheduler;
        private readonly Vmm _vmm;
        private readonly Memory.UserCopy.UserCopier _copier;
        private readonly Futexes _futexes;
        private readonly SignalDelivery _signals;
        private readonly Ramdisk _ramdisk;
        private readonly FileSystem.FileTree _tree;
        private readonly LockStatistics _lockStatistics;
        private readonly Lab.DoubleFetchDemo _doubleFetch;   // these three: null without _labSyscalls
        private readonly Lab.CopyBenchmark _copyBenchmark;
        private readonly Lab.LockFairness _lockFairness;
        // Whether user space may use the lab's and the benchmarks' syscalls (switch the
        // user-copy strategy, the double-fetch demo, the timed copies, lock fairness):
        // only when booted with `lab` or `bench`; EPERM otherwise, as they let one
        // program hold every CPU's kernel work or switch how every copy is made.
        private readonly bool _labSyscalls;
        // A strategy= option fixed the user-copy strategy: cosmos_set_strategy is EPERM.
        private readonly bool _strategyFixed;

        public SyscallTable(ProgramRunner programs, SignalDelivery signals, Scheduler scheduler, Vmm vmm, Memory.UserCopy.UserCopier copier,
            Futexes futexes, Ramdisk ramdisk, FileSystem.FileTree tree, LockStatistics lockStatistics, bool labSyscalls, bool strategyFixed)
        {
            _tree = tree;
            _signals = signals;
            _lockStatistics = lockStatistics;
            _programs = programs;
            _scheduler = scheduler;
            _vmm = vmm;
            _copier = copier;
            _futexes = futexes;
            _ramdisk = ramdisk;
            _labSyscalls = labSyscalls;
            _strategyFixed = strategyFixed;
            if (labSyscalls)
            {
                _doubleFetch = new Lab.DoubleFetchDemo(scheduler, copier);
                _copyBenchmark = new Lab.CopyBenchmark(scheduler, copier);
                _lockFairness = new Lab.LockFairness(scheduler, copier);
            }
            s_table = this;
        }

        // The syscall MSRs. Dispatch is what a syscall runs: the kernel's plug of
        // Cosmos.HAL.UserMode.HandleSyscall (Plugs/SyscallPlug.cs).
        public static void Install() => UserMode.Initialize();

        // Every syscall runs on whatever CPU made it, at the same time as any other,
        // under the locks of what it touches (docs/architecture.md, "Locks, in the order
        // they are taken"). On the way out, a thread whose process is ending ends, and
        // a pending signal's handler is entered (Processes/SignalDelivery).
        internal static void Dispatch(SyscallFrame* frame)
        {
            SyscallTable table = s_table;
            if (table == null)
            {
                frame->Rax = unchecked((ulong)-Errno.EPERM);
                return;
            }
            ulong number = frame->Rax;
            if (number == SyscallNumbers.RtSigreturn && table._programs.Current != null)
            {
                table._signals.Sigreturn(frame); // returns to ring 3 itself, or ends the program
                return;
            }
            frame->Rax = (ulong)table.Handle(frame, number, frame->Rdi, frame->Rsi, frame->Rdx, frame->R10, frame->R8, frame->R9);
            table._programs.BeforeReturnToUser();
            SignalDelivery.AtSyscallReturn(frame, number);
        }

        private long Handle(SyscallFrame* frame, ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
        {
            Process process = _programs.Current;
            if (process == null)
                return -Errno.EPERM;
            switch (number)
            {
                case SyscallNumbers.Write: return Sigpipe(process, Write(process, a0, a1, a2));
                case SyscallNumbers.Read: return Read(process, a0, a1, a2);
                case SyscallNumbers.Close: return process.Close(a0) ? 0 : -Errno.EBADF;
                case SyscallNumbers.Readv: return Vectored(process, a0, a1, a2, write: false);
                case SyscallNumbers.Writev: return Sigpipe(process, Vectored(process, a0, a1, a2, write: true));
                case SyscallNumbers.Pread64: return Positional(process, a0, a1, a2, a3, write: false);
                case SyscallNumbers.Pwrite64: return Positional(process, a0, a1, a2, a3, write: true);
                case SyscallNumbers.Lseek: return Lseek(process, a0, a1, a2);
                case SyscallNumbers.Dup: return process.Files.Duplicate((uint)a0, 0, closeOnExec: false);
                case SyscallNumbers.Dup2: return Dup2(process, a0, a1);
                case SyscallNumbers.Dup3: return Dup3(process, a0, a1, a2);
                case SyscallNumbers.Fcntl: return Fcntl(process, a0, a1, a2);
                case SyscallNumbers.Ioctl: return Ioctl(process, a0, (uint)a1, a2);
                case SyscallNumbers.Pipe: return Pipe(process, a0, 0);
                case SyscallNumbers.Pipe2: return Pipe(process, a0, a1);
                case SyscallNumbers.Mmap: return Mmap(process, a0, a1, a2, a3, a4, a5);
                case SyscallNumbers.Open: return Open(process, OpenFlags.AtFdCwd, a0, a1, a2);
                case SyscallNumbers.Openat: return Open(process, (long)a0, a1, a2, a3);
                case SyscallNumbers.Creat: return Open(process, OpenFlags.AtFdCwd, a0, OpenFlags.Create | OpenFlags.Truncate | 1, a1);
                case SyscallNumbers.Mkdir: return Mkdir(process, OpenFlags.AtFdCwd, a0, a1);
                case SyscallNumbers.Mkdirat: return Mkdir(process, (long)a0, a1, a2);
                case SyscallNumbers.Rmdir: return Unlink(process, OpenFlags.AtFdCwd, a0, AtFlags.RemoveDir);
                case SyscallNumbers.Unlink: return Unlink(process, OpenFlags.AtFdCwd, a0, 0);
                case SyscallNumbers.Unlinkat: return Unlink(process, (long)a0, a1, a2);
                case SyscallNumbers.Rename: return Rename(process, OpenFlags.AtFdCwd, a0, OpenFlags.AtFdCwd, a1, 0);
                case SyscallNumbers.Renameat: return Rename(process, (long)a0, a1, (long)a2, a3, 0);
                case SyscallNumbers.Renameat2: return Rename(process, (long)a0, a1, (long)a2, a3, a4);
                case SyscallNumbers.Link: return Link(process, OpenFlags.AtFdCwd, a0, OpenFlags.AtFdCwd, a1, 0);
                case SyscallNumbers.Linkat: return Link(process, (long)a0, a1, (long)a2, a3, a4);
                case SyscallNumbers.Symlink: return Symlink(process, a0, OpenFlags.AtFdCwd, a1);
                case SyscallNumbers.Symlinkat: return Symlink(process, a0, (long)a1, a2);
                case SyscallNumbers.Readlink: return Readlink(process, OpenFlags.AtFdCwd, a0, a1, a2);
                case SyscallNumbers.Readlinkat: return Readlink(process, (long)a0, a1, a2, a3);
                case SyscallNumbers.Getcwd: return Getcwd(process, a0, a1);
                case SyscallNumbers.Chdir: return Chdir(process, a0);
                case SyscallNumbers.Fchdir: return Fchdir(process, a0);
                case SyscallNumbers.Umask: return Umask(process, a0);
                case SyscallNumbers.Access: return Access(process, OpenFlags.AtFdCwd, a0, a1, 0);
                case SyscallNumbers.Faccessat: return Access(process, (long)a0, a1, a2, 0);
                case SyscallNumbers.Faccessat2: return Access(process, (long)a0, a1, a2, a3);
                case SyscallNumbers.Getdents64: return Getdents64(process, a0, a1, a2);
                case SyscallNumbers.Truncate: return Truncate(process, a0, a1);
                case SyscallNumbers.Ftruncate: return Ftruncate(process, a0, a1);
                case SyscallNumbers.Chmod: return Chmod(process, OpenFlags.AtFdCwd, a0, a1, 0);
                case SyscallNumbers.Fchmodat: return Chmod(process, (long)a0, a1, a2, 0);
                case SyscallNumbers.Fchmod: return Fchmod(process, a0, a1);
                case SyscallNumbers.Stat: return StatPath(process, OpenFlags.AtFdCwd, a0, a1, 0);
                case SyscallNumbers.Lstat: return StatPath(process, OpenFlags.AtFdCwd, a0, a1, AtFlags.SymlinkNoFollow);
                case SyscallNumbers.Newfstatat: return StatPath(process, (long)a0, a1, a2, a3);
                case SyscallNumbers.Fstat: return Fstat(process, a0, a1);
                case SyscallNumbers.Statx: return Statx(process, (long)a0, a1, a2, a3, a4);
                case SyscallNumbers.Munmap: return process.Space.Unmap(a0, a1);
                case SyscallNumbers.Mprotect: return process.Space.Protect(a0, a1, (long)a2);
                case SyscallNumbers.Madvise: return process.Space.Advise(a0, a1, (int)a2);
                case SyscallNumbers.Mremap: return process.Space.Remap(a0, a1, a2, a3, a4);
                case SyscallNumbers.Brk: return Brk(process, a0);
                case SyscallNumbers.Exit:
                    _programs.ExitThread((int)a0);
                    return 0;
                case SyscallNumbers.ExitGroup:
                    _programs.ExitGroup((int)a0);
                    return 0;
                case SyscallNumbers.Getpid: return process.Pid;
                case SyscallNumbers.Gettid: return _programs.CurrentThread.Tid;
                case SyscallNumbers.SchedYield:
                    _scheduler.RunReadyThreads();
                    return 0;
                case SyscallNumbers.Clone: return Clone(process, frame, a0, a1, a2, a3, a4);
                case SyscallNumbers.SetTidAddress: return SetTidAddress(a0);
                case SyscallNumbers.SetRobustList: return SetRobustList(a0, a1);
                case SyscallNumbers.RtSigprocmask: return RtSigprocmask(process, (long)a0, a1, a2, a3);
                case SyscallNumbers.RtSigaction: return RtSigaction(process, a0, a1, a2, a3);
                case SyscallNumbers.Sigaltstack: return _signals.Sigaltstack(a0, a1, frame->Rsp);
                case SyscallNumbers.Kill: return Kill((int)a0, (int)a1);
                case SyscallNumbers.Tgkill: return Tgkill((int)a0, (int)a1, (int)a2, anyProcess: false);
                case SyscallNumbers.Tkill: return Tgkill(0, (int)a0, (int)a1, anyProcess: true);
                case SyscallNumbers.Getppid: return System.Threading.Volatile.Read(ref process.ParentPid);
                case SyscallNumbers.Getuid:
                case SyscallNumbers.Geteuid:
                case SyscallNumbers.Getgid:
                case SyscallNumbers.Getegid: return 0; // root: the only user there is
                case SyscallNumbers.Getrandom: return Getrandom(process, a0, a1, a2);
                case SyscallNumbers.Sysinfo: return Sysinfo(process, a0);
                case SyscallNumbers.Prlimit64: return Prlimit(process, (int)a0, a1, a2, a3);
                case SyscallNumbers.Getrlimit: return Prlimit(process, 0, a0, 0, a1);
                case SyscallNumbers.Setrlimit: return Prlimit(process, 0, a0, a1, 0);
                case SyscallNumbers.Prctl: return Prctl(process, (int)a0, a1);
                case SyscallNumbers.Time: return Time(process, a0);
                // A kernel built without CONFIG_RSEQ answers ENOSYS, silently, and so
                // does this one: C libraries register rseq at start and go on without.
                case SyscallNumbers.Rseq: return -Errno.ENOSYS;
                case SyscallNumbers.Poll: return Poll(process, a0, a1, (long)a2);
                case SyscallNumbers.Ppoll: return Ppoll(process, a0, a1, a2, a3, a4);
                case SyscallNumbers.Fork: return _programs.Fork(frame);
                case SyscallNumbers.Execve: return Execve(process, frame, OpenFlags.AtFdCwd, a0, a1, a2, 0);
                case SyscallNumbers.Execveat: return Execve(process, frame, (long)a0, a1, a2, a3, a4);
                case SyscallNumbers.Wait4: return _programs.Wait((int)a0, a1, (int)a2, a3);
                case SyscallNumbers.Getpgid: return _programs.GetPgid((int)a0, session: false);
                case SyscallNumbers.Getpgrp: return _programs.GetPgid(0, session: false);
                case SyscallNumbers.Getsid: return _programs.GetPgid((int)a0, session: true);
                case SyscallNumbers.Setpgid: return _programs.SetPgid((int)a0, (int)a1);
                case SyscallNumbers.Setsid: return _programs.SetSid();
                case SyscallNumbers.CosmosSpawn: return Spawn(process, a0);
                case SyscallNumbers.Futex: return Futex(process, a0, a1, a2, a3);
                case SyscallNumbers.ClockGettime: return ClockGettime(process, a0, a1);
                case SyscallNumbers.ClockGetres: return ClockGetres(process, a0, a1);
                case SyscallNumbers.Times: return Times(process, a0);
                case SyscallNumbers.Getrusage: return Getrusage(process, (int)a0, a1);
                case SyscallNumbers.Nanosleep: return Nanosleep(process, a0, a1);
                case SyscallNumbers.ClockNanosleep: return ClockNanosleep(process, a0, a1, a2, a3);
                case SyscallNumbers.Uname: return Uname(process, a0);
                case SyscallNumbers.Getcpu: return Getcpu(process, a0, a1);
                case SyscallNumbers.ArchPrctl: return ArchPrctl(process, a0, a1);
                case SyscallNumbers.CosmosVmmInfo: return GetVmmInfo(process, a0, a1);
                case SyscallNumbers.CosmosLockStats: return GetLockStats(process, a0, a1);
                case SyscallNumbers.CosmosSetStrategy:
                    return _labSyscalls ? SetStrategy(process, a0) : -Errno.EPERM;
                case SyscallNumbers.CosmosDoubleFetchDemo:
                    return _labSyscalls ? _doubleFetch.Handle(process, a0, a1) : -Errno.EPERM;
                case SyscallNumbers.CosmosBench: return _labSyscalls ? Bench(process, a0, a1, a2, a3, a4, a5) : -Errno.EPERM;
                default: return NotImplemented(process, number);
            }
        }

        // -ENOSYS, as Linux answers a number it has no handler for; and, the first time a
        // process calls it, a line that names it (up to Process.MissingNamed numbers a
        // process; then one line saying the rest go unnamed), so a user sees what a
        // program missed: "process 5 (prog): syscall 20 (writev) not implemented, -ENOSYS".
        private static long NotImplemented(Process process, ulong number)
        {
            if (process.FirstMissingCall(number))
            {
                string name = SyscallNames.Of(number);
                Console.WriteLine(ProcessPrefix(process) + "syscall " + number.ToString() + " ("
                    + (name ?? "not a Linux x86-64 syscall") + ") not implemented, -ENOSYS");
            }
            else if (process.FirstMissingOverflow(number))
            {
                Console.WriteLine(ProcessPrefix(process) + "more than " + Process.MissingNamed.ToString()
                    + " syscalls not implemented: the rest are not named");
            }
            return -Errno.ENOSYS;
        }

        private static string ProcessPrefix(Process process) => "process " + process.Pid.ToString() + " (" + process.Name + "): ";

        private const int MaxStringFromUser = 128;

        // A NUL-terminated string from user memory that fits in `max` bytes with its NUL
        // (max <= MaxStringFromUser): 0 and the string, -EFAULT, or -tooLong.
        private long StringFromUser(Process process, ulong address, int max, int tooLong, out string text)
        {
            text = null;
            byte* bytes = stackalloc byte[MaxStringFromUser];
            long length = _copier.StrncpyFromUser(process.Space, bytes, address, (ulong)max);
            if (length < 0)
                return length;
            if (length == max)
                return -tooLong;
            char* chars = stackalloc char[MaxStringFromUser];
            for (int i = 0; i < length; i++)
                chars[i] = (char)bytes[i];
            text = new string(chars, 0, (int)length);
            return 0;
        }
    }
}
