using System;
using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Files;
using CosmosKernel.Memory;
using CosmosKernel.Processes;

namespace CosmosKernel.Syscalls
{
    // What the kernel tells about itself: uname, getcpu, cosmos_vmm_info.
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
