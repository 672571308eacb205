using System.Diagnostics;
using System.Text;

namespace CosmosKernel.Launcher;

// Boots the ISO once in QEMU (TCG; no KVM needed) and collects the serial console;
// RunAsync runs QEMU with any arguments (LinuxRunner boots Debian's kernel with it).
public static class QemuRunner
{
    public const string QemuBinary = "qemu-system-x86_64";
    // What GRUB prints while its menu counts down (grub.cfg: set timeout=2).
    public const string GrubCountdown = "will be executed automatically";

    public static Task<BootResult> BootAsync(QemuOptions options, CancellationToken cancel = default)
    {
        if (!File.Exists(options.IsoPath))
            throw new LauncherSetupException($"no ISO at {options.IsoPath}: build it first with: dotnet build CosmosKernel -c Release");
        return RunAsync(options.ToArguments(), options.Timeout, options.Echo, BootResult.BannerMarker,
            options.SkipBootMenu ? GrubCountdown : null, cancel, options.Typing, options.ForwardInput);
    }

    // Run QEMU with `arguments` until it exits or `timeout` passes (then it is killed),
    // collecting its serial console (stdout). `bannerMarker`: the result's TimeToBanner
    // is when it first appeared. `pressEnterOn`: press Enter once when it appears.
    // `typing`: text to type on the serial console, each step once its prompt shows.
    public static async Task<BootResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, TextWriter? echo,
        string bannerMarker, string? pressEnterOn, CancellationToken cancel = default, IReadOnlyList<TypingStep>? typing = null,
        bool forwardInput = false)
    {
        typing ??= [];
        var start = new ProcessStartInfo(QemuBinary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in arguments)
            start.ArgumentList.Add(arg);

        var clock = Stopwatch.StartNew();
        Process qemu;
        try
        {
            qemu = Process.Start(start) ?? throw new InvalidOperationException("QEMU did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LauncherSetupException($"{QemuBinary} could not be started ({e.Message}); install it with: ./run.sh --install-only (Debian package qemu-system-x86)");
        }

        var log = new StringBuilder();
        TimeSpan? banner = null;
        bool enterPressed = false;
        int typed = 0, typedFrom = 0; // steps typed; where in the log the next prompt is looked for
        var lockObject = new object();
        var screen = new TerminalEscapeFilter(); // the echo shows text, not GRUB's cursor moves
        Task readSerial = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await qemu.StandardOutput.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                lock (lockObject)
                {
                    log.Append(buffer, 0, read);
                    string text = log.ToString();
                    if (pressEnterOn != null && !enterPressed && text.Contains(pressEnterOn))
                    {
                        enterPressed = true;
                        qemu.StandardInput.Write('\r');
                        qemu.StandardInput.Flush();
                    }
                    while (typed < typing.Count && text.IndexOf(typing[typed].Prompt, typedFrom, StringComparison.Ordinal) is int at && at >= 0)
                    {
                        typedFrom = at + typing[typed].Prompt.Length;
                        qemu.StandardInput.Write(typing[typed].Text);
                        qemu.StandardInput.Flush();
                        typed++;
                    }
                    if (banner == null && text.Contains(bannerMarker))
                        banner = clock.Elapsed;
                    echo?.Write(screen.Feed(new string(buffer, 0, read)));
                }
            }
        });
        Task<string> readErrors = qemu.StandardError.ReadToEndAsync(CancellationToken.None);
        if (forwardInput)
        {
            // This terminal's bytes to the serial line as they come (run.sh puts the
            // terminal in raw mode, so ^C and each key go to the kernel's terminal).
            _ = Task.Run(async () =>
            {
                var keys = new byte[256];
                using Stream input = Console.OpenStandardInput();
                int read;
                while ((read = await input.ReadAsync(keys, CancellationToken.None)) > 0 && !qemu.HasExited)
                {
                    lock (lockObject)
                    {
                        qemu.StandardInput.BaseStream.Write(keys, 0, read);
                        qemu.StandardInput.BaseStream.Flush();
                    }
                }
            });
        }

        bool timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            deadline.CancelAfter(timeout);
            try
            {
                await qemu.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                // The deadline, or the caller gave up (Ctrl-C): only the first is a timeout.
                timedOut = !cancel.IsCancellationRequested;
                qemu.Kill(entireProcessTree: true);
                await qemu.WaitForExitAsync(CancellationToken.None);
            }
        }
        await readSerial;
        string errors = await readErrors;
        string serial;
        lock (lockObject)
            serial = StripTerminalEscapes(log.ToString());
        if (errors.Length > 0)
            serial += "\n[qemu stderr] " + errors;
        return new BootResult(qemu.ExitCode, timedOut, serial, clock.Elapsed, banner) { QemuErrors = errors.Trim() };
    }

    // GRUB draws its menu on the serial terminal with VT100 escapes; keep the text. A
    // terminal reset (ESC c, which SeaBIOS and Linux send) starts a new line: what
    // follows it is not part of the line before (Linux's first output follows
    // SeaBIOS's "Booting from ROM.." on the same line otherwise).
    public static string StripTerminalEscapes(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text.Replace("\u001bc", "\n"), @"\x1b\[[0-9;?]*[A-Za-z]", "");
}

// Something the launcher needs is missing (the ISO, QEMU): the message says what and
// how to get it; the launcher prints it as one line and exits with 2.
public sealed class LauncherSetupException(string message) : Exception(message);
