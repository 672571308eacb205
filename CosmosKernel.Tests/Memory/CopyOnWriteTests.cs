using CosmosKernel.Abi;
using CosmosKernel.Memory;

namespace CosmosKernel.Tests.Memory;

// Copy-on-write follows the private region, not the PTE's write bit: a page that is
// read-only or PROT_NONE at fork is still private to each process afterwards, so
// making it writable again in one process must not let it write the other's frame
// (issue 16, item 2).
[TestFixture]
public unsafe class CopyOnWriteTests : VmmTestBase
{
    private const int RWX = Prot.Read | Prot.Write | Prot.Exec;

    private void RunIn(AddressSpace space) => Machine.Cpus[0].SwitchTo(space);

    [TestCase(Prot.Read, TestName = "A private page read-only at fork stays private when the child makes it writable")]
    [TestCase(Prot.None, TestName = "A private page PROT_NONE at fork stays private when the child makes it writable")]
    public void APageNotWritableAtForkIsStillCopyOnWrite(int protectionAtFork)
    {
        ulong p = MapAnonymous(1);
        Write(p, (byte)'A');
        Assert.That(Space.Protect(p, 4096, protectionAtFork), Is.EqualTo(0));
        AddressSpace child = Space.CloneForFork()!;

        RunIn(child);
        Assert.That(child.Protect(p, 4096, RW), Is.EqualTo(0));
        Write(p, (byte)'C');
        Assert.That(Read(p), Is.EqualTo((byte)'C'));

        RunIn(Space);
        Assert.That(Space.Protect(p, 4096, RW), Is.EqualTo(0));
        Assert.That(Read(p), Is.EqualTo((byte)'A'), "the child's write must not reach the parent's page");
        Write(p, (byte)'P');

        RunIn(child);
        Assert.That(Read(p), Is.EqualTo((byte)'C'), "the parent's write must not reach the child's page");
        child.Destroy();
        RunIn(Space);
        Assert.That(Read(p), Is.EqualTo((byte)'P'));
        AssertCleanShutdown();
    }

    // Program text: a private, read-only, executable file mapping. A child that makes
    // it writable and patches it must not change the code its parent runs.
    [Test]
    public void AChildPatchingProgramTextDoesNotChangeTheParentsCode()
    {
        byte[] content = new byte[2 * 4096];
        for (int i = 0; i < content.Length; i++)
            content[i] = 0x90;
        fixed (byte* data = content)
        {
            var file = new RamdiskFile("text", data, (ulong)content.Length);
            long mapped = Space.Map(0, (ulong)content.Length, Prot.Read | Prot.Exec, MapFlags.Private, file, 0);
            Assert.That(mapped, Is.GreaterThan(0));
            ulong text = (ulong)mapped;
            Assert.That(Read(text + 4096 + 5), Is.EqualTo(0x90), "the parent has run this page: it is loaded");
            AddressSpace child = Space.CloneForFork()!;

            RunIn(child);
            Assert.That(child.Protect(text, (ulong)content.Length, RWX), Is.EqualTo(0));
            Write(text + 4096 + 5, 0xCC);
            Write(text + 7, 0xCC); // a page the parent never loaded: the child's own copy anyway

            RunIn(Space);
            Assert.That(Read(text + 4096 + 5), Is.EqualTo(0x90), "the parent's code is unchanged");
            Assert.That(Read(text + 7), Is.EqualTo(0x90));
            Assert.That(content[4096 + 5], Is.EqualTo(0x90), "and so is the file");
            child.Destroy();
        }
        AssertCleanShutdown();
    }

    // mprotect keeps the copy-on-write mark: after fork, a write-protect and
    // write-enable round trip in the parent still copies on the first write, and once
    // the child is gone the parent takes the frame back without copying.
    [Test]
    public void MprotectNeverMakesACopyOnWritePageWritable()
    {
        ulong p = MapAnonymous(1);
        Write(p, 1);
        AddressSpace child = Space.CloneForFork()!;
        Assert.That(Space.Protect(p, 4096, Prot.None), Is.EqualTo(0));
        Assert.That(Space.Protect(p, 4096, RW), Is.EqualTo(0));
        Assert.That(Space.Table.Get(p) & Pte.Writable, Is.EqualTo(0UL), "still shared with the child: not writable");
        Write(p, 2);
        Assert.That(Space.CopyOnWriteCopies, Is.EqualTo(1));
        RunIn(child);
        Assert.That(Read(p), Is.EqualTo(1));

        RunIn(Space);
        AddressSpace second = Space.CloneForFork()!;
        second.Destroy(); // the only other owner goes: the next write reuses the frame
        Assert.That(Space.Protect(p, 4096, Prot.Read), Is.EqualTo(0));
        Assert.That(Space.Protect(p, 4096, RW), Is.EqualTo(0));
        Write(p, 3);
        Assert.That(Space.CopyOnWriteReuses, Is.EqualTo(1), "the last owner takes the frame back without copying");
        child.Destroy();
        RunIn(Space);
        Assert.That(Read(p), Is.EqualTo(3));
        AssertCleanShutdown();
    }
}
