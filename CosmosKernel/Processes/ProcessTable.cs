namespace CosmosKernel.Processes
{
    // Every process from creation until its parent reaps it (wait4), by pid.
    public static class ProcessTable
    {
        public const int Capacity = 64;
        private static readonly Process[] s_processes = new Process[Capacity];
        private static int s_nextPid = 1;

        public static int NextPid() => s_nextPid++;

        // Processes in the table (zombies included).
        public static int Count
        {
            get
            {
                int count = 0;
                for (int i = 0; i < Capacity; i++)
                    if (s_processes[i] != null)
                        count++;
                return count;
            }
        }

        public static bool Add(Process process)
        {
            for (int i = 0; i < Capacity; i++)
            {
                if (s_processes[i] == null)
                {
                    s_processes[i] = process;
                    return true;
                }
            }
            return false;
        }

        public static void Remove(Process process)
        {
            for (int i = 0; i < Capacity; i++)
                if (s_processes[i] == process)
                    s_processes[i] = null;
        }

        public static Process Find(int pid)
        {
            for (int i = 0; i < Capacity; i++)
                if (s_processes[i] != null && s_processes[i].Pid == pid)
                    return s_processes[i];
            return null;
        }

        // A child of `parent` matching wait4's pid argument (-1: any), zombie if asked.
        public static Process FindChild(int parent, int pid, bool zombieOnly)
        {
            for (int i = 0; i < Capacity; i++)
            {
                Process p = s_processes[i];
                if (p != null && p.ParentPid == parent && (pid <= 0 || p.Pid == pid)
                    && (!zombieOnly || p.State == Process.ProcessState.Zombie))
                    return p;
            }
            return null;
        }
    }
}
