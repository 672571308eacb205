using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// Deliberate faults produce a crash report with the right facts, and QEMU ends with
// the kernel's crash status.
[TestFixture]
public class CrashReportTests
{
    private const ulong DeliberateFaultAddress = 0xFFFF8F00DEAD0000;
    private const int CrashStatus = 3;

    [Test]
    public void PageFaultReportsVectorCr2AndInstruction()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=pagefault");
        CrashReport crash = boot.Crash ?? throw new AssertionException("no CRASH line\n" + boot.Describe());

        Assert.That(crash.Vector, Is.EqualTo(14), "vector 14 is #PF");
        Assert.That(crash.Cr2, Is.EqualTo(DeliberateFaultAddress), "CR2 holds the faulting address");
        Assert.That(crash.ErrorCode & 0b111, Is.EqualTo(0), "not-present read from kernel mode");
        Assert.That(boot.Lines, Has.Some.Contains("vector 14 (#PF Page Fault)"));
        Assert.That(boot.Lines, Has.Some.Contains("CR2=FFFF8F00DEAD0000  (page not present, read, kernel mode)"));
        Assert.That(boot.Lines, Has.Some.Match(@"^RAX=[0-9A-F]{16} RBX=[0-9A-F]{16} RCX=[0-9A-F]{16}$"), "all registers are printed");
        Assert.That(boot.KernelStatus, Is.EqualTo(CrashStatus), boot.Describe());

        Assert.That(InstructionDecoder.Decode(crash.CodeBytes, crash.Rip), Is.EqualTo("mov rax,[rdi]"));
        KernelSymbols symbols = KernelSymbols.Load(RepoPaths.KernelElf) ?? throw new AssertionException("kernel.elf has no symbols");
        Assert.That(symbols.Describe(crash.Rip), Does.StartWith("cpu_fault_read_qword+0x"));
    }

    [Test]
    public void NaiveCopyFromAnUnmappedBufferIsAKernelCrash()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=naive-fault");
        CrashReport crash = boot.Crash ?? throw new AssertionException("no CRASH line\n" + boot.Describe());
        Assert.That(crash.Vector, Is.EqualTo(14));
        Assert.That(crash.Cr2, Is.EqualTo(0x10000000UL), "the unmapped user buffer");
        Assert.That(boot.Lines, Has.Some.Contains("kernel-mode fault on user address 0x10000000 with no recovery"));
        Assert.That(InstructionDecoder.Decode(crash.CodeBytes, crash.Rip), Is.EqualTo("rep movsb [rdi],[rsi]"));
        KernelSymbols symbols = KernelSymbols.Load(RepoPaths.KernelElf)!;
        Assert.That(symbols.Describe(crash.Rip), Does.StartWith("cpu_user_copy_instruction+0x"));
        Assert.That(boot.KernelStatus, Is.EqualTo(CrashStatus));
    }

    [Test]
    public void SmapStopsADirectKernelReadOfUserMemory()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=smap");
        CrashReport crash = boot.Crash ?? throw new AssertionException("no CRASH line\n" + boot.Describe());
        Assert.That(crash.Vector, Is.EqualTo(14));
        Assert.That(crash.Cr2, Is.EqualTo(0x20000000UL));
        Assert.That(crash.ErrorCode & 1, Is.EqualTo(1UL), "a protection violation: the page is mapped and present");
        Assert.That(boot.Lines, Has.None.Contains("SMAP did not stop"));
        Assert.That(boot.KernelStatus, Is.EqualTo(CrashStatus));
    }

    [Test]
    public void InvalidOpcodeIsReportedAsUd()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=ud");
        CrashReport crash = boot.Crash ?? throw new AssertionException("no CRASH line\n" + boot.Describe());
        Assert.That(crash.Vector, Is.EqualTo(6), "vector 6 is #UD");
        Assert.That(InstructionDecoder.Decode(crash.CodeBytes, crash.Rip), Is.EqualTo("ud2"));
        Assert.That(boot.KernelStatus, Is.EqualTo(CrashStatus));
    }

    [Test]
    public void AHangingBootIsStoppedAfterTheTimeoutWithItsLog()
    {
        // selftest=hang: the kernel prints its banner, then spins with interrupts off.
        BootResult boot = KernelBoot.Run("exit selftest=hang", timeout: TimeSpan.FromSeconds(25));
        Assert.That(boot.TimedOut, Is.True);
        Assert.That(boot.KernelStatus, Is.Null);
        Assert.That(boot.Describe(), Does.Contain("(timed out)").And.Contain("selftest: hanging on purpose"));
    }
}

// The kernel heap full (issue 16, item 6): the panic says so and the machine stops
// with the crash status, instead of hanging without a word.
[TestFixture]
public class HeapExhaustionTests
{
    [Test]
    public void AFullKernelHeapIsAPanicWithItsMessage()
    {
        BootResult boot = KernelBoot.RunToExit("exit selftest=heap-exhaust");
        Assert.That(boot.Lines, Has.Some.EqualTo("selftest: filling the kernel heap"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.Match(@"^\*\*\* CosmosKernel panic: kernel heap exhausted: a block of \d+ bytes does not fit \*\*\*$"), boot.Describe());
        Assert.That(boot.Lines, Has.Some.StartsWith("PANIC message=kernel heap exhausted"));
        Assert.That(boot.KernelStatus, Is.EqualTo(3), "the crash status");
    }
}
