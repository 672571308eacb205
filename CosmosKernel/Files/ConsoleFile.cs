using System;
using CosmosKernel.Abi;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.Files
{
    // The console: fds 0, 1, 2. Writes go to the screen and COM1; there is no input
    // device yet, so reads are at end of file. The screen and the serial port belong to
    // the kernel lock (the kernel's own messages are written under it), so a write
    // takes it: write(2) on several CPUs at once comes out whole, chunk by chunk.
    public sealed unsafe class ConsoleFile : OpenFile
    {
        private const int Chunk = 256;

        private readonly UserCopier _copier;

        public ConsoleFile(UserCopier copier) => _copier = copier;

        public override long Read(IFileUser user, ulong buffer, ulong count) => 0;

        public override long Write(IFileUser user, ulong buffer, ulong count)
        {
            bool took = !Scheduling.KernelLock.HeldByThisCpu;
            if (took)
                Scheduling.KernelLock.Acquire();
            long result = WriteLocked(user, buffer, count);
            if (took)
                Scheduling.KernelLock.Release();
            return result;
        }

        private long WriteLocked(IFileUser user, ulong buffer, ulong count)
        {
            byte* chunk = stackalloc byte[Chunk];
            ulong done = 0;
            while (done < count)
            {
                ulong length = count - done < Chunk ? count - done : Chunk;
                ulong notCopied = _copier.CopyFromUser(user.Space, chunk, buffer + done, length);
                ulong copied = length - notCopied;
                for (ulong i = 0; i < copied; i++) // no string: nothing to allocate per write
                    Console.Write(chunk[i] < 128 ? (char)chunk[i] : '?');
                done += copied;
                if (notCopied != 0)
                    return done > 0 ? (long)done : -Errno.EFAULT;
            }
            return (long)done;
        }
    }
}
