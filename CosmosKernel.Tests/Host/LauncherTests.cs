using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The host-side pieces that turn serial output into facts.
[TestFixture]
public class LauncherTests
{
    [Test]
    public void ParsesTheKernelsCrashLine()
    {
        var crash = CrashReport.TryParse("CRASH vector=14 error=0x2 rip=0xFFFFFFFF80101150 cr2=0x0000000000001000 rsp=0xFFFFFFFF80124F58 bytes=488b07c3");
        Assert.That(crash, Is.Not.Null);
        Assert.That(crash!.Vector, Is.EqualTo(14));
        Assert.That(crash.ErrorCode, Is.EqualTo(2));
        Assert.That(crash.Rip, Is.EqualTo(0xFFFFFFFF80101150));
        Assert.That(crash.Cr2, Is.EqualTo(0x1000));
        Assert.That(crash.CodeBytes, Is.EqualTo(new byte[] { 0x48, 0x8b, 0x07, 0xc3 }));
    }

    [Test]
    public void IgnoresOtherLines()
    {
        Assert.That(CrashReport.TryParse("CRASH vector=x"), Is.Null);
        Assert.That(CrashReport.TryParse("boot: all self-tests passed"), Is.Null);
    }

    [Test]
    public void UnavailableBytesDecodeToNothing()
    {
        var crash = CrashReport.TryParse("CRASH vector=13 error=0x0 rip=0x0000000000000010 cr2=0x0 rsp=0x0 bytes=unavailable");
        Assert.That(crash!.CodeBytes, Is.Empty);
        Assert.That(InstructionDecoder.Decode(crash.CodeBytes, crash.Rip), Is.Null);
    }

    [Test]
    public void DecodesWithTheRipForRelativeOperands()
    {
        // e8 00 00 00 00 = call to the next instruction: the target depends on RIP.
        Assert.That(InstructionDecoder.Decode([0xe8, 0, 0, 0, 0], 0x1000), Is.EqualTo("call 0000000000001005h"));
    }

    [Test]
    public void KernelStatusComesFromIsaDebugExitAndTheKernelsLine()
    {
        Assert.That(new BootResult(7, false, "x\nKERNEL_EXIT status=3\n", TimeSpan.Zero, null).KernelStatus, Is.EqualTo(3));
        Assert.That(new BootResult(1, false, "KERNEL_EXIT status=0", TimeSpan.Zero, null).KernelStatus, Is.EqualTo(0));
        Assert.That(new BootResult(1, false, "qemu-system-x86_64: Invalid SMP CPUs -1", TimeSpan.Zero, null).KernelStatus, Is.Null,
            "QEMU's own errors exit with 1 too: without the kernel's line there is no kernel status");
        Assert.That(new BootResult(7, false, "KERNEL_EXIT status=0", TimeSpan.Zero, null).KernelStatus, Is.Null, "line and exit code disagree");
        Assert.That(new BootResult(0, false, "", TimeSpan.Zero, null).KernelStatus, Is.Null, "0 is a normal QEMU exit, not the device");
        Assert.That(new BootResult(7, true, "KERNEL_EXIT status=3", TimeSpan.Zero, null).KernelStatus, Is.Null, "a killed QEMU has no kernel status");
    }

    [Test]
    public void KernelOptionsWithCommasAreEscapedForFwCfg()
    {
        var args = new QemuOptions { IsoPath = "x.iso", KernelOptions = "a=1,2" }.ToArguments();
        Assert.That(args, Has.Some.EqualTo("name=opt/cosmos/cmdline,string=a=1,,2"));
    }

    [Test]
    public void StripsGrubTerminalEscapes()
    {
        Assert.That(QemuRunner.StripTerminalEscapes("\u001b[2J\u001b[1;1HBooting `CosmosKernel'"), Is.EqualTo("Booting `CosmosKernel'"));
        Assert.That(QemuRunner.StripTerminalEscapes("Booting from ROM..\u001bcrflags: 20/20 checks passed"), Is.EqualTo("Booting from ROM..\nrflags: 20/20 checks passed"), "a terminal reset starts a line");
    }

    [Test]
    public void TheEchoStripsEscapesCutBetweenChunks()
    {
        var filter = new TerminalEscapeFilter();
        string seen = filter.Feed("\u001b[2J\u001b[1") + filter.Feed(";1HBooting `Cosmos") + filter.Feed("Kernel'\u001b") + filter.Feed("crflags: ok\u001b[0m\n");
        Assert.That(seen, Is.EqualTo("Booting `CosmosKernel'\nrflags: ok\n"));
        Assert.That(new TerminalEscapeFilter().Feed("a\u001bxb"), Is.EqualTo("a\u001bxb"), "an escape that starts no sequence stays");
    }

    [Test]
    public void BenchmarkChartsTitleTheirAxesAndLabelEveryBar()
    {
        string svg = BenchmarkReport.BarChart("t", "throughput / memcpy's", new[] { "4 KiB" }, (strategy, i) => strategy == "pagelock" ? 0.87 : null);
        Assert.That(svg, Does.Contain(">throughput / memcpy's</text>"), "the y axis says what it measures");
        Assert.That(svg, Does.Contain(">user-copy strategy</text>"), "the x axis too");
        Assert.That(svg, Does.Contain(">0.87</text>"), "the bar shows its value");
    }

    [Test]
    public void TheBenchmarkReportNamesThisMachine()
    {
        string host = BenchmarkReport.DescribeHost(2);
        Assert.That(host, Does.StartWith("2 host cores, "));
        Assert.That(host, Does.Not.Contain("unnamed"));
        if (File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains("model name"))
            Assert.That(host, Does.Not.Contain("an unknown CPU"), "the CPU model from /proc/cpuinfo");
    }
}
