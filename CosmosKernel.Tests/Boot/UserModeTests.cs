using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Ring 3: static ELF programs shipped as GRUB modules run in user mode, make Linux
// syscalls, get their errnos for hostile arguments, and are killed (not the kernel)
// when they touch memory they may not. All of it on one CPU and on four.
[TestFixture(1)]
[TestFixture(4)]
public class UserModeTests
{
    private readonly int _cpus;
    private BootResult _boot = null!;

    public UserModeTests(int cpus) => _cpus = cpus;

    [OneTimeSetUp]
    public void BootWithAllPrograms() => _boot = KernelBoot.RunToExit("exit run=hello,asmhello,hostile,segv,kernelread,hello,threads", _cpus);

    [Test]
    public void EveryCpuComesOnline()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("smp: " + _cpus + (_cpus == 1 ? " CPU" : " CPUs") + " online"), _boot.Describe());
    }

    [Test]
    public void CSharpHelloRunsInRing3AndUsesTheMemorySyscalls()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("Hello from C# in ring 3! (pid 1, argv[0] = hello)"), _boot.Describe());
        Assert.That(_boot.Lines, Has.Some.EqualTo("hello: running on CosmosKernel 0.1.0 (x86_64), user-copy strategy pagelock"));
        Assert.That(_boot.Lines, Has.Some.Match(@"^hello: mmap'd a page at 0x[0-9a-f]+, wrote and summed it \(522240\), made it read-only, unmapped it$"));
        Assert.That(_boot.Lines, Has.Some.EqualTo("hello: /modules/hello starts with the ELF magic; read() and mmap() agree"), "open, read and a file mapping");
        Assert.That(_boot.Lines, Has.Some.EqualTo("process 1 (hello) exited with status 0"));
    }

    [Test]
    public void AnAssemblyProgramGetsItsArgvAndDemandZeroBss()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("asmhello: hello from ring 3, argv[0] = asmhello"), _boot.Describe());
        Assert.That(_boot.Lines, Has.Some.EqualTo("asmhello: bss page faulted in on demand, exiting with 0"));
        Assert.That(_boot.Lines, Has.Some.EqualTo("process 2 (asmhello) exited with status 0"));
    }

    [Test]
    public void HostileArgumentsGetTheirErrnosAndLeakNoFrame()
    {
        Match summary = _boot.Lines.Select(l => Regex.Match(l, @"^hostile: (\d+)/(\d+) checks passed$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no hostile summary\n" + _boot.Describe());
        Assert.That(int.Parse(summary.Groups[2].Value), Is.GreaterThanOrEqualTo(30));
        Assert.That(summary.Groups[1].Value, Is.EqualTo(summary.Groups[2].Value), _boot.Describe());
        Assert.That(_boot.Lines, Has.None.StartsWith("hostile: FAILED"));
        Assert.That(_boot.Lines, Has.Some.EqualTo("process 3 (hostile) exited with status 0"));
    }

    [Test]
    public void ANullDereferenceKillsTheProgramNotTheKernel()
    {
        Assert.That(_boot.Lines, Has.Some.Match(@"^process 4 \(segv\): SIGSEGV: read of 0x0 \(not mapped\) at rip 0x[0-9A-F]+"), _boot.Describe());
        Assert.That(_boot.Lines, Has.Some.Match(@"^KILLED pid=4 name=segv signal=11 .* cr2=0x0000000000000000$"));
        Assert.That(_boot.Lines, Has.None.Contains("still alive"));
    }

    [Test]
    public void ReadingKernelMemoryFromRing3IsAProtectionViolation()
    {
        Assert.That(_boot.Lines, Has.Some.Match(@"^process 5 \(kernelread\): SIGSEGV: read of 0xFFFFFFFF80101000 \(protection violation\)"), _boot.Describe());
        Assert.That(_boot.Lines, Has.None.Contains("read kernel memory (this must not happen)"));
    }

    [Test]
    public void TheKernelGoesOnAfterKilledProgramsAndRunsTheNext()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("process 6 (hello) exited with status 0"), "the last program runs after two were killed");
        Assert.That(_boot.Crash, Is.Null, "no kernel crash");
        Assert.That(_boot.KernelStatus, Is.EqualTo(0), _boot.Describe());
    }

    [Test]
    public void ThreadsOfOneProcessShareMemoryUnderAFutexMutexAndSleep()
    {
        Assert.That(_boot.Lines, Has.Some.EqualTo("threads: pid 7, main thread tid 7"), _boot.Describe());
        Assert.That(_boot.Lines, Has.Some.EqualTo("threads: 4 threads added 80000 (expected 80000), thread ids distinct"));
        Match sleep = _boot.Lines.Select(l => Regex.Match(l, @"^threads: nanosleep\(50 ms\) returned 0 after (\d+) ms$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no nanosleep line\n" + _boot.Describe());
        Assert.That(int.Parse(sleep.Groups[1].Value), Is.GreaterThanOrEqualTo(50), "nanosleep sleeps at least the time asked");
        Match cpus = _boot.Lines.Select(l => Regex.Match(l, @"^threads: the workers ran on (\d+) CPUs?$")).FirstOrDefault(m => m.Success)
            ?? throw new AssertionException("no getcpu line\n" + _boot.Describe());
        if (_cpus == 1)
            Assert.That(int.Parse(cpus.Groups[1].Value), Is.EqualTo(1));
        else
            Assert.That(int.Parse(cpus.Groups[1].Value), Is.GreaterThanOrEqualTo(2), "threads of one process run on several CPUs");
        Assert.That(_boot.Lines, Has.Some.EqualTo("process 7 (threads) exited with status 0"));
    }

    [Test]
    public void InitRunsProgramsSideBySideAndReapsThemWithWait4()
    {
        BootResult boot = KernelBoot.RunToExit("exit run=init", _cpus);
        Assert.That(boot.Lines, Has.Some.EqualTo("init: pid 1, starting 5 programs"), boot.Describe());
        foreach (string program in new[] { "hello", "threads", "forktest", "pipes", "segv" })
            Assert.That(boot.Lines, Has.Some.Match("^init: started " + program + " as pid \\d+$"));
        Assert.That(boot.Lines, Has.Some.Match(@"^forktest: child \d+ exited with 42; parent memory unchanged \(copy-on-write\)$"), "fork gives the child a copy-on-write copy");
        Assert.That(boot.Lines, Has.Some.Match(@"^init: pid \d+ was killed by signal 11$"), "wait4 reports the SIGSEGV of segv");
        Assert.That(boot.Lines, Has.Some.Match(@"^pipes: sent 102400 bytes through a 64 KiB pipe to child \d+, which read them all in order$"), "a pipe between a parent and its forked child");
        Assert.That(boot.Lines.Count(l => Regex.IsMatch(l, @"^init: pid \d+ exited with status 0$")), Is.EqualTo(4));
        Assert.That(boot.Lines, Has.Some.EqualTo("init: reaped 5 of 5 children"));
        Assert.That(boot.Lines, Has.Some.EqualTo("process 1 (init) exited with status 0"));
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}

// The kernel's answer to a program name it does not have (one CPU is enough).
[TestFixture]
public class ProgramNameTests
{
    [Test]
    public void AnUnknownProgramNameIsReported()
    {
        BootResult boot = KernelBoot.RunToExit("exit run=nosuchprogram");
        // The message lists the GRUB modules, in grub.cfg's order (the last two: the console font and the initramfs).
        string modules = string.Join(", ", File.ReadLines(Path.Combine(RepoPaths.Root, "CosmosKernel", "Boot", "grub.cfg"))
            .Select(line => line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length == 3 && words[0] == "module2")
            .Select(words => words[2]));
        Assert.That(modules, Does.StartWith("hello, threads, init").And.EndWith(", font, initramfs"), "grub.cfg's modules as this test reads them");
        Assert.That(boot.Lines, Has.Some.StartsWith("init: no program named \"nosuchprogram\" (GRUB modules: " + modules + ")"));
        Assert.That(boot.KernelStatus, Is.EqualTo(1), "what was asked for did not run: a failure, not a success\n" + boot.Describe());
    }
}

// Program arguments from the kernel command line: run=NAME:ARG1:ARG2 gives the program
// argv { NAME, ARG1, ARG2 } (so a fuzzer's seed replays), each entry of run= its own.
[TestFixture]
public class ProgramArgumentTests
{
    [Test]
    public void EachProgramGetsTheArgumentsOfItsOwnEntry()
    {
        BootResult boot = KernelBoot.RunToExit("exit run=hello:one:2:three,hello,hello::last");
        string[] argvLines = boot.Lines.Where(l => l.StartsWith("Hello from C#") || l.StartsWith("hello: argv[")).ToArray();
        Assert.That(argvLines, Is.EqualTo(new[]
        {
            "Hello from C# in ring 3! (pid 1, argv[0] = hello)",
            "hello: argv[1] = \"one\"",
            "hello: argv[2] = \"2\"",
            "hello: argv[3] = \"three\"",
            "Hello from C# in ring 3! (pid 2, argv[0] = hello)",
            "Hello from C# in ring 3! (pid 3, argv[0] = hello)",
            "hello: argv[1] = \"\"",
            "hello: argv[2] = \"last\"",
        }), boot.Describe());
        for (int pid = 1; pid <= 3; pid++)
            Assert.That(boot.Lines, Has.Some.EqualTo("process " + pid + " (hello) exited with status 0"), "the module is the name before the first colon");
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}

// The lab's and the benchmarks' syscalls (strategy switching, the double-fetch demo,
// timed copies, lock fairness) are for `lab` and `bench` boots only: elsewhere any
// program could switch every copy's strategy or keep the kernel busy for minutes.
[TestFixture]
public class LabSyscallTests
{
    [Test]
    public void WithoutLabTheyAnswerEpermAndUnderLabTheyCheckTheirArguments()
    {
        BootResult plain = KernelBoot.RunToExit("exit run=hostile");
        BootResult lab = KernelBoot.RunToExit("exit lab run=hostile");
        foreach (BootResult boot in new[] { plain, lab })
        {
            Assert.That(boot.Lines, Has.None.StartsWith("hostile: FAILED"), boot.Describe());
            Assert.That(boot.Lines, Has.Some.Match(@"^hostile: (\d+)/\1 checks passed$"), boot.Describe());
        }
    }

    [Test]
    public void TwoThreadsCallingThemAtOnceEachGetAWholeResult()
    {
        // racelab's scenario 8 measures fairness while its copy threads run; here two
        // programs of the lab ask at the same moment (each runs 4 kernel threads).
        BootResult boot = KernelBoot.RunToExit("exit lab run=labcalls", 2);
        Assert.That(boot.Lines, Has.Some.EqualTo("labcalls: both fairness runs measured 400 acquisitions"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.EqualTo("labcalls: both timed copy loops finished"));
        Assert.That(boot.Lines, Has.None.Contains("panic"));
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}
