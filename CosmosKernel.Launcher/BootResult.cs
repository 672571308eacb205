namespace CosmosKernel.Launcher;

// What one boot produced: the serial log and how it ended.
public sealed record BootResult(int QemuExitCode, bool TimedOut, string SerialLog, TimeSpan Elapsed, TimeSpan? TimeToBanner)
{
    // The kernel's first line reads "CosmosKernel <version> booted (x86-64, NativeAOT C#)".
    public const string BannerMarker = " booted (x86-64";

    // The status the kernel wrote to isa-debug-exit: QEMU exits with (status << 1) | 1.
    // Null when QEMU ended another way (killed, crashed, or powered off normally).
    public int? KernelStatus => !TimedOut && (QemuExitCode & 1) == 1 ? QemuExitCode >> 1 : null;

    public IEnumerable<string> Lines => SerialLog.Replace("\r\n", "\n").Split('\n', '\r');

    public CrashReport? Crash => Lines.Select(CrashReport.TryParse).FirstOrDefault(report => report != null);

    public string Describe() =>
        $"QEMU exit code {QemuExitCode}" + (TimedOut ? " (timed out)" : "")
        + (KernelStatus is int status ? $", kernel status {status}" : "")
        + $", {Elapsed.TotalSeconds:F1} s\n--- serial log ---\n{SerialLog}\n--- end of serial log ---";
}
