using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// A program asks for more descriptors, threads, processes and pipes full of bytes than the kernel gives
// (on 256 MiB and 2 CPUs): it gets Linux's errno at a limit that scales with RAM (not
// the fixed 32 descriptors, 16 threads a process, 64 processes of before), the kernel
// goes on, and everything comes back once the program lets go (a second round
// leaves the kernel as the first did: its tables grew once, and stay grown).
[TestFixture]
public class LimitsTests
{
    [Test]
    public void TooManyFilesThreadsAndProcessesGetTheirErrnoAndGiveEverythingBack()
    {
        BootResult boot = KernelBoot.Run("exit lab run=limits", cpus: 2, timeout: TimeSpan.FromMinutes(5));
        var rounds = boot.Lines.Select(l => Regex.Match(l, @"^LIMITS files=(\d+) files_errno=(\d+) threads=(\d+) threads_errno=(\d+) processes=(\d+) processes_errno=(\d+) pipes=(\d+) pipes_errno=(\d+)$"))
            .Where(m => m.Success).ToList();
        Assert.That(rounds, Has.Count.EqualTo(2), "two rounds\n" + boot.Describe());
        foreach (Match m in rounds)
        {
            long N(int group) => long.Parse(m.Groups[group].Value);
            Assert.That(N(1), Is.EqualTo(1024 - 3), "RLIMIT_NOFILE: 1024 descriptors, 0-2 the console's");
            Assert.That(N(2), Is.EqualTo(24), "EMFILE");
            Assert.That(N(3), Is.GreaterThan(200), "threads scale with RAM (an eighth of 256 MiB in 64 KiB kernel stacks)");
            Assert.That(N(4), Is.EqualTo(11), "EAGAIN at the thread limit");
            Assert.That(N(5), Is.GreaterThan(200), "processes scale with RAM too");
            Assert.That(N(6), Is.EqualTo(11), "EAGAIN at the process limit");
            Assert.That(N(7), Is.GreaterThan(300), "pipes holding bytes (a 4 KiB buffer of kernel heap each)");
            Assert.That(N(8), Is.AnyOf(23, 12), "ENFILE at the open-files limit, or ENOMEM where memory runs short first: not a kernel that stops");
        }
        Match back = boot.Lines.Select(l => Regex.Match(l, @"^LIMITS_BACK heap=(-?\d+) frames=(-?\d+) processes_left=(-?\d+) threads_left=(-?\d+)$"))
            .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no LIMITS_BACK line\n" + boot.Describe());
        long B(int group) => long.Parse(back.Groups[group].Value);
        Assert.That(B(1), Is.LessThanOrEqualTo(16 * 1024), "the second round left the kernel heap as the first did");
        Assert.That(B(2), Is.EqualTo(0), "every frame came back");
        Assert.That(B(3) + B(4), Is.EqualTo(0), "every process reaped, every thread ended");
        Assert.That(boot.Crash, Is.Null, boot.Describe());
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}
