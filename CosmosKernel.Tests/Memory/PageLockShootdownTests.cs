using CosmosKernel.Abi;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Tests.Simulation;

namespace CosmosKernel.Tests.Memory;

// pagelock shoots a window down only if some CPU may cache one of its pages: a page
// whose Accessed bit is clear was walked by no CPU since the last copy unlocked it (the
// simulated MMU, as the hardware, sets Accessed before it caches a translation). A
// buffer only ever handed to syscalls then costs no interrupt to the process's other
// CPUs; one that user code touched in between is shot down as before.
[TestFixture]
public unsafe class PageLockShootdownTests
{
    [Test]
    public void ABufferNobodyTouchedBetweenCopiesIsNotShotDownAgain()
    {
        var scheduler = new DeterministicScheduler(1);
        using var machine = new SimulatedMachine(cpus: 2, ramMiB: 8, scheduler);
        var copier = new UserCopier(new PageLockStrategy());
        AddressSpace space = AddressSpace.Create(machine.Vmm)!;
        machine.Cpus[0].SwitchTo(space);
        machine.Cpus[1].SwitchTo(space);
        ulong buffer = (ulong)space.Map(0, 2 * 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous, null, 0);
        byte[] data = Enumerable.Range(0, 8192).Select(i => (byte)(i % 251)).ToArray();
        long afterTouch = 0, afterFirst = 0, afterSecond = 0, afterTouchAgain = 0, afterThird = 0;
        byte seen = 0;
        int user = -1;
        fixed (byte* source = data)
        {
            byte* s = source;
            int kernel = scheduler.Spawn(() =>
            {
                while (afterTouch == 0)
                    scheduler.Yield();
                copier.CopyToUser(space, buffer, s, 8192); // the user thread's CPU caches the page: shot down
                afterFirst = machine.Shootdowns;
                copier.CopyToUser(space, buffer, s, 8192); // nobody walked it since: no shootdown
                afterSecond = machine.Shootdowns;
                while (afterTouchAgain == 0)
                    scheduler.Yield();
                copier.CopyToUser(space, buffer, s, 8192); // touched again: shot down again
                afterThird = machine.Shootdowns;
            });
            user = scheduler.Spawn(() =>
            {
                machine.UserWrite(buffer + 100, 1);
                afterTouch = machine.Shootdowns + 1;
                while (afterSecond == 0)
                    scheduler.Yield();
                machine.UserRead(buffer + 100, out seen);
                afterTouchAgain = 1;
            });
            machine.Pin(kernel, 0);
            machine.Pin(user, 1);
            Assert.That(scheduler.Run().Failure, Is.Null);
        }
        Assert.That(afterFirst, Is.GreaterThan(afterTouch - 1), "a page the user thread touched is shot down");
        Assert.That(afterSecond, Is.EqualTo(afterFirst), "a page nobody walked since the last unlock is not");
        Assert.That(afterThird, Is.GreaterThan(afterSecond), "once touched again, it is shot down again");
        Assert.That(seen, Is.EqualTo(data[100]), "the user thread sees the copied bytes");
        Assert.That(machine.UserAccessesToLockedPages, Is.EqualTo(0));
    }
}
