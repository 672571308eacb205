using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Tests.Simulation;
using CosmosKernel.Threading;

namespace CosmosKernel.Tests.Memory;

// A single-threaded simulated machine (one CPU running one address space) for the
// VMM's sequential semantics. The race tests use the deterministic scheduler instead.
public abstract unsafe class VmmTestBase
{
    protected sealed class SingleThread : IThreadBackend
    {
        public int CurrentThreadId => 0;
        public void Park() => throw new InvalidOperationException("a single-threaded test would block forever");
        public void ParkInterruptible() => Park();
        public void Unpark(int threadId) { }
        public void Yield() { }
        public bool RunsOnAnotherCpu(int threadId) => false;
        public void SpinPause() { }
        public void Sleep(int milliseconds) { }
    }

    protected SimulatedMachine Machine = null!;
    protected AddressSpace Space = null!;
    protected ulong UsedFramesAtStart;

    [SetUp]
    public void CreateMachine()
    {
        Machine = new SimulatedMachine(cpus: 1, ramMiB: 16, new SingleThread());
        UsedFramesAtStart = Machine.Frames.UsedFrames;
        Space = AddressSpace.Create(Machine.Vmm)!;
        Machine.Cpus[0].SwitchTo(Space);
    }

    [TearDown]
    public void DestroyMachine() => Machine.Dispose();

    protected const int RW = Prot.Read | Prot.Write;
    protected const int PrivateAnon = MapFlags.Private | MapFlags.Anonymous;

    protected ulong MapAnonymous(ulong pages, int protection = RW)
    {
        long address = Space.Map(0, pages * Paging.PageSize, protection, PrivateAnon, null, 0);
        Assert.That(address, Is.GreaterThan(0), "mmap failed with errno " + (-address));
        return (ulong)address;
    }

    protected void Write(ulong va, byte value) => Assert.That(Machine.UserWrite(va, value), Is.True, "user write at 0x" + va.ToString("x"));

    protected byte Read(ulong va)
    {
        Assert.That(Machine.UserRead(va, out byte value), Is.True, "user read at 0x" + va.ToString("x"));
        return value;
    }

    // After Destroy, every frame the test used is back and no invariant was broken.
    protected void AssertCleanShutdown()
    {
        Space.Destroy();
        Assert.That(Machine.Frames.UsedFrames, Is.EqualTo(UsedFramesAtStart), "frames leaked");
        Assert.That(Machine.Frames.DoubleFrees, Is.EqualTo(0), "frames freed twice");
        Assert.That(Machine.Frames.CheckFreeFrames(), Is.EqualTo(0), "writes into freed frames");
        Assert.That(Machine.Frames.PoisonViolations, Is.EqualTo(0), "writes into freed frames");
    }
}
