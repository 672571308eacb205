using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Issue 15, item 3: gdb debugs the C# source. kernel.elf carries ILC's DWARF (the
// NativeAOT library is not stripped: build/NativeAot.props), so a breakpoint set by
// C# file and line is hit in the booted kernel, and the backtrace names the method.
// gdb runs in batch mode against QEMU's gdb stub, as a user's session would.
[TestFixture]
public class DebuggerTests
{
    [Test]
    public void ABreakpointOnACSharpLineIsHitAndNamesItsFileAndMethod()
    {
        string source = Path.Combine(RepoPaths.Root, "CosmosKernel", "Kernel.cs");
        // The banner's line in Kernel.BeforeRun: code every boot runs once.
        int line = Array.FindIndex(File.ReadAllLines(source), l => l.Contains("\" booted (x86-64, NativeAOT C#)\"")) + 1;
        Assert.That(line, Is.GreaterThan(0), "the banner's line in Kernel.cs");
        int port = FreePort();
        var options = new QemuOptions
        {
            IsoPath = RepoPaths.Iso,
            Cpus = 1,
            KernelOptions = "exit run=hello",
            Timeout = TimeSpan.FromSeconds(240),
            WaitForGdb = true,
            GdbPort = port,
        };
        Task<BootResult> boot = QemuRunner.BootAsync(options);
        WaitForListener(port);
        // A hardware breakpoint: at reset the CPU runs without paging, where the
        // kernel's higher-half address cannot take a software breakpoint's int3 yet.
        string gdbOutput = RunGdb(
            "set pagination off",
            "set confirm off",
            "target remote 127.0.0.1:" + port,
            "hbreak Kernel.cs:" + line,
            "continue",
            "bt 1",
            "delete",
            "continue");
        BootResult result = boot.GetAwaiter().GetResult();
        TestContext.Out.WriteLine(gdbOutput);
        TestContext.Out.WriteLine(result.Describe());

        Assert.That(gdbOutput, Does.Contain("Breakpoint 1, "), "gdb stopped at the breakpoint\n" + gdbOutput);
        Assert.That(gdbOutput, Does.Contain("Kernel.cs:" + line), "at the C# file and line\n" + gdbOutput);
        Assert.That(gdbOutput, Does.Contain("BeforeRun"), "in the method that holds the line\n" + gdbOutput);
        Assert.That(result.TimedOut, Is.False, "the kernel ran on to its end after gdb let it go\n" + result.Describe());
        Assert.That(result.KernelStatus, Is.EqualTo(0), result.Describe());
    }

    // The IDE's second launch profile (what Visual Studio and Rider run for it) boots
    // QEMU waiting for gdb on :1234. Its --gdb used to be dropped by dotnet run, and
    // the kernel booted without waiting.
    [Test]
    public void TheLaunchProfileForGdbWaitsForIt()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (string argument in new[] { "run", "--project", "CosmosKernel", "-c", "Release", "--no-build",
                     "--launch-profile", "CosmosKernel in QEMU, waiting for gdb on :1234" })
            start.ArgumentList.Add(argument);
        using Process launcher = Process.Start(start) ?? throw new AssertionException("dotnet did not start");
        try
        {
            var said = new List<string>();
            Task<string?> next = launcher.StandardOutput.ReadLineAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!said.Any(l => l.StartsWith("launcher: booting", StringComparison.Ordinal)) && next.Wait(deadline - DateTime.UtcNow) && next.Result != null)
            {
                said.Add(next.Result);
                next = launcher.StandardOutput.ReadLineAsync();
            }
            string booting = said.FirstOrDefault(l => l.StartsWith("launcher: booting", StringComparison.Ordinal)) ?? "";
            Assert.That(booting, Does.Contain("waiting for gdb on :1234"), string.Join("\n", said));
            WaitForListener(QemuOptions.DefaultGdbPort); // QEMU's stub answers there
        }
        finally
        {
            launcher.Kill(entireProcessTree: true);
            launcher.WaitForExit();
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // Until QEMU's gdb stub listens on `port` (QEMU takes a moment to start).
    private static void WaitForListener(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    // gdb -batch on kernel.elf with these commands; its whole output.
    private static string RunGdb(params string[] commands)
    {
        var start = new ProcessStartInfo("gdb") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-batch", "-nx", RepoPaths.KernelElf })
            start.ArgumentList.Add(argument);
        foreach (string command in commands)
        {
            start.ArgumentList.Add("-ex");
            start.ArgumentList.Add(command);
        }
        using Process gdb = Process.Start(start) ?? throw new AssertionException("gdb did not start");
        Task<string> output = gdb.StandardOutput.ReadToEndAsync();
        Task<string> errors = gdb.StandardError.ReadToEndAsync();
        if (!gdb.WaitForExit(TimeSpan.FromSeconds(200)))
        {
            gdb.Kill(entireProcessTree: true);
            Assert.Fail("gdb did not finish within 200 s\n" + output.Result + errors.Result);
        }
        return output.Result + errors.Result;
    }
}
