namespace CosmosKernel.Launcher;

// How to start QEMU for one boot of the ISO.
public sealed record QemuOptions
{
    public required string IsoPath { get; init; }
    public int MemoryMiB { get; init; } = 256;
    public int Cpus { get; init; } = 1;
    // Extra kernel options, passed through fw_cfg as "opt/cosmos/cmdline".
    public string KernelOptions { get; init; } = "";
    // Show the QEMU window (only where a display exists).
    public bool Display { get; init; }
    // Stop waiting (and kill QEMU) after this long.
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
    // UEFI firmware (OVMF) instead of BIOS.
    public string? UefiFirmware { get; init; }
    // Wait for gdb on tcp::GdbPort before running.
    public bool WaitForGdb { get; init; }
    public const int DefaultGdbPort = 1234;
    public int GdbPort { get; init; } = DefaultGdbPort;
    // Press Enter in GRUB's menu (over the serial line) as soon as it shows, so the boot
    // does not wait out the countdown meant for a person at the screen: the default entry
    // runs, and the options come through fw_cfg anyway. Off for a boot with a window.
    public bool SkipBootMenu { get; init; } = true;
    // Echo serial output to this writer as it arrives.
    public TextWriter? Echo { get; init; }

    // Typed on the serial console, in order: each step's text is sent once the console
    // shows its prompt (after the previous step was sent). What a test types into a
    // program, as a user would at the keyboard.
    public IReadOnlyList<TypingStep> Typing { get; init; } = [];

    // The kernel options that boot to the shell: busybox's setsid makes a session whose
    // controlling terminal is the console (-c), so the shell has job control and ^C
    // reaches the program in the foreground; then it runs /bin/sh (the GRUB entry
    // "CosmosKernel shell" has the same).
    public const string ShellOptions = "run=/usr/bin/setsid:-c:/bin/sh";

    // What is typed on this terminal goes to the serial console (run --shell, headless):
    // a user types on the kernel's terminal as on a serial line.
    public bool ForwardInput { get; init; }

    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string>
        {
            "-cdrom", IsoPath,
            "-m", MemoryMiB.ToString(),
            "-smp", Cpus.ToString(),
            "-cpu", "max",
            "-accel", "tcg,thread=multi",
            "-serial", "stdio",
            "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-monitor", "none",
        };
        if (!Display)
            args.AddRange(["-display", "none"]);
        if (KernelOptions.Length > 0)
            args.AddRange(["-fw_cfg", "name=opt/cosmos/cmdline,string=" + KernelOptions.Replace(",", ",,")]);
        if (UefiFirmware != null)
            args.AddRange(["-drive", $"if=pflash,format=raw,readonly=on,file={UefiFirmware}"]);
        if (WaitForGdb)
            args.AddRange(["-gdb", "tcp:127.0.0.1:" + GdbPort, "-S"]);
        return args;
    }
}

// Once the serial console shows `Prompt` (after what was typed before), type `Text`.
public sealed record TypingStep(string Prompt, string Text);
