namespace CosmosKernel.Processes
{
    // Every process from creation until its parent reaps it (wait4), by pid: an array
    // that doubles as processes come, up to Limit (then fork and spawn answer EAGAIN).
    // Guarded by the kernel lock, like Process.
    public static class ProcessTable
    {
        private static Process[] s_processes = new Process[64];
        private static int s_count;
        private static int s_nextPid = 1;

        // At most this many processes at once, zombies included (set at boot from the
        // thread limit: a process needs a thread).
        public static int Limit = 64;

        public static int NextPid() => s_nextPid++;

        // Processes in the table (zombies included).
        public static int Count => s_count;

        // False at the limit.
        public static bool Add(Process process)
        {
            if (s_count >= Limit)
                return false;
            for (int i = 0; i < s_processes.Length; i++)
            {
                if (s_processes[i] == null)
                {
                    s_processes[i] = process;
                    s_count++;
                    return true;
                }
            }
            var bigger = new Process[s_processes.Length * 2];
            for (int i = 0; i < s_processes.Length; i++)
                bigger[i] = s_processes[i];
            bigger[s_processes.Length] = process;
            s_processes = bigger;
            s_count++;
            return true;
        }

        public static void Remove(Process process)
        {
            for (int i = 0; i < s_processes.Length; i++)
            {
                if (s_processes[i] == process)
                {
                    s_processes[i] = null;
                    s_count--;
                }
            }
        }

        public static Process Find(int pid)
        {
            for (int i = 0; i < s_processes.Length; i++)
                if (s_processes[i] != null && s_processes[i].Pid == pid)
                    return s_processes[i];
            return null;
        }

        // A child of `parent` matching wait4's pid argument (-1: any), zombie if asked
        // (or not a zombie, with liveOnly).
        public static Process FindChild(int parent, int pid, bool zombieOnly, bool liveOnly = false)
        {
            for (int i = 0; i < s_processes.Length; i++)
            {
                Process p = s_processes[i];
                if (p != null && p.ParentPid == parent && (pid <= 0 || p.Pid == pid)
                    && (!zombieOnly || p.State == Process.ProcessState.Zombie)
                    && (!liveOnly || p.State != Process.ProcessState.Zombie))
                    return p;
            }
            return null;
        }

        // The table's slots, for a walk over every process (At: null for a free slot).
        public static int Capacity => s_processes.Length;
        public static Process At(int slot) => s_processes[slot];
    }
}
