using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using CosmosKernel.Abi;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The assembly and C programs (CosmosKernel.Userland) get the ABI's constants from
// cosmos_abi.inc / cosmos_abi.h, generated from CosmosKernel/Abi/ at every kernel build
// (CosmosKernel.AbiHeaders, build/Kernel.targets). These tests check
//  - that no program restates a number Abi/ defines (the point of generating them),
//  - that the generated files say what Abi/ says: every constant, with its value and
//    type, and every struct's size and offsets, as gcc and nasm themselves read them.
// The Abi types here are the test project's own compilation of Abi/, not the
// generator's: the generator's output is compared with the source, not with itself.
[TestFixture]
public class AbiHeaderTests
{
    private static string Userland => Path.Combine(RepoPaths.Root, "CosmosKernel.Userland");
    private static string GeneratedDir => Path.Combine(RepoPaths.Root, "artifacts", "include");

    private static Type[] AbiTypes() => typeof(SyscallNumbers).Assembly.GetTypes()
        .Where(t => t.Namespace == "CosmosKernel.Abi" && t.IsPublic && !t.IsNested).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();

    private static FieldInfo[] Constants(Type t) => t.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
        .Where(f => f.IsLiteral).ToArray();

    private static FieldInfo[] InstanceFields(Type t) => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
        .OrderBy(f => f.MetadataToken).ToArray();

    // The naming rule as cosmos_abi.h's first comment states it, applied independently
    // of the generator: Abi.<Type>.<Member> in upper snake case with the prefix ABI_.
    private static string UpperSnake(string name) =>
        Regex.Replace(name, @"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_").ToUpperInvariant();

    private static string ConstantName(Type t, FieldInfo f) => "ABI_" + UpperSnake(t.Name) + "_" + UpperSnake(f.Name);
    private static string SizeName(Type t) => "ABI_" + UpperSnake(t.Name) + "_SIZEOF";
    private static string OffsetName(Type t, FieldInfo f) => "ABI_" + UpperSnake(t.Name) + "_OFFSETOF_" + UpperSnake(f.Name);
    private static string CStruct(Type t) => "abi_" + UpperSnake(t.Name).ToLowerInvariant();
    private static string CField(FieldInfo f) => UpperSnake(f.Name).ToLowerInvariant();

    private static string Generated(string name)
    {
        string path = Path.Combine(GeneratedDir, name);
        Assert.That(File.Exists(path), Is.True, path + " is missing: build the kernel (dotnet build CosmosKernel) first; it generates it");
        return File.ReadAllText(path);
    }

    // ---- no restatements -------------------------------------------------------------

    // Old spellings of Abi's constants (before the headers were generated), by prefix:
    // SYS_write, SYS_write_, NR_write, PROT_READ_, MAP_FIXED_NOREPLACE_, CLONE_SETTLS_,
    // VMM_INFO_FRAMES_USED... A name matches when, without its prefix, a trailing `_`
    // and underscores, it is the name of a constant (or struct field) of those types.
    private static readonly (string Prefix, Type[] Types)[] OldPrefixes =
    {
        ("SYS_", new[] { typeof(SyscallNumbers) }),
        ("NR_", new[] { typeof(SyscallNumbers) }),
        ("__NR_", new[] { typeof(SyscallNumbers) }),
        ("PROT_", new[] { typeof(Prot) }),
        ("MAP_", new[] { typeof(MapFlags) }),
        ("CLONE_", new[] { typeof(CloneFlags) }),
        ("FUTEX_", new[] { typeof(FutexOps) }),
        ("CLOCK_", new[] { typeof(ClockIds) }),
        ("O_", new[] { typeof(OpenFlags) }),
        ("SIG", new[] { typeof(Signals) }),
        ("VMM_INFO_", new[] { typeof(VmmInfo) }),
        ("", new[] { typeof(Errno) }),
    };

    // Old names that the prefix rule above does not spell.
    private static readonly string[] OldSpecialNames = { "WNOHANG", "FUTEX_PRIVATE", "AT_FDCWD" };

    private static string Squash(string name) => name.Replace("_", "").ToLowerInvariant();

    // Why `name` may not be defined by a program, or null when it may.
    internal static string? RestatedName(string name, ISet<string> generatedNames)
    {
        if (generatedNames.Contains(name))
            return "a name of the generated header";
        string bare = name.EndsWith('_') ? name[..^1] : name;
        if (OldSpecialNames.Contains(bare))
            return "an old restated name";
        foreach (var (prefix, types) in OldPrefixes)
        {
            if (!bare.StartsWith(prefix, StringComparison.Ordinal) || bare.Length == prefix.Length)
                continue;
            string rest = Squash(bare[prefix.Length..]);
            foreach (Type t in types)
                foreach (string member in Constants(t).Select(f => f.Name).Concat(InstanceFields(t).Select(f => f.Name)))
                    if (Squash(member) == rest)
                        return "Abi." + t.Name + "." + member + " under an old name";
        }
        return null;
    }

    // Every name a C or nasm source defines: #define, nasm's %define/%xdefine/%assign
    // and `equ`, and C enumerators given a number (`NR_read = 0,`).
    private static readonly Regex[] Definitions =
    {
        new(@"^\s*#\s*define\s+(?<name>\w+)", RegexOptions.Multiline),
        new(@"^\s*%(i?x?define|i?assign)\s+(?<name>\w+)", RegexOptions.Multiline | RegexOptions.IgnoreCase),
        new(@"^\s*(?<name>\w+)\s+equ\b", RegexOptions.Multiline | RegexOptions.IgnoreCase),
        new(@"(?<![\w.>])(?<name>[A-Za-z_]\w*)\s*=\s*-?(0[xX][0-9A-Fa-f]+|\d+)\s*[,}]"),
    };

    internal static List<string> Restatements(string file, string text, ISet<string> generatedNames)
    {
        var problems = new List<string>();
        foreach (Regex definition in Definitions)
            foreach (Match m in definition.Matches(text))
            {
                string name = m.Groups["name"].Value;
                if (RestatedName(name, generatedNames) is { } why)
                {
                    int line = text.Take(m.Index).Count(c => c == '\n') + 1;
                    problems.Add(file + ":" + line + ": defines " + name + " (" + why + "): include cosmos_abi.h / cosmos_abi.inc and use its name");
                }
            }
        return problems;
    }

    private static HashSet<string> GeneratedNames()
    {
        var names = new HashSet<string>();
        foreach (Type t in AbiTypes())
        {
            foreach (FieldInfo f in Constants(t))
                names.Add(ConstantName(t, f));
            if (t.IsValueType)
            {
                names.Add(SizeName(t));
                foreach (FieldInfo f in InstanceFields(t))
                    names.Add(OffsetName(t, f));
            }
        }
        return names;
    }

    [Test]
    public void NoProgramRestatesAnAbiNumber()
    {
        HashSet<string> generated = GeneratedNames();
        string[] extensions = { ".c", ".h", ".asm", ".inc", ".s", ".S" };
        string[] files = Directory.GetFiles(Userland, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
        // The programs are there: an empty scan would pass without checking anything.
        Assert.That(files.Count(f => f.EndsWith(".c")), Is.GreaterThanOrEqualTo(6), "the C programs were not found under " + Userland);
        Assert.That(files.Count(f => f.EndsWith(".asm")), Is.GreaterThanOrEqualTo(4), "the assembly programs were not found under " + Userland);
        var problems = new List<string>();
        foreach (string file in files)
            problems.AddRange(Restatements(Path.GetRelativePath(RepoPaths.Root, file), File.ReadAllText(file), generated));
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    // The scan above finds what it is meant to: each way the programs used to restate.
    [TestCase("#define EFAULT_ 14")]
    [TestCase("%define EPERM 1")]
    [TestCase("%define SYS_cosmos_vmm_info 1024")]
    [TestCase("%define VMM_INFO_FRAMES_USED 24")]
    [TestCase("enum {\n    SYS_read_ = 0,\n    RFLAGS_MASK = 7,\n};")]
    [TestCase("enum { NR_cosmos_bench = 1028 };")]
    [TestCase("#define CLONE_SETTLS_ 0x80000")]
    [TestCase("#define CLONE_SYSVSEM_ 0x40000")]
    [TestCase("#define MAP_FIXED_NOREPLACE_ 0x100000")]
    [TestCase("#define FUTEX_PRIVATE_ 128")]
    [TestCase("#define WNOHANG_ 1")]
    [TestCase("#define CLOCK_MONOTONIC_ 1")]
    [TestCase("#define ABI_ERRNO_EFAULT 14")]
    [TestCase("%define ABI_VMM_INFO_SIZEOF 176")]
    [TestCase("SYS_exit_group equ 231")]
    public void TheScanFindsARestatement(string source)
    {
        Assert.That(Restatements("x.c", source, GeneratedNames()), Has.Count.EqualTo(1));
    }

    [TestCase("#define PAGE 4096UL")]
    [TestCase("#define THREAD_CLONE_FLAGS (ABI_CLONE_FLAGS_PTHREAD_THREAD_WITH_TIDS | ABI_CLONE_FLAGS_SET_TLS)")]
    [TestCase("#define RFLAGS_DF 0x400UL")]
    [TestCase("enum { T_WRITER, T_READER };")]
    [TestCase("%define COSMOS_ABI_INC")]
    public void TheScanLeavesOtherNamesAlone(string source)
    {
        Assert.That(Restatements("x.c", source, GeneratedNames()), Is.Empty);
    }

    // ---- the generated files say what Abi/ says --------------------------------------

    private static Dictionary<string, string> Defines(string text, string directive)
    {
        var map = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(text, "^" + Regex.Escape(directive) + @" (?<name>\w+)(?: (?<value>[^\r\n]*?))?(?:\s*(/\*.*|;.*))?$", RegexOptions.Multiline))
            map[m.Groups["name"].Value] = m.Groups["value"].Value.Trim();
        return map;
    }

    private static string Expected(object value, bool c) => value switch
    {
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        int.MinValue when c => "(-2147483647 - 1)", // C's -2147483648 would be a long
        int or short or sbyte or byte or ushort => Paren(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        uint => Paren(value + (c ? "U" : "")),
        long => Paren(value + (c ? "L" : "")),
        ulong => Paren(value + (c ? "UL" : "")),
        _ => throw new AssertionException("unexpected constant type " + value.GetType()),
    };

    private static string Paren(string number) => number.StartsWith('-') ? "(" + number + ")" : number;

    [TestCase("cosmos_abi.h", "#define", true)]
    [TestCase("cosmos_abi.inc", "%define", false)]
    public void TheGeneratedFileHasEveryConstantAndLayout(string file, string directive, bool c)
    {
        Dictionary<string, string> defines = Defines(Generated(file), directive);
        var problems = new List<string>();
        int count = 0;
        void Expect(string name, string value, string what)
        {
            count++;
            if (!defines.TryGetValue(name, out string? got))
                problems.Add(what + ": " + name + " is missing");
            else if (got != value)
                problems.Add(what + ": " + name + " is " + got + ", expected " + value);
        }
        foreach (Type t in AbiTypes())
        {
            foreach (FieldInfo f in Constants(t))
                Expect(ConstantName(t, f), Expected(f.GetRawConstantValue()!, c), "Abi." + t.Name + "." + f.Name);
            if (t.IsValueType)
            {
                Expect(SizeName(t), Marshal.SizeOf(t).ToString(CultureInfo.InvariantCulture), "the size of Abi." + t.Name);
                foreach (FieldInfo f in InstanceFields(t))
                    Expect(OffsetName(t, f), Marshal.OffsetOf(t, f.Name).ToString(), "the offset of Abi." + t.Name + "." + f.Name);
            }
        }
        Assert.That(problems, Is.Empty, file + ":\n" + string.Join("\n", problems));
        // The ABI's well-known numbers, so a broken reflection walk cannot pass unnoticed.
        Assert.That(count, Is.GreaterThanOrEqualTo(100), "constants checked");
        Assert.That(defines["ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO"], Does.StartWith("1024"));
        Assert.That(defines["ABI_ERRNO_EFAULT"], Is.EqualTo("14"));
        Assert.That(defines["ABI_VMM_INFO_OFFSETOF_FRAMES_USED"], Is.EqualTo("24"));
    }

    private static (int Status, string Output) Run(string command, string arguments, string directory)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private static string? Tool(params string[] names) =>
        names.FirstOrDefault(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => File.Exists(Path.Combine(dir, name))));

    // What a C program sees: each constant's value and C type, each struct's size and
    // offsets, printed by a program compiled with the header (as the C programs are,
    // with musl-gcc -Wall -Werror, so the header's _Static_asserts hold too).
    [Test]
    public void CompiledCSeesAbisValuesTypesAndLayouts()
    {
        Generated("cosmos_abi.h");
        string? cc = Tool("musl-gcc", "gcc");
        if (cc == null)
            Assert.Ignore("neither musl-gcc nor gcc is installed");
        var source = new StringBuilder("#include <stdio.h>\n#include \"cosmos_abi.h\"\n");
        source.Append("#define TYPE(x) _Generic((x), int: \"int\", unsigned int: \"uint\", long: \"long\", unsigned long: \"ulong\", char *: \"string\", default: \"other\")\n");
        source.Append("int main(void)\n{\n");
        var expected = new StringBuilder();
        foreach (Type t in AbiTypes())
        {
            foreach (FieldInfo f in Constants(t))
            {
                string name = ConstantName(t, f);
                object value = f.GetRawConstantValue()!;
                if (value is string s)
                {
                    source.Append($"    printf(\"{name} string %s\\n\", {name});\n");
                    expected.Append($"{name} string {s}\n");
                }
                else
                {
                    source.Append($"    printf(\"{name} %s %llu\\n\", TYPE({name}), (unsigned long long){name});\n");
                    string type = value switch { int => "int", uint => "uint", long => "long", ulong => "ulong", _ => "other" };
                    ulong bits = value is ulong u ? u : unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    expected.Append($"{name} {type} {bits}\n");
                }
            }
            if (t.IsValueType)
            {
                source.Append($"    printf(\"sizeof {CStruct(t)} %zu\\n\", sizeof(struct {CStruct(t)}));\n");
                expected.Append($"sizeof {CStruct(t)} {Marshal.SizeOf(t)}\n");
                foreach (FieldInfo f in InstanceFields(t))
                {
                    source.Append($"    printf(\"offsetof {CStruct(t)}.{CField(f)} %zu %zu\\n\", offsetof(struct {CStruct(t)}, {CField(f)}), sizeof(((struct {CStruct(t)} *)0)->{CField(f)}));\n");
                    expected.Append($"offsetof {CStruct(t)}.{CField(f)} {Marshal.OffsetOf(t, f.Name)} {Marshal.SizeOf(f.FieldType)}\n");
                }
            }
        }
        source.Append("    return 0;\n}\n");

        string dir = Directory.CreateTempSubdirectory("abi-header-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "abi.c"), source.ToString());
            var (status, output) = Run(cc!, $"-std=c11 -Wall -Werror -O0 -I \"{GeneratedDir}\" -o abi abi.c", dir);
            Assert.That(status, Is.EqualTo(0), cc + " could not compile the header:\n" + output);
            (status, output) = Run(Path.Combine(dir, "abi"), "", dir);
            Assert.That(status, Is.EqualTo(0), output);
            Assert.That(output, Is.EqualTo(expected.ToString()));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // What an assembly program sees: nasm assembles each constant as a quadword (a
    // string as its bytes) and the test reads the bytes back.
    [Test]
    public void NasmSeesAbisValues()
    {
        Generated("cosmos_abi.inc");
        if (Tool("nasm") == null)
            Assert.Ignore("nasm is not installed");
        var source = new StringBuilder("%include \"cosmos_abi.inc\"\n");
        var expected = new MemoryStream();
        void Quad(ulong v) => expected.Write(BitConverter.GetBytes(v));
        foreach (Type t in AbiTypes())
        {
            foreach (FieldInfo f in Constants(t))
            {
                object value = f.GetRawConstantValue()!;
                source.Append(value is string ? "db " : "dq ").Append(ConstantName(t, f)).Append('\n');
                if (value is string s)
                    expected.Write(Encoding.ASCII.GetBytes(s));
                else
                    Quad(value is ulong u ? u : unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture)));
            }
            if (t.IsValueType)
            {
                source.Append("dq ").Append(SizeName(t)).Append('\n');
                Quad((ulong)Marshal.SizeOf(t));
                foreach (FieldInfo f in InstanceFields(t))
                {
                    source.Append("dq ").Append(OffsetName(t, f)).Append('\n');
                    Quad((ulong)Marshal.OffsetOf(t, f.Name));
                }
            }
        }
        string dir = Directory.CreateTempSubdirectory("abi-inc-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "abi.asm"), source.ToString());
            var (status, output) = Run("nasm", $"-f bin -I \"{GeneratedDir}/\" -o abi.bin abi.asm", dir);
            Assert.That(status, Is.EqualTo(0), "nasm could not assemble the include:\n" + output);
            Assert.That(File.ReadAllBytes(Path.Combine(dir, "abi.bin")), Is.EqualTo(expected.ToArray()));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
