using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace CosmosKernel.Launcher;

// Runs a static test program on Linux under the same QEMU, so Linux's behaviour is the
// expectation for ours (the design brief's "Checking against Linux on the same QEMU"):
// Debian's cloud kernel, downloaded once per clone (apt-get download, dpkg-deb -x; never
// installed), boots an initramfs whose /init is the program. When /init exits Linux
// panics with "Attempted to kill init! exitcode=0x...": that line, printed by the
// kernel, is where the program's exit status comes from, and -no-reboot ends QEMU.
public static class LinuxRunner
{
    public const string MetaPackage = "linux-image-cloud-amd64";
    public const string KernelCommandLine = "console=ttyS0 quiet panic=-1";
    private static readonly Regex InitExit = new(@"Attempted to kill init! exitcode=0x([0-9a-fA-F]+)");

    public static string CacheDirectory => Path.Combine(RepoPaths.Root, "artifacts", "linux");

    // The cached kernel image (artifacts/linux/vmlinuz-*), or null.
    public static string? CachedKernel() =>
        Directory.Exists(CacheDirectory) ? Directory.GetFiles(CacheDirectory, "vmlinuz-*").Where(f => !f.EndsWith(".part", StringComparison.Ordinal)).OrderBy(f => f).LastOrDefault() : null;

    // The kernel image, downloading and unpacking Debian's package the first time.
    // Throws LinuxKernelUnavailableException with the cause when it cannot.
    public static string EnsureKernel(TextWriter? log)
    {
        if (CachedKernel() is string cached)
            return cached;
        string package = KernelPackage(log);
        // A folder of this process's own: two first runs at once each download, and the
        // image appears whole (the move below) whichever finishes first.
        string work = Path.Combine(CacheDirectory, "download-" + Environment.ProcessId);
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        try
        {
            log?.WriteLine($"linux: downloading {package} (the dependency of {MetaPackage}) into {CacheDirectory}, once");
            Run("apt-get", ["download", package], work, "apt-get download " + package);
            string deb = Directory.GetFiles(work, "*.deb").SingleOrDefault()
                ?? throw new LinuxKernelUnavailableException($"apt-get download {package} left no .deb in {work}");
            string unpacked = Path.Combine(work, "unpacked");
            Run("dpkg-deb", ["-x", deb, unpacked], work, "dpkg-deb -x " + Path.GetFileName(deb));
            string image = Directory.GetFiles(Path.Combine(unpacked, "boot"), "vmlinuz-*").SingleOrDefault()
                ?? throw new LinuxKernelUnavailableException($"{Path.GetFileName(deb)} has no boot/vmlinuz-*");
            string target = Path.Combine(CacheDirectory, Path.GetFileName(image));
            string part = target + "." + Environment.ProcessId + ".part";
            File.Copy(image, part, overwrite: true);
            File.Move(part, target, overwrite: true); // whole or absent
            return target;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // linux-image-<version>-cloud-amd64, the package the meta package depends on. apt's
    // package lists are read once after `apt-get update` (which we run, as root, when
    // they do not know the package yet).
    private static string KernelPackage(TextWriter? log)
    {
        string? package = DependencyOfMetaPackage();
        if (package == null && Environment.IsPrivilegedProcess)
        {
            log?.WriteLine("linux: apt does not know " + MetaPackage + " yet: apt-get update");
            Run("apt-get", ["update", "-qq"], null, "apt-get update");
            package = DependencyOfMetaPackage();
        }
        return package ?? throw new LinuxKernelUnavailableException(
            $"apt knows no kernel package that {MetaPackage} depends on; run `apt-get update` as root and try again");
    }

    private static string? DependencyOfMetaPackage()
    {
        string output = Run("apt-cache", ["depends", MetaPackage], null, "apt-cache depends " + MetaPackage, mayFail: true);
        Match match = Regex.Match(output, @"Depends: (linux-image-[0-9][^\s]*-cloud-amd64)");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Run(string tool, string[] arguments, string? directory, string what, bool mayFail = false)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new LinuxKernelUnavailableException(what + ": did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LinuxKernelUnavailableException($"{what}: {tool} could not be started ({e.Message}); it comes with Debian's apt and dpkg");
        }
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !mayFail)
            throw new LinuxKernelUnavailableException($"{what} failed with exit code {process.ExitCode}: {errors.Result.Trim()}");
        return output;
    }

    // A gzip'd cpio "newc" archive: /dev, /dev/console (the console Linux opens as init's
    // stdin, stdout and stderr) and the program as /init.
    public static byte[] Initramfs(byte[] program)
    {
        var archive = new MemoryStream();
        AddCpioEntry(archive, "dev", 0x41ED /* directory, 0755 */, [], 0, 0);
        AddCpioEntry(archive, "dev/console", 0x2180 /* character device, 0600 */, [], 5, 1);
        AddCpioEntry(archive, "init", 0x81ED /* regular file, 0755 */, program, 0, 0);
        AddCpioEntry(archive, "TRAILER!!!", 0, [], 0, 0);
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            archive.WriteTo(gzip);
        return compressed.ToArray();
    }

    private static void AddCpioEntry(MemoryStream archive, string name, int mode, byte[] data, int rdevMajor, int rdevMinor)
    {
        byte[] nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        int[] fields = [0, mode, 0, 0, 1, 0, data.Length, 0, 0, rdevMajor, rdevMinor, nameBytes.Length, 0];
        var header = new StringBuilder("070701");
        foreach (int field in fields)
            header.Append(field.ToString("x8"));
        archive.Write(Encoding.ASCII.GetBytes(header.ToString()));
        archive.Write(nameBytes);
        Pad(archive);
        archive.Write(data);
        Pad(archive);
    }

    private static void Pad(MemoryStream stream)
    {
        while (stream.Length % 4 != 0)
            stream.WriteByte(0);
    }

    public static IReadOnlyList<string> QemuArguments(string kernel, string initramfs, int cpus, int memoryMiB = 256) =>
    [
        "-kernel", kernel,
        "-initrd", initramfs,
        "-append", KernelCommandLine,
        "-nographic",
        "-no-reboot",
        // Four-level paging, as CosmosKernel has: with LA57 (which -cpu max offers)
        // Linux's user space would reach 2^56 instead of 2^47, and every answer that
        // depends on where user space ends (access_ok, EFAULT) would differ.
        "-cpu", "max,la57=off",
        "-accel", "tcg,thread=multi",
        "-smp", cpus.ToString(),
        "-m", memoryMiB.ToString(),
    ];

    // Run `program` (a static x86-64 executable) as /init on `cpus` CPUs.
    public static async Task<LinuxRun> RunAsync(string program, int cpus, TimeSpan timeout, TextWriter? echo, CancellationToken cancel = default)
    {
        if (!File.Exists(program))
            return LinuxRun.NotRun($"no program {program}: build it first (dotnet build CosmosKernel)");
        string kernel;
        try
        {
            kernel = EnsureKernel(echo);
        }
        catch (LinuxKernelUnavailableException e)
        {
            return LinuxRun.NotRun("no Linux kernel to run it on: " + e.Message);
        }
        string initramfs = Path.Combine(Path.GetTempPath(), $"cosmos-linux-{Environment.ProcessId}-{Path.GetFileNameWithoutExtension(program)}.initrd.gz");
        await File.WriteAllBytesAsync(initramfs, Initramfs(await File.ReadAllBytesAsync(program, cancel)), cancel);
        try
        {
            BootResult boot = await QemuRunner.RunAsync(QemuArguments(kernel, initramfs, cpus), timeout, echo, "Attempted to kill init", null, cancel);
            return LinuxRun.From(boot, Path.GetFileName(kernel));
        }
        finally
        {
            File.Delete(initramfs);
        }
    }

    // Linux's report of init's end: the wait status (exit status << 8, or the signal).
    public static int? InitWaitStatus(IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            Match match = InitExit.Match(line);
            if (match.Success)
                return Convert.ToInt32(match.Groups[1].Value, 16);
        }
        return null;
    }
}

public sealed class LinuxKernelUnavailableException(string message) : Exception(message);

// How a program ran on Linux: its exit status or signal as Linux reported them, or why
// there is neither (Failure).
public sealed record LinuxRun(BootResult? Boot, int? ExitStatus, int? Signal, string? Failure, string? Kernel)
{
    public static LinuxRun NotRun(string cause) => new(null, null, null, cause, null);

    public static LinuxRun From(BootResult boot, string kernel)
    {
        if (boot.TimedOut)
            return new(boot, null, null, $"the program did not finish: QEMU stopped after {boot.Elapsed.TotalSeconds:F0} s", kernel);
        if (LinuxRunner.InitWaitStatus(boot.Lines) is not int status)
            return new(boot, null, null, $"Linux did not report the end of /init (QEMU exit code {boot.QemuExitCode})", kernel);
        return (status & 0x7F) == 0
            ? new(boot, (status >> 8) & 0xFF, null, null, kernel)
            : new(boot, null, status & 0x7F, null, kernel);
    }

    public IEnumerable<string> Lines => Boot?.Lines ?? [];

    // The launcher's last line: machine-readable, only for an end that Linux reported.
    public string ExitLine => ExitStatus is int status ? "EXIT status=" + status : Signal is int signal ? "EXIT signal=" + signal : "";

    public string Describe() => (Failure ?? ExitLine) + (Boot != null ? "\n" + Boot.Describe() : "");
}
