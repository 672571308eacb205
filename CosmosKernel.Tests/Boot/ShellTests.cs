using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Issue 13, item 4: the boot to busybox's shell (QemuOptions.ShellOptions, the GRUB
// entry "CosmosKernel shell"), driven over the serial line as a user types: a file
// written and read back in /tmp, /bin listed, a C# program run as a command, a
// running program stopped by ^C with the shell still there, and exit; job control
// (^Z, fg).
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

    // Job control as a shell user has it: ^Z stops the program in the foreground
    // (SIGTSTP to its group; the shell hears of it through SIGCHLD and wait4 with
    // WUNTRACED), the shell takes commands meanwhile, `fg` continues it (SIGCONT) in the
    // foreground again, and ^C ends it. The job prints a line itself before it sleeps,
    // so ^Z comes once it runs in the foreground (typed the moment the shell starts it,
    // ^Z would race with the shell making its group the terminal's foreground). A bare
    // `sleep` would run inside the shell's own process (busybox's NOFORK applets): no job.
    [Test]
    public void CtrlZStopsAProgramAndFgContinuesIt()
    {
        BootResult boot = KernelBoot.Run("exit " + QemuOptions.ShellOptions, 2, typing:
        [
            new TypingStep("# ", "/bin/sh -c 'echo in-$((3+4)); exec /bin/sleep 100'\r"),
            new TypingStep("in-7", "\u001a"),
            new TypingStep("Stopped", "echo stopped-$((2*4))\r"),
            new TypingStep("stopped-8", "fg\r"),
            new TypingStep("exec /bin/sleep 100", "\u0003"),
            new TypingStep("# ", "echo back-$((4+5))\r"),
            new TypingStep("back-9", "exit\r"),
        ]);
        string log = boot.Describe();
        List<string> lines = boot.Lines.Select(l => l.Trim()).ToList();
        Assert.That(boot.Crash, Is.Null, log);
        Assert.That(lines, Has.Some.Match(@"\[1\]\+\s+Stopped\s+/bin/sh -c"), "^Z stopped the job and the shell said so\n" + log);
        Assert.That(lines, Has.Member("stopped-8"), "the shell took commands while the job was stopped\n" + log);
        Assert.That(lines, Has.Member("back-9"), "fg brought the job back, ^C ended it, the shell went on\n" + log);
        Assert.That(boot.TimedOut, Is.False, "exit ends the shell and the boot\n" + log);
        Assert.That(boot.KernelStatus, Is.EqualTo(0), log);
    }
}
