using System;
using CosmosKernel.Userland.Runtime;

namespace CosmosKernel.Userland.Programs
{
    // pipes: the parent writes 100 KiB through a pipe (more than it holds, so the
    // writer sleeps until the reader drains it) to a forked child, which reads until
    // end of file and exits with a checksum; the parent compares it.
    public static unsafe class Pipes
    {
        private const int Total = 100 * 1024;

        public static int Main(string[] args)
        {
            int* fds = stackalloc int[2];
            long result = Sys.Pipe(fds);
            if (result != 0)
            {
                Console.WriteLine("pipes: pipe failed with errno " + (-result).ToString());
                return 1;
            }
            long pid = Sys.Fork();
            if (pid == 0)
            {
                Sys.Close(fds[1]);
                byte* buffer = stackalloc byte[1000];
                long received = 0;
                int checksum = 0;
                long n;
                while ((n = Sys.Read(fds[0], buffer, 1000)) > 0)
                {
                    for (long i = 0; i < n; i++)
                        checksum = (checksum * 31 + buffer[i]) & 0xFFFFFF;
                    received += n;
                }
                return received == Total && n == 0 ? (checksum & 0x7F) + 1 : 0;
            }
            Sys.Close(fds[0]);
            byte* data = stackalloc byte[4096];
            int expected = 0;
            long sent = 0;
            while (sent < Total)
            {
                int length = Total - sent < 4096 ? (int)(Total - sent) : 4096;
                for (int i = 0; i < length; i++)
                {
                    data[i] = (byte)((sent + i) * 7 + 3);
                    expected = (expected * 31 + data[i]) & 0xFFFFFF;
                }
                long written = Sys.Write(fds[1], data, (ulong)length);
                if (written != length)
                {
                    Console.WriteLine("pipes: write returned " + written.ToString());
                    return 1;
                }
                sent += written;
            }
            Sys.Close(fds[1]); // the child sees end of file
            Sys.Wait(pid, out int status);
            bool ok = Sys.Exited(status) && Sys.ExitCode(status) == (expected & 0x7F) + 1;
            Console.WriteLine("pipes: sent " + sent.ToString() + " bytes through a 64 KiB pipe to child " + pid.ToString()
                + (ok ? ", which read them all in order" : ", which did NOT read them correctly"));
            return ok ? 0 : 1;
        }
    }
}
