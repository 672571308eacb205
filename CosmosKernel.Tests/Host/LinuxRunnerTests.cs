using System.IO.Compression;
using System.Text;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The launcher's `linux` command: the initramfs it builds, and that it reports only an
// exit status Linux itself printed.
[TestFixture]
public class LinuxRunnerTests
{
    [Test]
    public void TheInitramfsIsAGzippedNewcCpioWithConsoleAndInit()
    {
        byte[] program = Encoding.ASCII.GetBytes("\x7f" + "ELF and five more");
        using var gzip = new GZipStream(new MemoryStream(LinuxRunner.Initramfs(program)), CompressionMode.Decompress);
        var archive = new MemoryStream();
        gzip.CopyTo(archive);
        byte[] bytes = archive.ToArray();

        var entries = new List<(string Name, int Mode, int RdevMajor, int RdevMinor, byte[] Data)>();
        int offset = 0;
        while (true)
        {
            string header = Encoding.ASCII.GetString(bytes, offset, 110);
            Assert.That(header[..6], Is.EqualTo("070701"), "newc magic at " + offset);
            int Field(int i) => Convert.ToInt32(header.Substring(6 + 8 * i, 8), 16);
            int nameSize = Field(11), fileSize = Field(6);
            string name = Encoding.ASCII.GetString(bytes, offset + 110, nameSize - 1);
            Assert.That(bytes[offset + 110 + nameSize - 1], Is.EqualTo(0), "the name ends with NUL");
            int data = (offset + 110 + nameSize + 3) & ~3;
            entries.Add((name, Field(1), Field(9), Field(10), bytes[data..(data + fileSize)]));
            offset = (data + fileSize + 3) & ~3;
            if (name == "TRAILER!!!")
                break;
        }
        Assert.That(entries.Select(e => e.Name), Is.EqualTo(new[] { "dev", "dev/console", "init", "TRAILER!!!" }));
        Assert.That(entries[1].Mode, Is.EqualTo(0x2180), "a character device, 0600");
        Assert.That((entries[1].RdevMajor, entries[1].RdevMinor), Is.EqualTo((5, 1)), "the console's device number");
        Assert.That(entries[2].Mode, Is.EqualTo(0x81ED), "an executable file");
        Assert.That(entries[2].Data, Is.EqualTo(program));
        Assert.That(offset, Is.EqualTo(bytes.Length));
    }

    [Test]
    public void TheExitStatusComesFromLinuxsPanicLine()
    {
        string log = "rflags: 20/20 checks passed\r\n[    2.3] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\r\n";
        LinuxRun run = LinuxRun.From(new BootResult(0, false, log, TimeSpan.FromSeconds(3), null), "vmlinuz-test");
        Assert.That(run.Failure, Is.Null);
        Assert.That(run.ExitStatus, Is.EqualTo(1));
        Assert.That(run.ExitLine, Is.EqualTo("EXIT status=1"));

        LinuxRun killed = LinuxRun.From(new BootResult(0, false, "Attempted to kill init! exitcode=0x0000000b", TimeSpan.Zero, null), "vmlinuz-test");
        Assert.That((killed.ExitStatus, killed.Signal, killed.ExitLine), Is.EqualTo(((int?)null, (int?)11, "EXIT signal=11")));
    }

    [Test]
    public void NoPanicLineOrATimeoutIsAFailureWithItsCause()
    {
        // The program printed its own success, but Linux never said that /init ended.
        LinuxRun silent = LinuxRun.From(new BootResult(0, false, "rflags: 20/20 checks passed\n", TimeSpan.Zero, null), "vmlinuz-test");
        Assert.That(silent.Failure, Does.Contain("did not report the end of /init"));
        Assert.That((silent.ExitStatus, silent.ExitLine), Is.EqualTo(((int?)null, "")));

        LinuxRun hung = LinuxRun.From(new BootResult(137, true, "", TimeSpan.FromSeconds(120), null), "vmlinuz-test");
        Assert.That(hung.Failure, Does.Contain("did not finish"));
        Assert.That(hung.ExitStatus, Is.Null);
    }

    [Test]
    public void AMissingProgramIsAFailureNotARun()
    {
        LinuxRun run = LinuxRunner.RunAsync("/nonexistent/program.elf", 1, TimeSpan.FromSeconds(5), null).GetAwaiter().GetResult();
        Assert.That(run.Failure, Does.Contain("no program /nonexistent/program.elf"));
        Assert.That(run.Boot, Is.Null);
    }
}
