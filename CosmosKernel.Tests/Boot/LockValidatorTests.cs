using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The lock validator (kernel option lockdep; issue 12, item 2). Every other boot test
// runs with it on (KernelBoot), so what they exercise is checked against it; these
// show that it catches what it is for, and names what it caught: a lock order
// inversion with both locks and both paths (return addresses, which the launcher
// names from kernel.elf), and a spin lock held across a sleep.
[TestFixture]
public class LockValidatorTests
{
    private const int CrashStatus = 3;

    [Test]
    public void AnInversionStopsTheKernelNamingBothLocksAndBothPaths()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=lock-inversion");
        string log = boot.Describe();
        Assert.That(boot.Lines, Has.Some.StartsWith("lockdep: lock order inversion: \"selftest first\" taken while holding \"selftest second\""), log);
        Assert.That(boot.Lines, Has.Some.StartsWith("PANIC message=lock validator: lock order inversion"), log);
        Assert.That(boot.Lines, Has.None.StartsWith("selftest: the lock validator did not stop"), log);
        Assert.That(boot.KernelStatus, Is.EqualTo(CrashStatus), log);

        IReadOnlyList<string> paths = LockdepReport.Decode(boot.Lines, KernelSymbols.Load(RepoPaths.KernelElf));
        Assert.That(paths, Has.Count.EqualTo(2), "this order's path and the other order's\n" + log);
        Assert.That(paths[0], Does.StartWith("lockdep decoded: this order"), log);
        Assert.That(paths[1], Does.StartWith("lockdep decoded: the other order"), log);
        foreach (string path in paths)
            Assert.That(path, Does.Match(@"FifoMutex__Lock\w*\+0x").And.Contain("Kernel__BeforeRun+0x"),
                "each path runs from the mutex's Lock up through the code that took it\n" + string.Join("\n", paths));
        Assert.That(paths[0].Split(" <- ")[1], Is.Not.EqualTo(paths[1].Split(" <- ")[1]),
            "the two paths take the locks at different places\n" + string.Join("\n", paths));
    }

    [Test]
    public void ASpinLockHeldAcrossASleepStopsTheKernel()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=spin-sleep");
        string log = boot.Describe();
        Assert.That(boot.Lines, Has.Some.StartsWith("lockdep: the spin lock \"selftest spin\" held across a sleep"), log);
        Assert.That(boot.Lines, Has.None.StartsWith("selftest: the lock validator did not stop"), log);
        Assert.That(boot.KernelStatus, Is.EqualTo(CrashStatus), log);
        IReadOnlyList<string> paths = LockdepReport.Decode(boot.Lines, KernelSymbols.Load(RepoPaths.KernelElf));
        Assert.That(paths, Has.Count.EqualTo(1), log);
        Assert.That(paths[0], Does.Contain("Scheduler__Park+0x").Or.Contain("Scheduler__Sleep+0x"),
            "the path runs from the sleep (Park, which the compiler may inline into Sleep)\n" + paths[0]);
        Assert.That(paths[0], Does.Contain("Kernel__BeforeRun+0x"), "up to the self-test that slept\n" + paths[0]);
    }

    // The control: without the option nothing is checked, and the same inversion runs
    // through (so the tests above see the validator, not something else, stop it).
    [Test]
    public void WithoutLockdepTheInversionRunsThrough()
    {
        BootResult boot = KernelBoot.Run("exit selftest=lock-inversion", lockdep: false);
        string log = boot.Describe();
        Assert.That(boot.Lines, Has.Some.EqualTo("selftest: the lock validator did not stop the inversion (booted without lockdep?)"), log);
        Assert.That(boot.Lines, Has.None.StartsWith("lockdep:"), log);
        Assert.That(boot.Crash, Is.Null, log);
    }
}
