using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;

namespace CosmosKernel.FileSystem
{
    // The files of /proc, in Linux's formats (Documentation/filesystems/proc.rst), with
    // only the lines this kernel has numbers for.

    // /proc/self/maps: the opener's regions, "start-end perms offset dev inode name".
    public sealed class MapsFile : GeneratedNode
    {
        public override string Generate(IFileUser user)
        {
            AddressSpace space = user.Space;
            if (!Platform.KernelHeap.HasRoom((ulong)space.RegionCount * 160 + 256))
                return null;
            RegionView[] regions = space.DescribeRegions();
            string text = "";
            for (int i = 0; i < regions.Length; i++)
                text += Line(regions[i]);
            return text;
        }

        private static string Line(RegionView region)
        {
            string permissions = ((region.Protection & Prot.Read) != 0 ? "r" : "-")
                + ((region.Protection & Prot.Write) != 0 ? "w" : "-")
                + ((region.Protection & Prot.Exec) != 0 ? "x" : "-")
                + (region.Shared ? "s" : "p");
            string line = region.Start.ToString("x") + "-" + region.End.ToString("x") + " " + permissions + " "
                + region.Offset.ToString("x8") + " 00:00 0";
            if (region.FileName == null)
                return line + "\n";
            // A module's file is named after the module; an initramfs file by its path.
            string path = region.FileName.Length > 0 && region.FileName[0] == '/' ? region.FileName : "/modules/" + region.FileName;
            return line + "                          " + path + "\n";
        }
    }

    // /proc/meminfo: the frame allocator's counts, in kB.
    public sealed class MeminfoFile : GeneratedNode
    {
        private readonly Vmm _vmm;

        public MeminfoFile(Vmm vmm) => _vmm = vmm;

        public override string Generate(IFileUser user)
        {
            ulong total = _vmm.Frames.TotalFrames * Paging.PageSize / 1024;
            ulong free = _vmm.Frames.FreeFrames * Paging.PageSize / 1024;
            return Line("MemTotal:", total) + Line("MemFree:", free) + Line("MemAvailable:", free);
        }

        private static string Line(string name, ulong kilobytes)
        {
            string number = kilobytes.ToString();
            string padding = "";
            for (int i = name.Length + number.Length; i < 24; i++)
                padding += " ";
            return name + padding + number + " kB\n";
        }
    }

    // /proc/cpuinfo: a paragraph per CPU online, with the clock the TSC runs at.
    public sealed class CpuinfoFile : GeneratedNode
    {
        private readonly Scheduling.Scheduler _scheduler;

        public CpuinfoFile(Scheduling.Scheduler scheduler) => _scheduler = scheduler;

        public override string Generate(IFileUser user)
        {
            string megahertz = (Cosmos.HAL.Pit.TscPerSecond / 1000000).ToString();
            string text = "";
            for (int cpu = 0; cpu < _scheduler.CpuCount; cpu++)
                text += "processor\t: " + cpu.ToString() + "\ncpu MHz\t\t: " + megahertz + ".000\n"
                    + "cpu cores\t: " + _scheduler.CpuCount.ToString() + "\n\n";
            return text;
        }
    }
}
