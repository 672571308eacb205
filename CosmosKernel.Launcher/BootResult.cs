using System.Text.RegularExpressions;

namespace CosmosKernel.Launcher;

// What one boot produced: the serial log and how it ended.
public sealed record BootResult(int QemuExitCode, bool TimedOut, string SerialLog, TimeSpan Elapsed, TimeSpan? TimeToBanner)
{
    // The kernel's first line reads "CosmosKernel <version> booted (x86-64, NativeAOT C#)".
    public const string BannerMarker = " booted (x86-64";

    // What QEMU wrote to stderr (also at the end of SerialLog, marked "[qemu stderr]").
    public string QemuErrors { get; init; } = "";

    // The status the kernel wrote to isa-debug-exit: QEMU then exits with
    // (status << 1) | 1, and the kernel's last serial line is "KERNEL_EXIT status=N"
    // (HAL/QemuDebugExit). Both must agree: QEMU's own errors (a bad -smp, no display)
    // also end it with 1, which alone would read as status 0. Null when the kernel
    // did not report one (QEMU failed, was killed, or the machine powered off).
    public int? KernelStatus
    {
        get
        {
            if (TimedOut || (QemuExitCode & 1) == 0)
                return null;
            Match? reported = Lines.Select(l => Regex.Match(l.Trim(), @"^KERNEL_EXIT status=(\d+)$")).LastOrDefault(m => m.Success);
            if (reported == null)
                return null;
            int status = int.Parse(reported.Groups[1].Value);
            return (status << 1 | 1) == QemuExitCode ? status : null;
        }
    }

    public IEnumerable<string> Lines => SerialLog.Replace("\r\n", "\n").Split('\n', '\r');

    public CrashReport? Crash => Lines.Select(CrashReport.TryParse).FirstOrDefault(report => report != null);

    public string Describe() =>
        $"QEMU exit code {QemuExitCode}" + (TimedOut ? " (timed out)" : "")
        + (KernelStatus is int status ? $", kernel status {status}" : ", no kernel status")
        + $", {Elapsed.TotalSeconds:F1} s\n--- serial log ---\n{SerialLog}\n--- end of serial log ---";
}
