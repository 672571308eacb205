using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The launcher as a user runs it: a wrong request is refused with one clear line and a
// non-zero exit, and a QEMU that fails is never reported as a kernel that passed.
[TestFixture]
public class LauncherCommandTests
{
    private static (int ExitCode, string Output) Launch(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(typeof(BootResult).Assembly.Location);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using Process launcher = Process.Start(start)!;
        Task<string> output = launcher.StandardOutput.ReadToEndAsync();
        Task<string> errors = launcher.StandardError.ReadToEndAsync();
        if (!launcher.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            launcher.Kill(entireProcessTree: true);
            Assert.Fail("the launcher did not end within 3 minutes");
        }
        return (launcher.ExitCode, output.Result + errors.Result);
    }

    [TestCase("--smp", "-1", "--smp -1: the kernel runs on 1 to 16 CPUs")]
    [TestCase("--smp", "17", "--smp 17: the kernel runs on 1 to 16 CPUs")]
    [TestCase("--memory", "16", "--memory 16: the kernel needs at least 64 MiB")]
    public void RefusesAMachineTheKernelCannotRunOn(string option, string value, string message)
    {
        (int exitCode, string output) = Launch("run", "--headless", option, value);
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("launcher: " + message), output);
        Assert.That(output, Does.Not.Contain("kernel exited with status"), output);
        Assert.That(output, Does.Not.Contain("booting"), "refused before QEMU starts\n" + output);
    }

    [Test]
    public void AQemuThatFailsIsNotAKernelThatPassed()
    {
        // QEMU's gdb stub (-s) cannot listen on a port that is taken: QEMU exits with 1,
        // the exit code a kernel status of 0 would give.
        // IPv6 and IPv4 at once: QEMU listens on every address it gets for "::1234".
        using var taken = new TcpListener(IPAddress.IPv6Any, 1234);
        taken.Server.DualMode = true;
        try { taken.Start(); } catch (SocketException) { /* taken already: QEMU fails all the same */ }
        (int exitCode, string output) = Launch("run", "--headless", "--gdb", "--smp", "1", "--timeout", "60");
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("the kernel reported no exit status"), output);
        Assert.That(output, Does.Contain("QEMU said: "), "QEMU's own message is shown\n" + output);
        Assert.That(output, Does.Not.Contain("kernel exited with status"), output);
    }
}
