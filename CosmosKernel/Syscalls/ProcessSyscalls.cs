using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // Processes and threads: clone, cosmos_spawn, arch_prctl (fork, wait4 and exit go
    // straight to Processes/ProgramRunner).
    public sealed unsafe partial class SyscallTable
    {
        // clone for threads (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, as pthreads use it):
        // the child returns from the syscall on `stack` with rax = 0 and, as on Linux,
        // every other register of the caller (musl's clone stub finds the thread's
        // function in r9), RFLAGS sanitised (interrupts on, IOPL 0). CLONE_DETACHED is
        // accepted and ignored, as Linux does. Without CLONE_VM a clone is a fork (what
        // glibc's fork calls) with a stack, TLS and tid words of its own; sharing the file
        // table or the working directory with a new process (CLONE_FILES, CLONE_FS
        // without CLONE_VM) and vfork are not done: ENOSYS.
        private const ulong CloneThreadFlags = CloneFlags.Vm | CloneFlags.Thread | CloneFlags.Sighand;
        private const ulong CloneKnown = CloneFlags.Vm | CloneFlags.Fs | CloneFlags.Files | CloneFlags.Sighand | CloneFlags.Thread
            | CloneFlags.SysVSem | CloneFlags.SetTls | CloneFlags.ParentSetTid | CloneFlags.ChildClearTid | CloneFlags.ChildSetTid
            | CloneFlags.Detached;

        private long Clone(Process process, SyscallFrame* frame, ulong flags, ulong stack, ulong parentTid, ulong childTid, ulong tls)
        {
            if ((flags & (CloneFlags.Vm | CloneFlags.Thread | CloneFlags.Sighand)) == 0)
                return ForkingClone(process, frame, flags, stack, parentTid, childTid, tls);
            if ((flags & CloneThreadFlags) != CloneThreadFlags)
                return (flags & CloneFlags.Thread) != 0 ? -Errno.EINVAL : -Errno.ENOSYS;
            if ((flags & ~(CloneKnown | CloneFlags.ExitSignalMask)) != 0)
                return -Errno.EINVAL;
            if (stack == 0 || !Memory.UserCopy.UserCopier.RangeIsUser(stack - 8, 8))
                return -Errno.EINVAL;
            if ((flags & CloneFlags.SetTls) != 0 && tls >= Paging.UserSpaceEnd)
                return -Errno.EPERM;
            if (!Platform.KernelHeap.HasRoom(Limits.ThreadBytes))
                return -Errno.ENOMEM;
            ulong fs = (flags & CloneFlags.SetTls) != 0 ? tls : Native.ReadMsr(UserMode.MsrFsBase);
            // The child runs only once its tid words are written: a user copy is a
            // scheduling point, and a child that ran (and exited, clearing its tid word)
            // before the parent wrote the tid would leave a joiner waiting forever.
            UserThread child = _programs.CloneThread(process, frame, stack, UserMode.SanitizeUserRflags(frame->R11), fs);
            if (child == null)
                return -Errno.EAGAIN;
            int tid = child.Tid;
            if ((flags & CloneFlags.ChildClearTid) != 0)
                child.ClearChildTid = childTid;
            if ((flags & CloneFlags.ParentSetTid) != 0)
                _copier.CopyToUser(process.Space, parentTid, (byte*)&tid, 4);
            if ((flags & CloneFlags.ChildSetTid) != 0)
                _copier.CopyToUser(process.Space, childTid, (byte*)&tid, 4);
            _programs.Start(child);
            return tid;
        }

        private const ulong ForkKnown = CloneFlags.SetTls | CloneFlags.ParentSetTid | CloneFlags.ChildClearTid | CloneFlags.ChildSetTid
            | CloneFlags.Detached | CloneFlags.ExitSignalMask;

        private long ForkingClone(Process process, SyscallFrame* frame, ulong flags, ulong stack, ulong parentTid, ulong childTid, ulong tls)
        {
            if ((flags & ~ForkKnown) != 0)
                return -Errno.ENOSYS;
            if ((flags & CloneFlags.SetTls) != 0 && tls >= Paging.UserSpaceEnd)
                return -Errno.EPERM;
            long pid = _programs.Fork(frame, stack, (flags & CloneFlags.SetTls) != 0 ? tls : ulong.MaxValue,
                (flags & CloneFlags.ChildSetTid) != 0 ? childTid : 0, (flags & CloneFlags.ChildClearTid) != 0 ? childTid : 0);
            if (pid > 0 && (flags & CloneFlags.ParentSetTid) != 0)
            {
                int tid = (int)pid;
                _copier.CopyToUser(process.Space, parentTid, (byte*)&tid, 4);
            }
            return pid;
        }

        // set_tid_address(int* tidptr): the word zeroed and futex-woken when the calling
        // thread ends (musl's first thread names it at start); returns the tid.
        private long SetTidAddress(ulong tidAddress)
        {
            UserThread me = _programs.CurrentThread;
            me.ClearChildTid = tidAddress;
            return me.Tid;
        }

        // set_robust_list(head, len): kept for the thread (Linux walks the list at exit to
        // release the robust mutexes it names; this kernel does not yet).
        private const ulong RobustListHeadBytes = 24; // struct robust_list_head

        private long SetRobustList(ulong head, ulong length)
        {
            if (length != RobustListHeadBytes)
                return -Errno.EINVAL;
            _programs.CurrentThread.RobustList = head;
            return 0;
        }

        // cosmos_spawn(const char* name): start the GRUB module `name` as a child process
        // (the project's stand-in for fork + exec until there is a file system).
        private long Spawn(Process process, ulong nameAddress)
        {
            long error = StringFromUser(process, nameAddress, 64, Errno.ENAMETOOLONG, out string name);
            if (error != 0)
                return error;
            Multiboot2.Module[] modules = _ramdisk.Modules;
            for (int i = 0; i < modules.Length; i++)
            {
                if (modules[i].Name != name)
                    continue;
                if (!Platform.KernelHeap.HasRoom(Limits.ProcessBytes))
                    return -Errno.ENOMEM;
                Process child = _programs.Spawn(modules[i], process.Pid);
                return child == null ? -Errno.EAGAIN : child.Pid;
            }
            return -Errno.ENOENT;
        }

        private const int ArchSetFs = 0x1002, ArchGetFs = 0x1003; // arch_prctl codes (asm/prctl.h)

        private long ArchPrctl(Process process, ulong code, ulong address)
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
                return _copier.CopyToUser(process.Space, address, (byte*)&value, 8) == 0 ? 0 : -Errno.EFAULT;
            }
            return -Errno.EINVAL;
        }
    }
}
