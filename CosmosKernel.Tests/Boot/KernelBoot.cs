using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Boots the ISO headless in QEMU (TCG) with the given kernel options. A boot that
// does not end within the timeout fails the test with the serial log. Every boot runs
// with the lock validator on (option lockdep, issue 12): a lock order inversion or a
// spin lock held across a sleep anywhere in any test stops that kernel with a report.
public static class KernelBoot
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    public static BootResult Run(string kernelOptions, int cpus = 1, TimeSpan? timeout = null, string? iso = null, int memoryMiB = 256,
        bool lockdep = true, IReadOnlyList<TypingStep>? typing = null)
    {
        if (lockdep)
            kernelOptions += " lockdep";
        var options = new QemuOptions
        {
            IsoPath = iso ?? RepoPaths.Iso,
            Cpus = cpus,
            MemoryMiB = memoryMiB,
            KernelOptions = kernelOptions,
            Timeout = timeout ?? DefaultTimeout,
            Typing = typing ?? [],
        };
        BootResult result = QemuRunner.BootAsync(options).GetAwaiter().GetResult();
        TestContext.Out.WriteLine(result.Describe());
        return result;
    }

    // Boot, and fail with the serial log unless QEMU ended through isa-debug-exit.
    public static BootResult RunToExit(string kernelOptions, int cpus = 1, string? iso = null)
    {
        BootResult result = Run(kernelOptions, cpus, iso: iso);
        if (result.TimedOut)
            Assert.Fail("the kernel did not finish within " + DefaultTimeout.TotalSeconds + " s\n" + result.Describe());
        if (result.KernelStatus == null)
            Assert.Fail("QEMU ended without the kernel's exit status\n" + result.Describe());
        return result;
    }
}
