using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Issue 13, item 4: the boot to busybox's shell (QemuOptions.ShellOptions, the GRUB
// entry "CosmosKernel shell"), driven over the serial line as a user types: a file
// written and read back in /tmp, /bin listed, a C# program run as a command, a
// running program stopped by ^C with the shell still there, and exit.
[TestFixture]
public class ShellTests
{
    [Test]
    public void TheShellRunsCommandsAndCtrlCStopsAProgram()
    {
        BootResult boot = KernelBoot.Run("exit " + QemuOptions.ShellOptions, 2, typing:
        [
            // $((6*7)) and the like: what the shell prints differs from what was typed
            // (and echoed), so each step waits for the command's output, not its echo.
            new TypingStep("# ", "echo cosmos-$((6*7)) > /tmp/x; cat /tmp/x\r"),
            new TypingStep("cosmos-42", "ls /bin; echo listed-$((1+1))\r"),
            new TypingStep("listed-2", "hello\r"),
            new TypingStep("read() and mmap() agree", "echo st$((0))arted; sleep 100\r"),
            new TypingStep("st0arted", "\u0003"),
            new TypingStep("# ", "echo after-$((2+3))\r"),
            new TypingStep("after-5", "exit\r"),
        ]);
        string log = boot.Describe();
        List<string> lines = boot.Lines.Select(l => l.Trim()).ToList();
        Assert.That(boot.Crash, Is.Null, log);
        Assert.That(lines, Has.Member("cosmos-42"), "echo into a file in /tmp, cat reads it back\n" + log);
        Assert.That(boot.SerialLog, Does.Contain("busybox").And.Contain("racelab"), "ls /bin lists busybox and the kernel's programs\n" + log);
        Assert.That(lines, Has.Some.StartsWith("Hello from C# in ring 3!"), "a C# program runs as a command\n" + log);
        Assert.That(lines, Has.Member("after-5"), "after ^C stopped sleep, the shell runs the next command\n" + log);
        Assert.That(boot.TimedOut, Is.False, "exit ends the shell and the boot\n" + log);
        Assert.That(boot.KernelStatus, Is.EqualTo(0), "the shell exited with status 0\n" + log);
    }
}
