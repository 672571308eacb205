using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Memory;

namespace CosmosKernel.Processes
{
    // execve: the calling process becomes a new program. The new image is built
    // first, in a fresh address space (a file that is no ELF, or memory that runs
    // out, fails the call and leaves the program as it was); then, past the point of
    // no return, the process takes the new space, name and break, closes its
    // close-on-exec descriptors, puts caught signals back to their defaults, forgets
    // its alternate signal stack, TLS and clear-tid word, and the syscall returns to
    // the new program's entry with its initial stack (argv, envp, auxv) and every
    // other register zero. It keeps its pid, parent, group, session, working
    // directory, umask, signal mask and pending signals, as on Linux. A process with
    // several threads loses all but the caller once the new image is built (Linux's
    // de_thread: ProgramRunner.EndOtherThreads), and the caller takes the pid as tid.
    public sealed unsafe partial class ProgramRunner
    {
        public long Exec(SyscallFrame* frame, FileBacking file, string name, string[] argv, string[] envp)
        {
            UserThread me = CurrentThread;
            Process process = me.Process;
            if (!Platform.KernelHeap.HasRoom(Limits.ProcessBytes))
                return -Errno.ENOMEM;
            AddressSpace space = AddressSpace.Create(_vmm);
            if (space == null)
                return -Errno.ENOMEM;
            // Built with the new space loaded (the copies into it need it), across any
            // switch on the way.
            ulong oldRoot = _scheduler.SwitchAddressSpace(space.Table.Root);
            ElfImage image = ElfImage.Load(file, space, _copier);
            ulong rsp = image.Error == null ? UserStack.Build(space, _copier, image, argv, envp, Native.ReadTimestampCounter()) : 0;
            if (rsp == 0)
            {
                _scheduler.SwitchAddressSpace(oldRoot);
                space.Destroy();
                return image.Error != null ? -Errno.ENOEXEC : -Errno.ENOMEM;
            }
            if (!EndOtherThreads(me))
            {
                // The process is ending, or so is this thread: nothing of the new image stays.
                _scheduler.SwitchAddressSpace(oldRoot);
                space.Destroy();
                return -Errno.EINTR;
            }

            // The point of no return.
            AddressSpace old = process.Space;
            process.BecomeProgram(name, space);
            process.BrkLock.Lock();
            process.BrkStart = process.Brk = image.End;
            process.BrkLock.Unlock();
            process.Files.CloseOnExec();
            process.Actions.ResetForExec();
            me.AltStackBase = me.AltStackSize = 0;
            me.ClearChildTid = 0;
            me.RobustList = 0;
            me.Kernel.FsBase = 0;
            Native.WriteMsr(UserMode.MsrFsBase, 0);
            // The old space goes once no CPU runs on it: this one left it above, and
            // this is its only thread now (the others' CPUs switch away as they end).
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
                while (_scheduler.MayCache(cpu, old.Table.Root))
                    _scheduler.Yield();
            old.Destroy();

            *frame = default;
            frame->Rcx = image.Entry; // sysret's rip
            frame->Rsp = rsp;
            frame->R11 = UserMode.InitialUserRflags;
            return 0;
        }
    }
}
