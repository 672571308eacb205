using System;
using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // The syscall dispatcher: Linux's numbers, registers and negative errnos. Every
    // pointer from user space goes through the user-copy routines (so the strategy
    // chosen at boot is the one that runs); every argument is checked; nothing a
    // program passes can panic the kernel.
    public static unsafe class SyscallTable
    {
        private const int ArchSetFs = 0x1002, ArchGetFs = 0x1003;

        public static long Calls;

        // The syscall MSRs. Dispatch is what a syscall runs: the kernel's plug of
        // Cosmos.HAL.UserMode.HandleSyscall (Plugs/SyscallPlug.cs), which also puts every
        // syscall and every interrupt from ring 3 under the kernel lock.
        public static void Install() => UserMode.Initialize();

        internal static void Dispatch(SyscallFrame* frame)
        {
            Calls++;
            frame->Rax = (ulong)Handle(frame, frame->Rax, frame->Rdi, frame->Rsi, frame->Rdx, frame->R10, frame->R8, frame->R9);
            ProgramRunner.EndThreadIfProcessExiting();
        }

        private static long Handle(SyscallFrame* frame, ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
        {
            Process process = ProgramRunner.Current;
            if (process == null)
                return -Errno.EPERM;
            switch (number)
            {
                case SyscallNumbers.Write: return Write(process, a0, a1, a2);
                case SyscallNumbers.Read: return Read(process, a0, a1, a2);
                case SyscallNumbers.Close: return process.Close(a0) ? 0 : -Errno.EBADF;
                case SyscallNumbers.Pipe: return Pipe(process, a0, 0);
                case SyscallNumbers.Pipe2: return Pipe(process, a0, a1);
                case SyscallNumbers.Mmap: return Mmap(process, a0, a1, a2, a3, a4, a5);
                case SyscallNumbers.Open: return Open(process, a0, a1);
                case SyscallNumbers.Openat: return (long)a0 == AtFdCwd ? Open(process, a1, a2) : -Errno.EBADF;
                case SyscallNumbers.Munmap: return process.Space.Unmap(a0, a1);
                case SyscallNumbers.Mprotect: return process.Space.Protect(a0, a1, (long)a2);
                case SyscallNumbers.Brk: return Brk(process, a0);
                case SyscallNumbers.Exit:
                    ProgramRunner.ExitThread((int)a0);
                    return 0;
                case SyscallNumbers.ExitGroup:
                    ProgramRunner.ExitGroup((int)a0);
                    return 0;
                case SyscallNumbers.Getpid: return process.Pid;
                case SyscallNumbers.Gettid: return ProgramRunner.CurrentThread.Tid;
                case SyscallNumbers.SchedYield:
                    Kernel.Scheduler.Yield();
                    return 0;
                case SyscallNumbers.Clone: return Clone(process, frame, a0, a1, a2, a3, a4);
                case SyscallNumbers.Fork: return ProgramRunner.Fork(frame);
                case SyscallNumbers.Wait4:
                    if (a3 != 0)
                        return -Errno.EINVAL; // no rusage
                    return ProgramRunner.Wait((int)a0, a1, a2 > int.MaxValue ? -1 : (int)a2);
                case SyscallNumbers.CosmosSpawn: return Spawn(process, a0);
                case SyscallNumbers.Futex: return Futex(process, a0, a1, a2, a3);
                case SyscallNumbers.ClockGettime: return ClockGettime(process, a0, a1);
                case SyscallNumbers.Nanosleep: return Nanosleep(process, a0);
                case SyscallNumbers.Uname: return Uname(process, a0);
                case SyscallNumbers.Getcpu: return Getcpu(process, a0, a1);
                case SyscallNumbers.ArchPrctl: return ArchPrctl(process, a0, a1);
                case SyscallNumbers.CosmosVmmInfo: return VmmInfo(process, a0, a1);
                case SyscallNumbers.CosmosSetStrategy:
                    return Kernel.LabSyscalls ? SetStrategy(process, a0) : -Errno.EPERM;
                case SyscallNumbers.CosmosDoubleFetchDemo:
                    return Kernel.LabSyscalls ? DoubleFetchDemo.Handle(process, a0, a1) : -Errno.EPERM;
                case SyscallNumbers.CosmosBench:
                    if (!Kernel.LabSyscalls)
                        return -Errno.EPERM;
                    return a0 == 2 ? LockFairness.Run(process, a3, a1) : CopyBenchmark.Handle(process, a0, a1, a2, a3, a4, a5);
                default: return -Errno.ENOSYS;
            }
        }

        private const int MaxStringFromUser = 128;

        // A NUL-terminated string from user memory that fits in `max` bytes with its NUL
        // (max <= MaxStringFromUser): 0 and the string, -EFAULT, or -tooLong.
        private static long StringFromUser(Process process, ulong address, int max, int tooLong, out string text)
        {
            text = null;
            byte* bytes = stackalloc byte[MaxStringFromUser];
            long length = Kernel.UserCopy.StrncpyFromUser(process.Space, bytes, address, (ulong)max);
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

        // cosmos_set_strategy(const char* name): the race lab's `lab` mode runs every
        // scenario under every strategy in one boot. EPERM when strategy= fixed it. A copy already in flight finishes
        // with the strategy it started with; mixing is safe because munmap, mprotect and
        // fork honour page locks and pins whatever strategy took them.
        private static long SetStrategy(Process process, ulong nameAddress)
        {
            if (Kernel.StrategyFixed)
                return -Errno.EPERM;
            long error = StringFromUser(process, nameAddress, 16, Errno.EINVAL, out string name);
            if (error != 0)
                return error;
            Memory.UserCopy.CopyStrategy strategy = Memory.UserCopy.UserCopier.StrategyByName(name);
            if (strategy == null)
                return -Errno.EINVAL;
            if (strategy.Name != Kernel.UserCopy.Strategy.Name)
                Console.WriteLine("vmm: user-copy strategy now " + strategy.Name);
            Kernel.UserCopy.Strategy = strategy;
            return 0;
        }

        // cosmos_spawn(const char* name): start the GRUB module `name` as a child process
        // (the project's stand-in for fork + exec until there is a file system).
        private static long Spawn(Process process, ulong nameAddress)
        {
            long error = StringFromUser(process, nameAddress, 64, Errno.ENAMETOOLONG, out string name);
            if (error != 0)
                return error;
            Multiboot2.Module[] modules = Kernel.Modules;
            for (int i = 0; i < modules.Length; i++)
            {
                if (modules[i].Name != name)
                    continue;
                if (!Limits.HeapHasRoom(Limits.ProcessBytes))
                    return -Errno.ENOMEM;
                Process child = ProgramRunner.Spawn(modules[i], process.Pid);
                return child == null ? -Errno.EAGAIN : child.Pid;
            }
            return -Errno.ENOENT;
        }

        // clone for threads (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, as pthreads use it):
        // the child starts after the syscall on `stack` with rax = 0, the caller's RFLAGS
        // (as Linux copies them; sanitised: interrupts on, IOPL 0) and its other
        // registers zero (a clone stub keeps what it needs on the new stack, as glibc's
        // does). A clone that makes a new process: use fork (clone answers ENOSYS).
        private const ulong CloneVm = 0x100, CloneSighand = 0x800, CloneThread = 0x10000, CloneSetTls = 0x80000;
        private const ulong CloneParentSetTid = 0x100000, CloneChildClearTid = 0x200000, CloneChildSetTid = 0x1000000;
        private const ulong CloneKnown = CloneVm | 0x200 /* FS */ | 0x400 /* FILES */ | CloneSighand | CloneThread | 0x40000 /* SYSVSEM */
            | CloneSetTls | CloneParentSetTid | CloneChildClearTid | CloneChildSetTid;

        private static long Clone(Process process, SyscallFrame* frame, ulong flags, ulong stack, ulong parentTid, ulong childTid, ulong tls)
        {
            if ((flags & (CloneVm | CloneThread | CloneSighand)) != (CloneVm | CloneThread | CloneSighand))
                return (flags & CloneThread) != 0 ? -Errno.EINVAL : -Errno.ENOSYS;
            if ((flags & ~(CloneKnown | 0xFF)) != 0)
                return -Errno.EINVAL;
            if (stack == 0 || !Memory.UserCopy.UserCopier.RangeIsUser(stack - 8, 8))
                return -Errno.EINVAL;
            if ((flags & CloneSetTls) != 0 && tls >= Paging.UserSpaceEnd)
                return -Errno.EPERM;
            if (!Limits.HeapHasRoom(Limits.ThreadBytes))
                return -Errno.ENOMEM;
            ulong fs = (flags & CloneSetTls) != 0 ? tls : Native.ReadMsr(UserMode.MsrFsBase);
            // The child runs only once its tid words are written: a user copy is a
            // scheduling point, and a child that ran (and exited, clearing its tid word)
            // before the parent wrote the tid would leave a joiner waiting forever.
            Scheduling.KernelThread child = ProgramRunner.StartThread(process, &ProgramRunner.EnterUserMode, frame->Rcx, stack, fs, start: false);
            if (child == null)
                return -Errno.EAGAIN;
            int tid = child.Tid;
            child.UserRflags = UserMode.SanitizeUserRflags(frame->R11);
            if ((flags & CloneChildClearTid) != 0)
                child.ClearChildTid = childTid;
            if ((flags & CloneParentSetTid) != 0)
                Kernel.UserCopy.CopyToUser(process.Space, parentTid, (byte*)&tid, 4);
            if ((flags & CloneChildSetTid) != 0)
                Kernel.UserCopy.CopyToUser(process.Space, childTid, (byte*)&tid, 4);
            Kernel.Scheduler.Start(child.Id);
            return tid;
        }

        private const int FutexWait = 0, FutexWake = 1, FutexPrivate = 128, FutexClockRealtime = 256;

        private static long Futex(Process process, ulong address, ulong operation, ulong value, ulong timeout)
        {
            int op = (int)(operation & ~(ulong)(FutexPrivate | FutexClockRealtime));
            if (operation > 0xFFFF)
                return -Errno.ENOSYS;
            if (op == FutexWait)
            {
                ulong ticks = Futexes.NoTimeout;
                if (timeout != 0)
                {
                    long nanoseconds = ReadTimespec(process, timeout);
                    if (nanoseconds < 0)
                        return nanoseconds;
                    ticks = NanosecondsToTicks((ulong)nanoseconds);
                }
                return Futexes.Wait(process.Space, address, (int)value, ticks);
            }
            if (op == FutexWake)
            {
                long error = Futexes.CheckWakeAddress(process.Space, address, shared: (operation & FutexPrivate) == 0);
                if (error != 0)
                    return error;
                return Futexes.Wake(process.Space, address, value > int.MaxValue ? int.MaxValue : (int)value);
            }
            return -Errno.ENOSYS;
        }

        // CLOCK_REALTIME (there is no RTC reading yet: it counts from boot, like the
        // monotonic clocks), CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME.
        private static long ClockGettime(Process process, ulong clock, ulong timespec)
        {
            if (clock != 0 && clock != 1 && clock != 4 && clock != 7)
                return -Errno.EINVAL;
            ulong perSecond = Pit.TscPerSecond == 0 ? 1000000000 : Pit.TscPerSecond;
            ulong tsc = Native.ReadTimestampCounter();
            ulong* value = stackalloc ulong[2];
            value[0] = tsc / perSecond;
            value[1] = (tsc % perSecond) * 1000000000 / perSecond;
            return Kernel.UserCopy.CopyToUser(process.Space, timespec, (byte*)value, 16) == 0 ? 0 : -Errno.EFAULT;
        }

        private static long Nanosleep(Process process, ulong request)
        {
            long nanoseconds = ReadTimespec(process, request);
            if (nanoseconds < 0)
                return nanoseconds;
            Kernel.Scheduler.Sleep(NanosecondsToTicks((ulong)nanoseconds));
            return process.Exiting ? -Errno.EINTR : 0;
        }

        // A struct timespec as nanoseconds, or -EFAULT / -EINVAL.
        private static long ReadTimespec(Process process, ulong address)
        {
            long* value = stackalloc long[2];
            if (Kernel.UserCopy.CopyFromUser(process.Space, (byte*)value, address, 16) != 0)
                return -Errno.EFAULT;
            if (value[0] < 0 || value[1] < 0 || value[1] >= 1000000000 || value[0] > 1000000000)
                return -Errno.EINVAL;
            return value[0] * 1000000000 + value[1];
        }

        private static ulong NanosecondsToTicks(ulong nanoseconds)
        {
            const ulong TickNanoseconds = 1000000000 / Scheduling.Scheduler.TickHz;
            return (nanoseconds + TickNanoseconds - 1) / TickNanoseconds;
        }

        // read and write: the descriptor and its mode, then the whole user range (Linux's
        // access_ok; issue 16, item 10: a count running past user space was cut and
        // partly done), then at most MAX_RW_COUNT bytes. A range inside user space that
        // runs into unmapped memory moves the bytes before the hole, as on Linux.
        private static long Write(Process process, ulong fd, ulong buffer, ulong count)
        {
            OpenFile file = process.File(fd);
            if (file == null || !file.Writable)
                return -Errno.EBADF;
            if (!Memory.UserCopy.UserCopier.AccessOk(buffer, count))
                return -Errno.EFAULT;
            return file.Write(process, buffer, count > MaxIo ? MaxIo : count);
        }

        private static long Read(Process process, ulong fd, ulong buffer, ulong count)
        {
            OpenFile file = process.File(fd);
            if (file == null || !file.Readable)
                return -Errno.EBADF;
            if (!Memory.UserCopy.UserCopier.AccessOk(buffer, count))
                return -Errno.EFAULT;
            return file.Read(process, buffer, count > MaxIo ? MaxIo : count);
        }

        private const ulong MaxIo = 0x7FFFF000; // Linux's MAX_RW_COUNT
        private const ulong PipeCloexec = 0x80000, PipeNonblock = 0x800;

        // pipe / pipe2: two descriptors, [0] the read end, [1] the write end.
        private static long Pipe(Process process, ulong fds, ulong flags)
        {
            if ((flags & ~PipeCloexec) != 0)
                return -Errno.EINVAL; // O_NONBLOCK and O_DIRECT are not supported
            if (OpenFile.Count + 2 > Limits.OpenFiles)
                return -Errno.ENFILE;
            if (!Limits.HeapHasRoom(2 * Limits.FileBytes))
                return -Errno.ENOMEM;
            var pipe = new Processes.Pipe();
            var reader = new PipeEnd(pipe, writer: false);
            var writer = new PipeEnd(pipe, writer: true);
            int readFd = process.AddFile(reader);
            int writeFd = readFd < 0 ? -1 : process.AddFile(writer);
            if (writeFd < 0)
            {
                if (readFd >= 0)
                    process.Close((ulong)readFd);
                return -Errno.EMFILE;
            }
            int* pair = stackalloc int[2];
            pair[0] = readFd;
            pair[1] = writeFd;
            if (Kernel.UserCopy.CopyToUser(process.Space, fds, (byte*)pair, 8) != 0)
            {
                process.Close((ulong)readFd);
                process.Close((ulong)writeFd);
                return -Errno.EFAULT;
            }
            return 0;
        }

        // The checks that need the file table come here, the rest in AddressSpace.Map,
        // together in Linux's order: an unaligned offset is EINVAL before the file is
        // looked up (x86's sys_mmap), the bad descriptor before everything else.
        private static long Mmap(Process process, ulong address, ulong length, ulong protection, ulong flags, ulong fd, ulong offset)
        {
            if (!Paging.IsPageAligned(offset) || protection > int.MaxValue || flags > int.MaxValue)
                return -Errno.EINVAL;
            if (!Limits.HeapHasRoom(Limits.RegionBytes))
                return -Errno.ENOMEM;
            if (((int)flags & MapFlags.Anonymous) != 0)
                return process.Space.Map(address, length, (int)protection, (int)flags, null, offset);
            if (!(process.File(fd) is RamdiskFileHandle handle))
                return process.File(fd) == null ? -Errno.EBADF : -Errno.ENODEV; // pipes and the console do not map
            return process.Space.Map(address, length, (int)protection, (int)flags, handle.File, offset);
        }

        private const long AtFdCwd = -100;
        private const ulong OpenAccessMode = 3, OpenCreate = 0x40, OpenTruncate = 0x200;

        // open(path, flags): the GRUB modules as /modules/NAME, read-only.
        private static long Open(Process process, ulong pathAddress, ulong flags)
        {
            long error = StringFromUser(process, pathAddress, MaxStringFromUser, Errno.ENAMETOOLONG, out string path);
            if (error != 0)
                return error;
            if ((flags & OpenAccessMode) != 0 || (flags & (OpenCreate | OpenTruncate)) != 0)
                return -Errno.EROFS;
            Memory.RamdiskFile file = Ramdisk.Open(path);
            if (file == null)
                return -Errno.ENOENT;
            if (OpenFile.Count + 1 > Limits.OpenFiles)
                return -Errno.ENFILE;
            if (!Limits.HeapHasRoom(Limits.FileBytes))
                return -Errno.ENOMEM;
            int fd = process.AddFile(new RamdiskFileHandle(file));
            return fd < 0 ? -Errno.EMFILE : fd;
        }

        // brk(0) returns the current break; a new break inside [start, start + limit)
        // maps or unmaps whole pages; anything else leaves the break as it was (Linux).
        private static long Brk(Process process, ulong requested)
        {
            if (requested < process.BrkStart || requested > process.BrkStart + Process.BrkLimit)
                return (long)process.Brk;
            ulong oldEnd = Paging.PageUp(process.Brk);
            ulong newEnd = Paging.PageUp(requested);
            if (newEnd > oldEnd)
            {
                long mapped = process.Space.Map(oldEnd, newEnd - oldEnd, Prot.Read | Prot.Write,
                    MapFlags.Private | MapFlags.Anonymous | MapFlags.FixedNoReplace, null, 0);
                if (mapped < 0)
                    return (long)process.Brk;
            }
            else if (newEnd < oldEnd)
            {
                process.Space.Unmap(newEnd, oldEnd - newEnd);
            }
            process.Brk = requested;
            return (long)requested;
        }

        // struct utsname: six fields of 65 bytes.
        // getcpu(unsigned* cpu, unsigned* node, void* unused): the CPU running the caller
        // (it may run elsewhere by the time it looks); one NUMA node.
        private static long Getcpu(Process process, ulong cpuAddress, ulong nodeAddress)
        {
            uint cpu = (uint)Cpu.CurrentIndex, node = 0;
            if (cpuAddress != 0 && Kernel.UserCopy.CopyToUser(process.Space, cpuAddress, (byte*)&cpu, 4) != 0)
                return -Errno.EFAULT;
            if (nodeAddress != 0 && Kernel.UserCopy.CopyToUser(process.Space, nodeAddress, (byte*)&node, 4) != 0)
                return -Errno.EFAULT;
            return 0;
        }

        private static long Uname(Process process, ulong buffer)
        {
            const int Field = 65;
            byte* uts = stackalloc byte[Field * 6];
            for (int i = 0; i < Field * 6; i++)
                uts[i] = 0;
            Put(uts + 0 * Field, "CosmosKernel");
            Put(uts + 1 * Field, "cosmos");
            Put(uts + 2 * Field, Kernel.Version);
            Put(uts + 3 * Field, "#1 NativeAOT C#");
            Put(uts + 4 * Field, "x86_64");
            Put(uts + 5 * Field, "(none)");
            return Kernel.UserCopy.CopyToUser(process.Space, buffer, uts, Field * 6) == 0 ? 0 : -Errno.EFAULT;
        }

        private static void Put(byte* field, string text)
        {
            for (int i = 0; i < text.Length && i < 64; i++)
                field[i] = (byte)text[i];
        }

        private static long ArchPrctl(Process process, ulong code, ulong address)
        {
            if (code == ArchSetFs)
            {
                if (address >= Paging.UserSpaceEnd)
                    return -Errno.EPERM;
                Native.WriteMsr(UserMode.MsrFsBase, address); // per thread: the scheduler saves it on switches
                return 0;
            }
            if (code == ArchGetFs)
            {
                ulong value = Native.ReadMsr(UserMode.MsrFsBase);
                return Kernel.UserCopy.CopyToUser(process.Space, address, (byte*)&value, 8) == 0 ? 0 : -Errno.EFAULT;
            }
            return -Errno.EINVAL;
        }

        // cosmos_vmm_info(struct cosmos_vmm_info* out, unsigned long flags):
        // struct cosmos_vmm_info { char strategy[16]; u64 frames_free, frames_used,
        //   demand_zero_faults, file_load_faults, cow_copies, page_lock_waits,
        //   poison_violations, double_frees, mm_lock_waits, cpus_online,
        //   kernel_lock_waits, kernel_lock_wait_cycles, shootdown_rounds,
        //   shootdown_wait_cycles (the caller's own), heap_live_bytes,
        //   heap_collections, heap_capacity, heap_poison_violations, processes,
        //   threads; }  (176 bytes)
        // heap_live_bytes: what the last collection kept. Flag 1 (VmmInfoCollect, `lab`
        // and `bench` only: a collection stops every CPU) collects first, so the
        // figure is what is live now: the soak test compares it before and after.
        public const int VmmInfoSize = 16 + 20 * 8;
        public const ulong VmmInfoCollect = 1;

        private static long VmmInfo(Process process, ulong buffer, ulong flags)
        {
            if ((flags & ~VmmInfoCollect) != 0)
                return -Errno.EINVAL;
            if ((flags & VmmInfoCollect) != 0)
            {
                if (!Kernel.LabSyscalls)
                    return -Errno.EPERM;
                Internal.Runtime.RuntimeHeap.Collect();
            }
            byte* info = stackalloc byte[VmmInfoSize];
            for (int i = 0; i < VmmInfoSize; i++)
                info[i] = 0;
            Put(info, Kernel.UserCopy.Strategy.Name);
            ulong* counters = (ulong*)(info + 16);
            FrameAllocator frames = Kernel.Vmm.Frames;
            counters[0] = frames.FreeFrames;
            counters[1] = frames.UsedFrames;
            counters[2] = (ulong)process.Space.DemandZeroFaults;
            counters[3] = (ulong)process.Space.FileLoadFaults;
            counters[4] = (ulong)process.Space.CopyOnWriteCopies;
            counters[5] = (ulong)process.Space.PageLockWaits;
            counters[6] = frames.PoisonViolations;
            counters[7] = frames.DoubleFrees;
            counters[8] = (ulong)process.Space.MmLock.ContendedAcquisitions;
            counters[9] = (ulong)Kernel.Scheduler.CpuCount;
            Scheduling.KernelThread me = Kernel.Scheduler.Current; // the caller's own profile
            counters[10] = (ulong)me.KernelLockWaits;
            counters[11] = (ulong)me.KernelLockWaitCycles;
            counters[12] = (ulong)me.ShootdownRounds;
            counters[13] = (ulong)me.ShootdownWaitCycles;
            counters[14] = Internal.Runtime.RuntimeHeap.LiveBytesAfterCollection;
            counters[15] = Internal.Runtime.RuntimeHeap.Collections;
            counters[16] = Internal.Runtime.RuntimeHeap.Capacity;
            counters[17] = Internal.Runtime.RuntimeHeap.PoisonViolations;
            counters[18] = (ulong)ProcessTable.Count;
            counters[19] = (ulong)Kernel.Scheduler.LiveThreads;
            return Kernel.UserCopy.CopyToUser(process.Space, buffer, info, VmmInfoSize) == 0 ? 0 : -Errno.EFAULT;
        }
    }
}
