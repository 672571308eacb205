using System.Runtime.InteropServices;
using CosmosKernel.Launcher;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Processes;

namespace CosmosKernel.Tests.Memory;

// The kernel's ELF loader and initial-stack builder (the same sources) on the
// simulated machine, with a program the build produced.
[TestFixture]
public unsafe class ElfLoadingTests : VmmTestBase
{
    private static byte[] Program(string name) => File.ReadAllBytes(Path.Combine(RepoPaths.Root, "artifacts", "programs", name + ".elf"));

    [Test]
    public void LoadsSegmentsOnDemandAndLaysOutTheLinuxStack()
    {
        byte[] elf = Program("asmhello");
        var copier = new UserCopier(new PageLockStrategy());
        fixed (byte* data = elf)
        {
            var file = new RamdiskFile("asmhello", data, (ulong)elf.Length);
            ElfImage image = ElfImage.Load(file, Space, copier);
            Assert.That(image.Error, Is.Null);
            Assert.That(image.Entry, Is.EqualTo(BitConverter.ToUInt64(elf, 24)));
            Assert.That(Read(image.Entry), Is.EqualTo(elf[0x1000]), "the first code byte comes from the file (segment at offset 0x1000)");
            Assert.That(Machine.UserWrite(image.Entry, 0x90), Is.False, "text is read-only");

            ulong rsp = UserStack.Build(Space, copier, image, ["asmhello", "x"], ["A=1"], 7);
            Assert.That(rsp % 16, Is.EqualTo(0UL), "16-byte aligned");
            ulong[] words = new ulong[16];
            fixed (ulong* w = words)
                Assert.That(copier.CopyFromUser(Space, (byte*)w, rsp, 16 * 8), Is.EqualTo(0UL));
            Assert.That(words[0], Is.EqualTo(2UL), "argc");
            Assert.That(ReadString(copier, words[1]), Is.EqualTo("asmhello"));
            Assert.That(ReadString(copier, words[2]), Is.EqualTo("x"));
            Assert.That(words[3], Is.EqualTo(0UL), "argv ends with NULL");
            Assert.That(ReadString(copier, words[4]), Is.EqualTo("A=1"));
            Assert.That(words[5], Is.EqualTo(0UL), "envp ends with NULL");
            Assert.That(words[6], Is.EqualTo(3UL), "auxv starts with AT_PHDR");
            Assert.That(words[7], Is.EqualTo(image.ProgramHeaders));
        }
        AssertCleanShutdown();
    }

    [Test]
    public void LoadsTheNativeAotUserProgram()
    {
        byte[] elf = Program("cosmos");
        var copier = new UserCopier(new PageLockStrategy());
        fixed (byte* data = elf)
        {
            ElfImage image = ElfImage.Load(new RamdiskFile("cosmos", data, (ulong)elf.Length), Space, copier);
            Assert.That(image.Error, Is.Null);
            Assert.That(image.End - Paging.PageDown(image.Entry), Is.GreaterThan(4UL << 20), "the 4 MiB heap arena is part of .bss");
            ulong usedBefore = Machine.Frames.UsedFrames;
            Assert.That(Read(image.End - 4096), Is.EqualTo(0), "the last .bss page reads zero");
            Assert.That(Machine.Frames.UsedFrames - usedBefore, Is.LessThan(8UL), "and only the touched page (plus tables) cost frames");
        }
        AssertCleanShutdown();
    }

    [Test]
    public void RejectsFilesThatAreNotStaticX8664Executables()
    {
        var copier = new UserCopier(new PageLockStrategy());
        byte[] notElf = new byte[128];
        byte[] truncated = Program("asmhello")[..70];
        byte[] wrongMachine = Program("asmhello");
        wrongMachine[18] = 0xB7; // aarch64
        foreach (var (bytes, expected) in new[] { (notElf, "not an ELF file"), (truncated, "program headers out of bounds"), (wrongMachine, "not an x86-64 executable") })
        {
            fixed (byte* data = bytes)
            {
                var image = ElfImage.Load(new RamdiskFile("bad", data, (ulong)bytes.Length), Space, copier);
                Assert.That(image.Error, Is.EqualTo(expected));
            }
        }
        AssertCleanShutdown();
    }

    private string ReadString(UserCopier copier, ulong address)
    {
        byte[] buffer = new byte[64];
        fixed (byte* b = buffer)
        {
            long length = copier.StrncpyFromUser(Space, b, address, 64);
            Assert.That(length, Is.GreaterThanOrEqualTo(0));
            return System.Text.Encoding.ASCII.GetString(buffer, 0, (int)length);
        }
    }
}
