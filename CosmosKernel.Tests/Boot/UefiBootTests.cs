using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// The same ISO boots under UEFI firmware (OVMF): GRUB's EFI image, then the kernel.
[TestFixture]
public class UefiBootTests
{
    [Test]
    public void BootsUnderOvmfAndPassesTheSelfTest()
    {
        BootResult boot = BootUnderOvmf("exit");
        TestContext.Out.WriteLine(boot.Describe());
        Assert.That(boot.TimedOut, Is.False, boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^CosmosKernel \d+\.\d+\.\d+ booted"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^selftest runtime: (\d+)/\1 checks passed$"), boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }

    // There is no VGA text mode under UEFI: the console draws on GRUB's framebuffer
    // with GRUB's ASCII font, and finds in the framebuffer every pixel it drew.
    [Test]
    public void TheConsoleDrawsOnTheFramebuffer()
    {
        BootResult boot = BootUnderOvmf("exit run=hello");
        Match console = boot.Lines.Select(l => Regex.Match(l, @"^console: framebuffer (\d+)x(\d+) \((\d+)x(\d+) characters of 8x16\) and COM1; (\d+) pixels drawn, (\d+) found$"))
            .FirstOrDefault(m => m.Success) ?? Match.Empty;
        Assert.That(console.Success, Is.True, boot.Describe());
        Assert.That(int.Parse(console.Groups[3].Value), Is.EqualTo(int.Parse(console.Groups[1].Value) / 8), "columns of 8 pixels");
        Assert.That(int.Parse(console.Groups[4].Value), Is.EqualTo(int.Parse(console.Groups[2].Value) / 16), "rows of 16 pixels");
        long drawn = long.Parse(console.Groups[5].Value);
        Assert.That(drawn, Is.GreaterThan(500), "the banner and the boot line are drawn");
        Assert.That(long.Parse(console.Groups[6].Value), Is.EqualTo(drawn), "every pixel drawn is in the framebuffer");
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }

    private static BootResult BootUnderOvmf(string kernelOptions)
        => QemuRunner.BootAsync(new QemuOptions
        {
            IsoPath = RepoPaths.Iso,
            KernelOptions = kernelOptions,
            UefiFirmware = Firmware.FindOvmf(),
            Timeout = KernelBoot.DefaultTimeout,
        }).GetAwaiter().GetResult();
}
