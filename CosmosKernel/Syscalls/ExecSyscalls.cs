using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.FileSystem;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // execve and execveat: the file (EACCES for a directory, a device, or a file that
    // no one may execute), the argument and environment strings copied in (EFAULT,
    // E2BIG), then the process becomes the program (Processes/Execve.cs). A file that
    // is no ELF is ENOEXEC (a shell then runs it as a script itself).
    public sealed unsafe partial class SyscallTable
    {
        // What the strings of argv and envp may take together, and one string alone
        // (Linux allows 128 KiB per string and a quarter of the stack limit in all;
        // the new program's stack here is UserStack.Size).
        private const int ExecStringsBytes = 128 * 1024;
        private const int ExecStringMax = FileModes.PathMax;

        private long Execve(Process process, SyscallFrame* frame, long dirfd, ulong pathAddress, ulong argvAddress, ulong envpAddress, ulong flags)
        {
            if ((flags & ~(ulong)(AtFlags.EmptyPath | AtFlags.SymlinkNoFollow)) != 0)
                return -Errno.EINVAL;
            long error = PathAt(process, dirfd, pathAddress, false, out DirectoryNode start, out string path);
            if (error != 0)
                return error;
            error = _tree.LookupFile(start, path, (flags & AtFlags.SymlinkNoFollow) == 0, out FileNode file);
            if (error != 0)
                return error;
            // Held until the new image maps it (its regions then keep its pages).
            error = ExecFile(process, frame, file, path, argvAddress, envpAddress);
            file.Unhold();
            return error;
        }

        private long ExecFile(Process process, SyscallFrame* frame, FileNode file, string path, ulong argvAddress, ulong envpAddress)
        {
            if ((file.Mode & FileModes.AnyExecute) == 0)
                return -Errno.EACCES;
            long error = file.Backing(shared: false, writable: false, out FileBacking image);
            if (error != 0)
                return error;
            int total = 0;
            string[] envp = null;
            error = StringsFromUser(process, argvAddress, ref total, out string[] argv);
            if (error == 0)
                error = StringsFromUser(process, envpAddress, ref total, out envp);
            if (error != 0)
                return error;
            if (argv.Length == 0)
                argv = new[] { "" }; // Linux (since 5.18): never an empty argv
            return _programs.Exec(frame, image, CommandName(path), argv, envp);
        }

        // A NULL-terminated array of string pointers (a NULL array: none), each string
        // copied in. 0, -EFAULT or -E2BIG.
        private long StringsFromUser(Process process, ulong array, ref int total, out string[] strings)
        {
            strings = new string[0];
            if (array == 0)
                return 0;
            int count = 0;
            while (true)
            {
                ulong pointer;
                if (_copier.CopyFromUser(process.Space, (byte*)&pointer, array + (ulong)count * 8, 8) != 0)
                    return -Errno.EFAULT;
                if (pointer == 0)
                    break;
                if (++count > ExecStringsBytes / 8)
                    return -Errno.E2BIG;
            }
            if (!Platform.KernelHeap.HasRoom((ulong)count * 64 + 64))
                return -Errno.ENOMEM;
            strings = new string[count];
            byte* bytes = stackalloc byte[ExecStringMax];
            for (int i = 0; i < count; i++)
            {
                ulong pointer;
                if (_copier.CopyFromUser(process.Space, (byte*)&pointer, array + (ulong)i * 8, 8) != 0 || pointer == 0)
                    return -Errno.EFAULT; // changed under us by another thread
                long length = _copier.StrncpyFromUser(process.Space, bytes, pointer, ExecStringMax);
                if (length < 0)
                    return length;
                total += (int)length + 1 + 8;
                if (length == ExecStringMax || total > ExecStringsBytes)
                    return -Errno.E2BIG;
                strings[i] = Latin1(bytes, (int)length);
            }
            return 0;
        }

        // The process's new name: the path's last name, cut to 15 bytes (Linux's comm).
        private static string CommandName(string path)
        {
            int slash = path.Length - 1;
            while (slash >= 0 && path[slash] != '/')
                slash--;
            string name = slash < 0 ? path : path.Substring(slash + 1);
            return name.Length > 15 ? name.Substring(0, 15) : name;
        }
    }
}
