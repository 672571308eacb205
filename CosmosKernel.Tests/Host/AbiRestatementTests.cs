using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CosmosKernel.Abi;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The assembly and C test programs cannot compile CosmosKernel/Abi/ (C#), so they
// restate the numbers they use: syscall numbers (Linux's and the kernel's own),
// errnos, flags, and the cosmos_vmm_info layout. They also run on Linux, so they
// spell the names with a trailing `_` to stay clear of the libc headers. This test
// reads every restatement and fails, naming file, line and both values, when one
// differs from the kernel's single definition.
[TestFixture]
public class AbiRestatementTests
{
    private static string Userland(string relative) => Path.Combine(RepoPaths.Root, "CosmosKernel.Userland", relative);

    private static IEnumerable<string> CFiles() =>
        Directory.GetFiles(Userland("CTests")).Concat(Directory.GetFiles(Userland("Fuzz")))
            .Where(f => f.EndsWith(".c") || f.EndsWith(".h")).OrderBy(f => f);

    // Name as the C or assembly source spells it -> the Abi constant's name.
    private static string Normalize(string name) => name.Replace("_", "").ToLowerInvariant();

    private static Dictionary<string, (string Name, object Value)> Constants(Type type, Dictionary<string, string>? aliases = null)
    {
        var map = new Dictionary<string, (string, object)>();
        foreach (FieldInfo f in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            map[Normalize(f.Name)] = (f.Name, f.GetRawConstantValue()!);
        if (aliases != null)
            foreach (var (from, to) in aliases)
                map[Normalize(from)] = map[Normalize(to)];
        return map;
    }

    private static long AsLong(object value) => Convert.ToInt64(value);

    private static long ParseNumber(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? Convert.ToInt64(text.Substring(2), 16)
        : long.Parse(text);

    // Every `pattern` match (groups: name, value) in `files`, checked against `abi`.
    // mustExist: a restated name the Abi does not define is a failure too.
    private static List<string> Check(IEnumerable<string> files, string pattern, Dictionary<string, (string Name, object Value)> abi,
        string abiType, bool mustExist, out int checkedCount)
    {
        var problems = new List<string>();
        checkedCount = 0;
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match m in Regex.Matches(lines[i], pattern))
                {
                    string name = m.Groups["name"].Value;
                    long value = ParseNumber(m.Groups["value"].Value);
                    string where = Path.GetRelativePath(RepoPaths.Root, file) + ":" + (i + 1);
                    if (!abi.TryGetValue(Normalize(name), out var defined))
                    {
                        if (mustExist)
                            problems.Add(where + ": " + name + " = " + value + " is not in " + abiType);
                        continue;
                    }
                    checkedCount++;
                    if (AsLong(defined.Value) != value)
                        problems.Add(where + ": " + name + " = " + value + ", but " + abiType + "." + defined.Name + " = " + AsLong(defined.Value));
                }
            }
        }
        return problems;
    }

    [Test]
    public void SyscallNumbersMatchTheKernels()
    {
        var abi = Constants(typeof(SyscallNumbers));
        var problems = new List<string>();
        problems.AddRange(Check(new[] { Userland("AbiTests/syscall.inc") }, @"%define SYS_(?<name>\w+) (?<value>\d+)", abi, "SyscallNumbers", true, out int inc));
        problems.AddRange(Check(CFiles(), @"\bNR_(?<name>\w+) = (?<value>\d+)", abi, "SyscallNumbers", true, out int nr));
        problems.AddRange(Check(CFiles(), @"\bSYS_(?<name>\w+?)_ = (?<value>\d+)", abi, "SyscallNumbers", true, out int sys));
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
        // The kernel's own numbers are among those checked (the reason for this test).
        Assert.That(inc, Is.GreaterThanOrEqualTo(5), "syscall.inc's numbers were not found");
        Assert.That(nr, Is.GreaterThanOrEqualTo(25), "fuzz.c's NR_ numbers were not found");
        Assert.That(sys, Is.GreaterThanOrEqualTo(10), "check.h's SYS_ numbers were not found");
    }

    [Test]
    public void ErrnosMatchTheKernels()
    {
        var abi = Constants(typeof(Errno));
        var problems = new List<string>();
        problems.AddRange(Check(Directory.GetFiles(Userland("AbiTests"), "*.asm"), @"%define (?<name>E[A-Z0-9]+) (?<value>\d+)", abi, "Errno", true, out int asm));
        problems.AddRange(Check(CFiles(), @"#define (?<name>E[A-Z0-9]+)_ (?<value>\d+)", abi, "Errno", true, out int c));
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
        Assert.That(asm, Is.GreaterThanOrEqualTo(10), "hostile.asm's errnos were not found");
        Assert.That(c, Is.GreaterThanOrEqualTo(5), "the C programs' errnos were not found");
    }

    [Test]
    public void FlagsMatchTheKernels()
    {
        var problems = new List<string>();
        int total = 0;
        void Run(string pattern, Type type, Dictionary<string, string>? aliases = null)
        {
            problems.AddRange(Check(CFiles(), pattern, Constants(type, aliases), type.Name, false, out int n));
            total += n;
        }
        Run(@"#define PROT_(?<name>[A-Z_]+?)_ (?<value>(0x)?[0-9a-fA-F]+)\b", typeof(Prot));
        Run(@"#define MAP_(?<name>[A-Z_]+?)_ (?<value>(0x)?[0-9a-fA-F]+)\b", typeof(MapFlags));
        Run(@"#define CLONE_(?<name>[A-Z_]+?)_ (?<value>(0x)?[0-9a-fA-F]+)\b", typeof(CloneFlags), new() { ["SETTLS"] = "SetTls", ["PARENT_SETTID"] = "ParentSetTid", ["CHILD_CLEARTID"] = "ChildClearTid" });
        Run(@"#define FUTEX_(?<name>[A-Z_]+?)_ (?<value>(0x)?[0-9a-fA-F]+)\b", typeof(FutexOps), new() { ["PRIVATE"] = "PrivateFlag" });
        Run(@"#define CLOCK_(?<name>[A-Z_]+?)_ (?<value>(0x)?[0-9a-fA-F]+)\b", typeof(ClockIds));
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
        Assert.That(total, Is.GreaterThanOrEqualTo(20), "the C programs' flags were not found");
    }

    // fuzz.c's struct vmm_info: a 16-byte name, then unsigned longs in Abi/VmmInfo.cs's
    // order; syscall.inc's size and frames_used offset.
    [Test]
    public void VmmInfoLayoutMatchesTheKernels()
    {
        string fuzz = File.ReadAllText(Userland("Fuzz/fuzz.c"));
        Match m = Regex.Match(fuzz, @"struct vmm_info \{\s*char strategy\[(?<name>\d+)\];\s*unsigned long (?<fields>[^;]+);\s*\};");
        Assert.That(m.Success, "fuzz.c's struct vmm_info not found");
        Assert.That(int.Parse(m.Groups["name"].Value), Is.EqualTo(VmmInfo.StrategyNameBytes), "strategy name size");
        string[] cFields = m.Groups["fields"].Value.Split(',').Select(f => Normalize(f.Trim())).ToArray();
        var aliases = new Dictionary<string, string> { ["cowcopies"] = "copyonwritecopies" };
        string[] abiFields = typeof(VmmInfo).GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => !f.Name.StartsWith("StrategyName")).Select(f => Normalize(f.Name)).ToArray();
        string[] mapped = cFields.Select(f => aliases.TryGetValue(f, out string? a) ? a : f).ToArray();
        Assert.That(mapped, Is.EqualTo(abiFields), "fuzz.c's struct vmm_info fields, in order, against Abi/VmmInfo.cs");
        Assert.That(Marshal.SizeOf<VmmInfo>(), Is.EqualTo(VmmInfo.Size));
        Assert.That(VmmInfo.Size, Is.EqualTo(VmmInfo.StrategyNameBytes + 8 * cFields.Length), "fuzz.c's struct size");

        string inc = File.ReadAllText(Userland("AbiTests/syscall.inc"));
        Assert.That(long.Parse(Regex.Match(inc, @"%define VMM_INFO_SIZE (\d+)").Groups[1].Value), Is.EqualTo(VmmInfo.Size), "VMM_INFO_SIZE");
        Assert.That(long.Parse(Regex.Match(inc, @"%define VMM_INFO_FRAMES_USED (\d+)").Groups[1].Value),
            Is.EqualTo((long)Marshal.OffsetOf<VmmInfo>(nameof(VmmInfo.FramesUsed))), "VMM_INFO_FRAMES_USED");
    }
}
