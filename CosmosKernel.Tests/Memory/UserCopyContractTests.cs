using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;

namespace CosmosKernel.Tests.Memory;

// The contract every strategy keeps, single-threaded: range checks, bytes-not-copied
// counts, zero-fill after a failed copy_from_user, faulting pages in, strncpy and
// clear_user semantics.
[TestFixture]
public unsafe class UserCopyContractTests : VmmTestBase
{
    private static readonly string[] Strategies = UserCopier.StrategyNames;

    private UserCopier Copier(string name) => new(UserCopier.StrategyByName(name)!);

    [TestCaseSource(nameof(Strategies))]
    public void CopiesBothWaysAcrossPagesAndFaultsPagesIn(string strategy)
    {
        var copier = Copier(strategy);
        ulong buffer = MapAnonymous(3);
        byte[] source = new byte[6000];
        for (int i = 0; i < source.Length; i++)
            source[i] = (byte)(i % 251);
        fixed (byte* s = source)
            Assert.That(copier.CopyToUser(Space, buffer + 100, s, 6000), Is.EqualTo(0UL));
        Assert.That(Read(buffer + 100 + 5000), Is.EqualTo(source[5000]));
        byte[] back = new byte[6000];
        fixed (byte* b = back)
            Assert.That(copier.CopyFromUser(Space, b, buffer + 100, 6000), Is.EqualTo(0UL));
        Assert.That(back, Is.EqualTo(source));
        AssertNoLockLeft(buffer, 3);
        AssertCleanShutdown();
    }

    [TestCaseSource(nameof(Strategies))]
    public void RefusesRangesOutsideUserSpace(string strategy)
    {
        var copier = Copier(strategy);
        byte[] kernel = new byte[16];
        fixed (byte* k = kernel)
        {
            Assert.That(copier.CopyFromUser(Space, k, 0xFFFF800000000000, 16), Is.EqualTo(16UL), "kernel address");
            Assert.That(copier.CopyFromUser(Space, k, 0x0000800000000000, 16), Is.EqualTo(16UL), "non-canonical");
            Assert.That(copier.CopyFromUser(Space, k, 0x00007FFFFFFFFFF8, 16), Is.EqualTo(16UL), "crosses the end of user space");
            Assert.That(copier.CopyFromUser(Space, k, ulong.MaxValue - 4, 16), Is.EqualTo(16UL), "pointer + length wraps");
            Assert.That(copier.CopyToUser(Space, 0xFFFFFFFF80000000, k, 16), Is.EqualTo(16UL), "kernel image");
            Assert.That(copier.CopyToUser(Space, 0, k, 16), Is.EqualTo(16UL), "NULL");
        }
        if (strategy != "naive")
            Assert.That(Machine.KernelPanics, Is.EqualTo(0));
        AssertCleanShutdown();
    }

    [TestCaseSource(nameof(Strategies))]
    public void AFailedCopyFromUserReportsTheRestAndZeroFillsIt(string strategy)
    {
        var copier = Copier(strategy);
        ulong buffer = MapAnonymous(2);
        Assert.That(Space.Unmap(buffer + 4096, 4096), Is.EqualTo(0));
        Write(buffer + 4000, 0x5A);
        byte[] kernel = new byte[200];
        Array.Fill(kernel, (byte)0xEE);
        ulong notCopied;
        fixed (byte* k = kernel)
            notCopied = copier.CopyFromUser(Space, k, buffer + 4000, 200);
        Assert.That(notCopied, Is.EqualTo(200UL - 96), "the 96 bytes before the hole are copied");
        Assert.That(kernel[0], Is.EqualTo(0x5A));
        Assert.That(kernel.Skip(96), Is.All.EqualTo(0), "the rest is zero-filled, no stale kernel bytes");
        if (strategy == "naive")
            Assert.That(Machine.KernelPanics, Is.EqualTo(1), "naive has no recovery: the fault is a kernel panic");
        else
            Assert.That(Machine.KernelPanics, Is.EqualTo(0));
        AssertNoLockLeft(buffer, 1);
        AssertCleanShutdown();
    }

    [TestCaseSource(nameof(Strategies))]
    public void CopyToUserRespectsReadOnlyPages(string strategy)
    {
        var copier = Copier(strategy);
        ulong buffer = MapAnonymous(1, Prot.Read);
        byte[] kernel = new byte[8];
        fixed (byte* k = kernel)
            Assert.That(copier.CopyToUser(Space, buffer, k, 8), Is.EqualTo(8UL));
        AssertCleanShutdown();
    }

    [TestCaseSource(nameof(Strategies))]
    public void CopyToUserBreaksCopyOnWrite(string strategy)
    {
        var copier = Copier(strategy);
        ulong buffer = MapAnonymous(1);
        Write(buffer, 1);
        AddressSpace child = Space.CloneForFork()!;
        byte[] kernel = { 99 };
        fixed (byte* k = kernel)
            Assert.That(copier.CopyToUser(Space, buffer, k, 1), Is.EqualTo(0UL));
        Assert.That(Read(buffer), Is.EqualTo(99));
        Machine.Cpus[0].SwitchTo(child);
        Assert.That(Read(buffer), Is.EqualTo(1), "the child keeps its copy");
        Machine.Cpus[0].SwitchTo(Space);
        child.Destroy();
        AssertCleanShutdown();
    }

    [TestCaseSource(nameof(Strategies))]
    public void StrncpyFromUserFollowsLinux(string strategy)
    {
        var copier = Copier(strategy);
        ulong buffer = MapAnonymous(2);
        ulong text = buffer + 4096 - 3; // "hello" straddles a page boundary
        foreach (var (offset, c) in "hello\0".Select((c, i) => ((ulong)i, c)))
            Write(text + offset, (byte)c);
        byte[] kernel = new byte[32];
        fixed (byte* k = kernel)
        {
            Assert.That(copier.StrncpyFromUser(Space, k, text, 32), Is.EqualTo(5), "length without the NUL");
            Assert.That(copier.StrncpyFromUser(Space, k, text, 3), Is.EqualTo(3), "no NUL within count: count");
            Assert.That(copier.StrncpyFromUser(Space, k, 0xFFFF800000001000, 8), Is.EqualTo(-Errno.EFAULT));
            Space.Unmap(buffer + 4096, 4096);
            Assert.That(copier.StrncpyFromUser(Space, k, text, 32), Is.EqualTo(-Errno.EFAULT), "the string runs into a hole");
        }
        AssertCleanShutdown();
    }

    [TestCaseSource(nameof(Strategies))]
    public void ClearUserZeroesAndCounts(string strategy)
    {
        var copier = Copier(strategy);
        ulong buffer = MapAnonymous(2);
        Write(buffer + 10, 5);
        Assert.That(copier.ClearUser(Space, buffer, 8192), Is.EqualTo(0UL));
        Assert.That(Read(buffer + 10), Is.EqualTo(0));
        Assert.That(copier.ClearUser(Space, buffer + 4096, 8192), Is.EqualTo(4096UL), "the second page past the mapping is not cleared");
        AssertCleanShutdown();
    }

    private void AssertNoLockLeft(ulong buffer, int pages)
    {
        for (ulong page = 0; page < (ulong)pages; page++)
            Assert.That(Space.Table.Get(buffer + page * 4096) & Pte.CopyLocked, Is.EqualTo(0UL), "a page stayed copy-locked");
    }
}
