using System.Text.RegularExpressions;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Boot;

// A program makes and drops 100,000 of each kernel object (fork + wait4, pipe + close,
// open + close, mmap + munmap, clone + join) on 2 CPUs: the kernel heap (measured after
// a collection), the frames, the processes and the threads come back to where they
// were, and nothing was written into a freed block or frame.
[TestFixture]
public class SoakTests
{
    [Test]
    public void HundredThousandOfEachKernelObjectLeaveNothingBehind()
    {
        BootResult boot = KernelBoot.Run("exit lab run=soak", cpus: 2, timeout: TimeSpan.FromMinutes(15));
        Assert.That(boot.TimedOut, Is.False, "the soak finished\n" + boot.Describe());
        foreach (string op in new[] { "fork", "pipe", "open", "mmap", "clone" })
        {
            Match m = boot.Lines.Select(l => Regex.Match(l, "^SOAK op=" + op + @" iterations=(\d+) heap_before=(\d+) heap_after=(\d+) frames_before=(\d+) frames_after=(\d+)"
                    + @" processes_before=(\d+) processes_after=(\d+) threads_before=(\d+) threads_after=(\d+) collections=(\d+) heap_poison=(\d+) frame_poison=(\d+) double_frees=(\d+) failures=(\d+)"))
                .FirstOrDefault(m => m.Success) ?? throw new AssertionException("no SOAK line for " + op + "\n" + boot.Describe());
            long N(int group) => long.Parse(m.Groups[group].Value);
            string what = op + ": " + m.Value;
            Assert.That(N(1), Is.EqualTo(100_000), what);
            Assert.That(N(14), Is.EqualTo(0), "every call succeeded: " + what);
            Assert.That(N(3) - N(2), Is.LessThanOrEqualTo(16 * 1024), "the kernel heap came back (a byte per object would be 100 KB): " + what);
            Assert.That(N(5), Is.EqualTo(N(4)), "every frame came back: " + what);
            Assert.That(N(7), Is.EqualTo(N(6)), "every process was reaped: " + what);
            Assert.That(N(9), Is.EqualTo(N(8)), "every thread ended: " + what);
            Assert.That(N(11) + N(12) + N(13), Is.EqualTo(0), "nothing written into a freed block or frame, nothing freed twice: " + what);
        }
        Assert.That(boot.Lines, Has.Some.EqualTo("soak: every kind came back to where it started"));
        Assert.That(boot.KernelStatus, Is.EqualTo(0), boot.Describe());
    }
}
