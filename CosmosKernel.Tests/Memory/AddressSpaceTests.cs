using CosmosKernel.Abi;
using CosmosKernel.Memory;

namespace CosmosKernel.Tests.Memory;

// mmap / munmap / mprotect / faults / fork on the real VMM code over simulated RAM,
// with Linux's semantics and errnos.
[TestFixture]
public unsafe class AddressSpaceTests : VmmTestBase
{
    [Test]
    public void AnonymousMemoryIsZeroFilledOnDemand()
    {
        ulong address = MapAnonymous(4);
        Assert.That(Space.Table.Get(address), Is.EqualTo(0UL), "nothing is mapped before the first touch");
        Assert.That(Read(address + 5000), Is.EqualTo(0));
        Assert.That(Space.DemandZeroFaults, Is.EqualTo(1), "only the touched page was faulted in");
        Write(address + 5000, 42);
        Assert.That(Read(address + 5000), Is.EqualTo(42));
        AssertCleanShutdown();
    }

    [Test]
    public void MmapRejectsBadArgumentsWithLinuxErrnos()
    {
        Assert.That(Space.Map(0, 0, RW, PrivateAnon, null, 0), Is.EqualTo(-Errno.EINVAL), "zero length");
        Assert.That(Space.Map(0, 4096, RW, MapFlags.Anonymous, null, 0), Is.EqualTo(-Errno.EINVAL), "neither shared nor private");
        Assert.That(Space.Map(0, 4096, RW, MapFlags.SharedValidate | MapFlags.Anonymous | 0x4000000, null, 0), Is.EqualTo(-Errno.EOPNOTSUPP), "unknown flag under MAP_SHARED_VALIDATE");
        Assert.That(Space.Map(0, 4096, RW, PrivateAnon | 0x4000000, null, 0), Is.GreaterThan(0), "unknown flags are ignored otherwise, as Linux does");
        Assert.That(Space.Map(0, 4096, 0x10, PrivateAnon, null, 0), Is.EqualTo(-Errno.EINVAL), "unknown protection");
        Assert.That(Space.Map(0x10001, 4096, RW, PrivateAnon | MapFlags.Fixed, null, 0), Is.EqualTo(-Errno.EINVAL), "unaligned fixed");
        Assert.That(Space.Map(0x1000, 4096, RW, PrivateAnon | MapFlags.Fixed, null, 0), Is.EqualTo(-Errno.EPERM), "below the lowest mappable address");
        Assert.That(Space.Map(0x7FFFFFFFE000, 0x10000, RW, PrivateAnon | MapFlags.Fixed, null, 0), Is.EqualTo(-Errno.ENOMEM), "past the end of user space");
        Assert.That(Space.Map(0, ulong.MaxValue - 100, RW, PrivateAnon, null, 0), Is.EqualTo(-Errno.ENOMEM), "length overflows when rounded");
        Assert.That(Space.Map(0, 4096, Prot.Read, MapFlags.Private, null, 0), Is.EqualTo(-Errno.EBADF), "file mapping without a file");
        AssertCleanShutdown();
    }

    // Linux x86-64's mmap checks the offset's alignment before anything else (the
    // syscall in arch/x86/kernel/sys_x86_64.c), for anonymous mappings too, and a file
    // mapping whose end would lie past the largest file offset (2^63 - 1) is
    // EOVERFLOW (mm/mmap.c, file_mmap_ok), once the length itself was found fine.
    [Test]
    public void MmapChecksTheOffsetFirstAndFileOffsetsForOverflow()
    {
        Assert.That(Space.Map(0, 4096, RW, PrivateAnon, null, 100), Is.EqualTo(-Errno.EINVAL), "unaligned offset, anonymous");
        Assert.That(Space.Map(0, 4096, Prot.Read, MapFlags.Private, null, 100), Is.EqualTo(-Errno.EINVAL), "unaligned offset: before the missing file");
        Assert.That(Space.Map(0, 4096, RW, PrivateAnon, null, 0x7FFFFFFFFFFFF000), Is.GreaterThan(0), "an anonymous mapping ignores an aligned offset");

        byte[] content = { 1, 2, 3 };
        fixed (byte* data = content)
        {
            var file = new RamdiskFile("small", data, (ulong)content.Length);
            Assert.That(Space.Map(0, 4096, Prot.Read, MapFlags.Private, file, 0x7FFFFFFFFFFFF000), Is.EqualTo(-Errno.EOVERFLOW), "one page past the largest offset");
            Assert.That(Space.Map(0, 8192, Prot.Read, MapFlags.Private, file, 0x7FFFFFFFFFFFE000), Is.EqualTo(-Errno.EOVERFLOW), "the length counts");
            Assert.That(Space.Map(0, 4096, Prot.Read, MapFlags.Private, file, 0xFFFFFFFFFFFFF000), Is.EqualTo(-Errno.EOVERFLOW), "offsets wrap past 2^64");
            Assert.That(Space.Map(0, ulong.MaxValue - 100, Prot.Read, MapFlags.Private, file, 0xFFFFFFFFFFFFF000), Is.EqualTo(-Errno.ENOMEM), "a length that wraps is found first");
            long last = Space.Map(0, 4096, Prot.Read, MapFlags.Private, file, 0x7FFFFFFFFFFFE000);
            Assert.That(last, Is.GreaterThan(0), "the last page that fits");
            Assert.That(Machine.UserRead((ulong)last, out _), Is.False, "a page wholly past the end of the file: SIGBUS, as Linux");
            Assert.That(Machine.UserBusErrors, Is.EqualTo(1), "counted as a bus error, not a segfault");
            long first = Space.Map(0, 4096, Prot.Read, MapFlags.Private, file, 0);
            Assert.That(Read((ulong)first + 2), Is.EqualTo(3), "the file's last byte");
            Assert.That(Read((ulong)first + 3), Is.EqualTo(0), "past the end within the last page: zero");
        }
        AssertCleanShutdown();
    }

    [Test]
    public void AHintIsUsedWhenFreeAndSkippedWhenNot()
    {
        const ulong hint = 0x50000000;
        Assert.That(Space.Map(hint, 8192, RW, PrivateAnon, null, 0), Is.EqualTo((long)hint), "a free hint is honoured");
        long second = Space.Map(hint, 4096, RW, PrivateAnon, null, 0);
        Assert.That(second, Is.GreaterThanOrEqualTo((long)(hint + 8192)), "an occupied hint moves to the next gap");
        Assert.That(Space.Map(hint + 1, 4096, RW, PrivateAnon, null, 0) % 4096, Is.EqualTo(0), "unaligned hints are rounded");
        AssertCleanShutdown();
    }

    [Test]
    public void FixedNoReplaceRefusesAnOccupiedRange()
    {
        ulong address = MapAnonymous(2);
        Assert.That(Space.Map(address, 4096, RW, PrivateAnon | MapFlags.FixedNoReplace, null, 0), Is.EqualTo(-Errno.EEXIST));
        AssertCleanShutdown();
    }

    [Test]
    public void FixedMappingReplacesWhatWasThere()
    {
        ulong address = MapAnonymous(3);
        Write(address + 4096, 7);
        long again = Space.Map(address + 4096, 4096, RW, PrivateAnon | MapFlags.Fixed, null, 0);
        Assert.That(again, Is.EqualTo((long)(address + 4096)));
        Assert.That(Read(address + 4096), Is.EqualTo(0), "the old page was replaced by a fresh zero page");
        Assert.That(Space.RegionCount, Is.EqualTo(3), "the old region was split around the new one");
        AssertCleanShutdown();
    }

    [Test]
    public void PartialMunmapSplitsTheRegionAndFreesFrames()
    {
        ulong address = MapAnonymous(3);
        for (ulong page = 0; page < 3; page++)
            Write(address + page * 4096, (byte)(page + 1));
        ulong used = Machine.Frames.UsedFrames;
        Assert.That(Space.Unmap(address + 4096, 4096), Is.EqualTo(0));
        Assert.That(Machine.Frames.UsedFrames, Is.EqualTo(used - 1), "the middle page's frame was freed");
        Assert.That(Space.RegionCount, Is.EqualTo(2));
        Assert.That(Read(address), Is.EqualTo(1));
        Assert.That(Read(address + 8192), Is.EqualTo(3));
        Assert.That(Machine.UserRead(address + 4096, out _), Is.False, "the unmapped page faults (SIGSEGV)");
        Assert.That(Machine.UserSegfaults, Is.EqualTo(1));
        AssertCleanShutdown();
    }

    [Test]
    public void MunmapRejectsBadArguments()
    {
        Assert.That(Space.Unmap(0x10001, 4096), Is.EqualTo(-Errno.EINVAL), "unaligned");
        Assert.That(Space.Unmap(0x10000, 0), Is.EqualTo(-Errno.EINVAL), "zero length");
        Assert.That(Space.Unmap(0xFFFFFFFFFFFFF000, 4096), Is.EqualTo(-Errno.EINVAL), "kernel address");
        Assert.That(Space.Unmap(0x10000, 4096), Is.EqualTo(0), "unmapping nothing is fine");
        AssertCleanShutdown();
    }

    [Test]
    public void MprotectSplitsAndEnforces()
    {
        ulong address = MapAnonymous(3);
        Write(address + 4096, 9);
        Assert.That(Space.Protect(address + 4096, 4096, Prot.Read), Is.EqualTo(0));
        Assert.That(Space.RegionCount, Is.EqualTo(3));
        Assert.That(Read(address + 4096), Is.EqualTo(9), "still readable");
        Assert.That(Machine.UserWrite(address + 4096, 1), Is.False, "a write to a read-only page is SIGSEGV");
        Assert.That(Space.Protect(address + 4096, 4096, Prot.None), Is.EqualTo(0));
        Assert.That(Machine.UserRead(address + 4096, out _), Is.False, "PROT_NONE page is unreadable");
        Assert.That(Space.Protect(address + 4096, 4096, RW), Is.EqualTo(0));
        Assert.That(Read(address + 4096), Is.EqualTo(9), "PROT_NONE kept the data");
        AssertCleanShutdown();
    }

    [Test]
    public void MprotectErrnos()
    {
        ulong address = MapAnonymous(1);
        Assert.That(Space.Protect(address + 1, 4096, Prot.Read), Is.EqualTo(-Errno.EINVAL), "unaligned");
        Assert.That(Space.Protect(address, 4096, 0x40), Is.EqualTo(-Errno.EINVAL), "unknown protection bits");
        Assert.That(Space.Protect(address, 8192, Prot.Read), Is.EqualTo(-Errno.ENOMEM), "range not fully mapped");
        Assert.That(Space.Protect(address, 0, Prot.Read), Is.EqualTo(0), "zero length is a no-op");
        AssertCleanShutdown();
    }

    // Linux x86-64 6.1's mprotect (mm/mprotect.c, do_mprotect_pkey) checks, in this
    // order: PROT_GROWSDOWN and PROT_GROWSUP together, the alignment, a zero length
    // (success), a wrapping end, then the protection bits (PROT_SEM is allowed).
    [Test]
    public void MprotectChecksInLinuxsOrder()
    {
        const long sem = 0x8, growsDown = 0x01000000, growsUp = 0x02000000;
        ulong address = MapAnonymous(2);
        Assert.That(Space.Protect(address, 0, Prot.Read | growsDown | growsUp), Is.EqualTo(-Errno.EINVAL), "grows down and up: checked first");
        Assert.That(Space.Protect(address + 1, 0, 0x40), Is.EqualTo(-Errno.EINVAL), "alignment: before the zero length");
        Assert.That(Space.Protect(address, 0, 0x40), Is.EqualTo(0), "zero length: success before the protection is looked at");
        Assert.That(Space.Protect(address, 0, 1L << 40), Is.EqualTo(0), "prot is an unsigned long: high bits are bits too, looked at later");
        Assert.That(Space.Protect(address, ulong.MaxValue - 100, 0x40), Is.EqualTo(-Errno.ENOMEM), "a length that wraps: before the protection");
        Assert.That(Space.Protect(address, 4096, 1L << 40), Is.EqualTo(-Errno.EINVAL), "unknown protection bits");

        Assert.That(Space.Protect(address, 4096, Prot.Read | sem), Is.EqualTo(0), "PROT_SEM is accepted");
        Assert.That(Read(address), Is.EqualTo(0));
        Assert.That(Machine.UserWrite(address, 1), Is.False, "and PROT_READ applied");

        Assert.That(Space.Protect(address, 4096, Prot.Read | growsDown), Is.EqualTo(-Errno.EINVAL), "a mapping that does not grow down");
        Assert.That(Space.Protect(address, 4096, Prot.Read | growsUp), Is.EqualTo(-Errno.EINVAL), "x86 has no grows-up mappings");
        Assert.That(Space.Protect(address + 8192, 4096, Prot.Read | growsDown), Is.EqualTo(-Errno.ENOMEM), "no mapping there at all");
        Assert.That(Space.Protect(address - 4096, 4096, Prot.Read | growsUp), Is.EqualTo(-Errno.ENOMEM), "the range starts in a hole");
        Assert.That(Read(address + 4096), Is.EqualTo(0), "the failed calls changed nothing");
        Write(address + 4096, 2);
        AssertCleanShutdown();
    }

    [Test]
    public void WeakeningProtectionShootsDownTheTlb()
    {
        ulong address = MapAnonymous(1);
        Write(address, 1); // fills the TLB with a writable entry
        Machine.DropShootdowns = true;
        Assert.That(Space.Protect(address, 4096, Prot.Read), Is.EqualTo(0));
        Assert.That(Machine.UserWrite(address, 2), Is.True, "without the shootdown the stale TLB entry still allows the write");
        Machine.DropShootdowns = false;
        Machine.Cpus[0].InvalidateAll();
        Assert.That(Machine.UserWrite(address, 3), Is.False, "with the TLB flushed the write is refused");
        AssertCleanShutdown();
    }

    [Test]
    public void FileMappingsLoadPagesOnDemand()
    {
        byte[] content = new byte[3 * 4096 + 100];
        for (int i = 0; i < content.Length; i++)
            content[i] = (byte)(i * 7);
        fixed (byte* data = content)
        {
            var file = new RamdiskFile("test.bin", data, (ulong)content.Length);
            long address = Space.Map(0, (ulong)content.Length, Prot.Read, MapFlags.Private, file, 4096);
            Assert.That(address, Is.GreaterThan(0));
            Assert.That(file.PagesLoaded, Is.EqualTo(0), "nothing loaded at mmap time");
            Assert.That(Read((ulong)address + 10), Is.EqualTo(content[4096 + 10]), "offset 4096 of the file");
            Assert.That(Read((ulong)address + 2 * 4096 + 99), Is.EqualTo(content[3 * 4096 + 99]));
            Assert.That(Read((ulong)address + 2 * 4096 + 100), Is.EqualTo(0), "past the end of the file reads zero");
            Assert.That(file.PagesLoaded, Is.EqualTo(2));
            Assert.That(Space.Map(0, 4096, RW, MapFlags.Shared, file, 0), Is.EqualTo(-Errno.EACCES), "the ramdisk is read-only");
            Assert.That(Space.Map(0, 4096, Prot.Read, MapFlags.Private, file, 100), Is.EqualTo(-Errno.EINVAL), "unaligned offset");
        }
        AssertCleanShutdown();
    }

    [Test]
    public void ForkSharesPagesCopyOnWrite()
    {
        ulong address = MapAnonymous(2);
        Write(address, 11);
        Write(address + 4096, 22);
        ulong usedBeforeFork = Machine.Frames.UsedFrames;
        AddressSpace child = Space.CloneForFork()!;
        Assert.That(child, Is.Not.Null);

        Write(address, 12); // parent writes: gets its own copy
        Assert.That(Space.CopyOnWriteCopies, Is.EqualTo(1));
        Machine.Cpus[0].SwitchTo(child);
        Assert.That(Read(address), Is.EqualTo(11), "the child still sees the value at fork time");
        Write(address + 4096, 23); // the child writes the other page: the parent's stays
        Machine.Cpus[0].SwitchTo(Space);
        Assert.That(Read(address + 4096), Is.EqualTo(22));
        Assert.That(Machine.Frames.UsedFrames, Is.GreaterThan(usedBeforeFork));

        child.Destroy();
        Write(address + 4096, 24); // last owner: takes the frame back without copying
        Assert.That(Space.CopyOnWriteReuses, Is.EqualTo(1));
        AssertCleanShutdown();
    }

    [Test]
    public void SharedMappingsStaySharedAcrossFork()
    {
        long address = Space.Map(0, 4096, RW, MapFlags.Shared | MapFlags.Anonymous, null, 0);
        Write((ulong)address, 1);
        AddressSpace child = Space.CloneForFork()!;
        Machine.Cpus[0].SwitchTo(child);
        Write((ulong)address, 2);
        Machine.Cpus[0].SwitchTo(Space);
        Assert.That(Read((ulong)address), Is.EqualTo(2), "MAP_SHARED: the child's write is visible to the parent");
        child.Destroy();
        AssertCleanShutdown();
    }
}
