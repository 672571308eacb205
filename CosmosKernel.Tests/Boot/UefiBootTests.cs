using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The same ISO boots under UEFI firmware (OVMF): GRUB's EFI image, then the kernel.
[TestFixture]
public class UefiBootTests
{
    [Test]
    public void BootsUnderOvmfAndPassesTheSelfTest()
    {
        var options = new QemuOptions
        {
            IsoPath = RepoPaths.Iso,
            KernelOptions = "exit",
            UefiFirmware = Firmware.FindOvmf(),
            Timeout = KernelBoot.DefaultTimeout,
        };
        BootResult boot = QemuRunner.BootAsync(options).GetAwaiter().GetResult();
        TestContext.Out.WriteLine(boot.Describe());
        Assert.That(boot.TimedOut, Is.False, boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^CosmosKernel \d+\.\d+\.\d+ booted"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^selftest runtime: (\d+)/\1 checks passed$"), boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}
