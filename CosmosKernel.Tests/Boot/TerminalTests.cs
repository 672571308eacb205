using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Issue 13, item 3: a console one can type on. The test types over COM1, as a user at
// a serial terminal would (the keyboard feeds the same terminal), into
// CosmosKernel.Userland/Interactive/typing.c: lines come back whole once Enter ends
// them, with what was erased gone; ^D on an empty line is end of file; raw mode gives
// one key without Enter; ^C sends SIGINT to the foreground group, which ends it.
[TestFixture]
public class TerminalTests
{
    [TestCase(1)]
    [TestCase(2)]
    public void WhatIsTypedReachesTheProgramAndCtrlCEndsIt(int cpus)
    {
        BootResult boot = KernelBoot.Run("exit run=typing", cpus, typing:
        [
            new TypingStep("typing: type a line", "hello\r"),
            new TypingStep("typing: got hello", "ab\u007f\u007fxy\r"),   // two erases: "xy"
            new TypingStep("typing: got xy", "gone\u0015kept\r"),          // ^U kills the line typed so far
            new TypingStep("typing: got kept", "\u0004"),                  // ^D on an empty line
            new TypingStep("typing: raw mode", "q"),
            new TypingStep("typing: press ^C", "\u0003"),
        ]);
        string log = boot.Describe();
        List<string> lines = boot.Lines.Select(l => l.Trim()).ToList();
        Assert.That(boot.Crash, Is.Null, log);
        Assert.That(lines, Has.Member("typing: got hello"), "a line comes whole once Enter ends it\n" + log);
        Assert.That(lines, Has.Member("typing: got xy"), "DEL erases what was typed before the line is read\n" + log);
        Assert.That(lines, Has.No.Member("typing: got abxy"), log);
        Assert.That(lines, Has.Member("typing: got kept"), "^U kills what was typed on the line\n" + log);
        Assert.That(lines, Has.Member("typing: end of file"), "^D on an empty line is end of file\n" + log);
        Assert.That(lines, Has.Member("typing: key 0x71"), "raw mode gives one key without Enter\n" + log);
        Assert.That(lines, Has.Some.Match(@"process \d+ \(typing\) killed by signal 2$"), "^C sends SIGINT to the foreground group\n" + log);
        Assert.That(Regex.Matches(boot.SerialLog, "hello").Count, Is.GreaterThanOrEqualTo(2), "canonical mode echoes what is typed, before the program reads it\n" + log);
        Assert.That(boot.TimedOut, Is.False, "the boot ends once the program does\n" + log);
    }
}
