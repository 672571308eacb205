using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // What the kernel tells about itself: uname, getcpu, sysinfo, getrandom,
    // cosmos_vmm_info.
    public sealed unsafe partial class SyscallTable
    {
        // getcpu(unsigned* cpu, unsigned* node, void* unused): the CPU running the caller
        // (it may run elsewhere by the time it looks); one NUMA node.
        private long Getcpu(Process process, ulong cpuAddress, ulong nodeAddress)
        {
            uint cpu = (uint)Cpu.CurrentIndex, node = 0;
            if (cpuAddress != 0 && _copier.CopyToUser(process.Space, cpuAddress, (byte*)&cpu, 4) != 0)
                return -Errno.EFAULT;
            if (nodeAddress != 0 && _copier.CopyToUser(process.Space, nodeAddress, (byte*)&node, 4) != 0)
                return -Errno.EFAULT;
            return 0;
        }

        // struct sysinfo (x86-64 layout, 112 bytes): uptime, RAM and free RAM in bytes
        // (mem_unit 1), processes; no swap, no high memory, load averages 0 (not kept).
        private long Sysinfo(Process process, ulong buffer)
        {
            const int Bytes = 112;
            byte* info = stackalloc byte[Bytes];
            for (int i = 0; i < Bytes; i++)
                info[i] = 0;
            ulong perSecond = Pit.TscPerSecond == 0 ? 1000000000 : Pit.TscPerSecond;
            *(ulong*)(info + 0) = Native.ReadTimestampCounter() / perSecond;      // uptime
            *(ulong*)(info + 32) = _vmm.Frames.TotalFrames * Paging.PageSize;      // totalram
            *(ulong*)(info + 40) = _vmm.Frames.FreeFrames * Paging.PageSize;       // freeram
            *(ushort*)(info + 80) = (ushort)_programs.Processes.Count;             // procs
            *(uint*)(info + 104) = 1;                                              // mem_unit
            return _copier.CopyToUser(process.Space, buffer, info, Bytes) == 0 ? 0 : -Errno.EFAULT;
        }

        // getrandom(buf, count, flags): count bytes from splitmix64 over a counter that
        // starts at the boot TSC, the same generator on every CPU without a lock. Good
        // enough that draws differ and look random; NOT cryptographic (no entropy pool
        // yet), which docs/userland.md says. Copied out 256 bytes at a time; a fault
        // after some bytes returns how many were written, as Linux does.
        private static long s_randomCounter; // the generator's state (used as unsigned)
        private const int RandomChunk = 256;

        private long Getrandom(Process process, ulong buffer, ulong count, ulong flags)
        {
            if ((flags & ~RandomFlags.Known) != 0 || (flags & (RandomFlags.Random | RandomFlags.Insecure)) == (RandomFlags.Random | RandomFlags.Insecure))
                return -Errno.EINVAL;
            if (count > int.MaxValue)
                count = int.MaxValue;
            if (System.Threading.Volatile.Read(ref s_randomCounter) == 0)
                System.Threading.Interlocked.CompareExchange(ref s_randomCounter, (long)Native.ReadTimestampCounter(), 0);
            ulong* chunk = stackalloc ulong[RandomChunk / 8];
            ulong done = 0;
            while (done < count)
            {
                for (int i = 0; i < RandomChunk / 8; i++)
                    chunk[i] = NextRandom();
                ulong length = count - done < RandomChunk ? count - done : RandomChunk;
                if (_copier.CopyToUser(process.Space, buffer + done, (byte*)chunk, length) != 0)
                    return done > 0 ? (long)done : -Errno.EFAULT;
                done += length;
            }
            return (long)done;
        }

        private static ulong NextRandom()
        {
            ulong z = (ulong)System.Threading.Interlocked.Add(ref s_randomCounter, unchecked((long)0x9E3779B97F4A7C15UL));
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        // struct utsname: six fields of 65 bytes.
        private long Uname(Process process, ulong buffer)
        {
            const int Field = Abi.Uname.FieldBytes;
            byte* uts = stackalloc byte[Field * 6];
            for (int i = 0; i < Field * 6; i++)
                uts[i] = 0;
            Put(uts + 0 * Field, Abi.Uname.SystemName);
            Put(uts + 1 * Field, Abi.Uname.NodeName);
            Put(uts + 2 * Field, Abi.Uname.Release);
            Put(uts + 3 * Field, Abi.Uname.Version);
            Put(uts + 4 * Field, Abi.Uname.Machine);
            Put(uts + 5 * Field, Abi.Uname.DomainName);
            return _copier.CopyToUser(process.Space, buffer, uts, Field * 6) == 0 ? 0 : -Errno.EFAULT;
        }

        private static void Put(byte* field, string text)
        {
            for (int i = 0; i < text.Length && i < 64; i++)
                field[i] = (byte)text[i];
        }

        // cosmos_lock_stats(struct abi_lock_stat* out, unsigned long count): one record per
        // lock class (Abi/LockStat.cs), up to `count`, copied out one at a time (each a
        // user copy: nothing is held across it); returns the number of classes. count 0
        // only asks how many there are.
        private long GetLockStats(Process process, ulong buffer, ulong count)
        {
            int classes = Threading.LockClasses.Count;
            for (int i = 0; i < classes && (ulong)i < count; i++)
            {
                LockStat record = default;
                string name = Threading.LockClasses.Name(i);
                byte* bytes = (byte*)&record.Name0;
                for (int c = 0; c < name.Length && c < LockStat.NameBytes - 1; c++)
                    bytes[c] = (byte)(name[c] < 128 ? name[c] : '?');
                record.Waits = (ulong)_lockStatistics.Waits(i);
                record.WaitCycles = (ulong)_lockStatistics.WaitCycles(i);
                if (_copier.CopyToUser(process.Space, buffer + (ulong)i * LockStat.Size, (byte*)&record, LockStat.Size) != 0)
                    return -Errno.EFAULT;
            }
            return classes;
        }

        // cosmos_vmm_info(struct cosmos_vmm_info* out, unsigned long flags): the layout
        // is Abi/VmmInfo.cs, the user runtime's too. heap_live_bytes: what the last
        // collection kept. VmmInfo.CollectFlag (`lab` and `bench` only: a collection
        // stops every CPU) collects first, so the figure is what is live now: the soak
        // test compares it before and after.
        private long GetVmmInfo(Process process, ulong buffer, ulong flags)
        {
            if ((flags & ~VmmInfo.CollectFlag) != 0)
                return -Errno.EINVAL;
            if ((flags & VmmInfo.CollectFlag) != 0)
            {
                if (!_labSyscalls)
                    return -Errno.EPERM;
                Internal.Runtime.RuntimeHeap.Collect();
            }
            VmmInfo info = default;
            Put((byte*)&info.StrategyName0, _copier.Strategy.Name);
            FrameAllocator frames = _vmm.Frames;
            info.FramesFree = frames.FreeFrames;
            info.FramesUsed = frames.UsedFrames;
            info.DemandZeroFaults = (ulong)process.Space.DemandZeroFaults;
            info.FileLoadFaults = (ulong)process.Space.FileLoadFaults;
            info.CopyOnWriteCopies = (ulong)process.Space.CopyOnWriteCopies;
            info.PageLockWaits = (ulong)process.Space.PageLockWaits;
            info.PoisonViolations = frames.PoisonViolations;
            info.DoubleFrees = frames.DoubleFrees;
            info.MmLockWaits = (ulong)process.Space.MmLock.ContendedAcquisitions;
            info.CpusOnline = (ulong)_scheduler.CpuCount;
            Scheduling.KernelThread me = _scheduler.Current; // the caller's own profile
            info.LockWaits = (ulong)me.LockWaits;
            info.LockWaitCycles = (ulong)me.LockWaitCycles;
            info.ShootdownRounds = (ulong)me.ShootdownRounds;
            info.ShootdownWaitCycles = (ulong)me.ShootdownWaitCycles;
            info.HeapLiveBytes = Internal.Runtime.RuntimeHeap.LiveBytesAfterCollection;
            info.HeapCollections = Internal.Runtime.RuntimeHeap.Collections;
            info.HeapCapacity = Internal.Runtime.RuntimeHeap.Capacity;
            info.HeapPoisonViolations = Internal.Runtime.RuntimeHeap.PoisonViolations;
            info.Processes = (ulong)_programs.Processes.Count;
            info.Threads = (ulong)_scheduler.LiveThreads;
            return _copier.CopyToUser(process.Space, buffer, (byte*)&info, (ulong)sizeof(VmmInfo)) == 0 ? 0 : -Errno.EFAULT;
        }
    }
}
