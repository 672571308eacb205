using System.Diagnostics;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Builds the kernel from a test with other settings than the suite's Release build (a
// kernel without plugs, a Debug kernel), into its own artifacts directory so the ISO
// the other tests boot is untouched. Fails the test with the build's output unless the
// build succeeded and wrote `iso` afresh.
public static class KernelBuild
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    // The build's output (for assertions on what it printed).
    public static string Run(string iso, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "build", "CosmosKernel" }.Concat(arguments).Concat(new[] { "-nologo", "-v", "minimal" }))
            start.ArgumentList.Add(argument);
        // The test host may run under MSBuild's environment (dotnet test); the build
        // started here must find its own SDK, not inherit a half-set one.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        if (File.Exists(iso))
            File.Delete(iso); // a stale ISO must not pass for a fresh one
        string command = "dotnet " + string.Join(" ", start.ArgumentList);
        using Process build = Process.Start(start)!;
        Task<string> output = build.StandardOutput.ReadToEndAsync();
        Task<string> errors = build.StandardError.ReadToEndAsync();
        if (!build.WaitForExit(Timeout))
        {
            build.Kill(entireProcessTree: true);
            Assert.Fail($"{command} did not finish within {Timeout.TotalMinutes} minutes");
        }
        string log = output.Result + errors.Result;
        Assert.That(build.ExitCode, Is.EqualTo(0), command + " failed\n" + log);
        Assert.That(File.Exists(iso), Is.True, command + " did not write " + iso + "\n" + log);
        return log;
    }
}
