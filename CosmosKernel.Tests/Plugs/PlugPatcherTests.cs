using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using CosmosKernel.PlugPatcher;

namespace CosmosKernel.Tests.Plugs;

// The plug patcher on two small assemblies compiled here: a "Cosmos layer" with
// defaults and a "kernel" with [Plug] classes. What a user checks: a correct plug
// makes the target return the plug's answer; a plug with a wrong target fails with a
// message naming the plug and the target, and writes nothing.
[TestFixture]
public class PlugPatcherTests
{
    // The target side: defaults, as the HAL has them (a static class and an instance method).
    private const string CosmosLayer = """
        namespace Cosmos.Plugs
        {
            [System.AttributeUsage(System.AttributeTargets.Class)]
            public sealed class PlugAttribute : System.Attribute { public PlugAttribute(string targetName) { } }
        }
        namespace Cosmos.HAL
        {
            public static class VirtualMemory
            {
                public static bool TakeOver(ulong memory, ulong modules) => false;
                public static string Describe() => "the boot map";
                public static string DescribeTwice() => Describe() + " / " + Describe();
            }
            public class Device
            {
                public int Id;
                public int Read(int offset) => -1;
            }
        }
        """;

    private const string CorrectPlugs = """
        using Cosmos.Plugs;
        namespace MyKernel
        {
            [Plug("Cosmos.HAL.VirtualMemory")]
            public static class PagingPlug
            {
                public static bool TakeOver(ulong memory, ulong modules) => memory + modules == 3;
                public static string Describe() => "the kernel's page tables";
                // not public: a helper, no plug
                internal static string Helper() => "helper";
            }
            [Plug("Cosmos.HAL.Device")]
            public static class DevicePlug
            {
                public static int Read(Cosmos.HAL.Device aThis, int offset) => aThis.Id * 100 + offset;
            }
        }
        """;

    private string _dir = null!;
    private string _layer = null!;

    [SetUp]
    public void CompileTheCosmosLayer()
    {
        _dir = Path.Combine(Path.GetTempPath(), "cosmos-plug-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _layer = Compile("Cosmos.Layer", CosmosLayer);
    }

    [TearDown]
    public void RemoveFiles()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Test]
    public void ACorrectPlugReplacesTheTargetsBody()
    {
        string kernel = Compile("My.Kernel", CorrectPlugs, _layer);
        string output = Path.Combine(_dir, "plugged");
        PatchResult result = Patcher.Apply([kernel], [_layer], output);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Applied.Select(a => a.Target), Is.EquivalentTo(new[]
        {
            "System.Boolean Cosmos.HAL.VirtualMemory.TakeOver(System.UInt64, System.UInt64)",
            "System.String Cosmos.HAL.VirtualMemory.Describe()",
            "System.Int32 Cosmos.HAL.Device.Read(System.Int32)",
        }));

        // Run the patched layer: its methods now answer what the plugs answer, also
        // when called from inside the layer (DescribeTwice calls Describe).
        var context = new PluggedContext(Path.Combine(output, "Cosmos.Layer.dll"), kernel);
        try
        {
            Assembly layer = context.LoadFromAssemblyName(new AssemblyName("Cosmos.Layer"));
            Type memory = layer.GetType("Cosmos.HAL.VirtualMemory", throwOnError: true)!;
            Assert.That(memory.GetMethod("Describe")!.Invoke(null, null), Is.EqualTo("the kernel's page tables"));
            Assert.That(memory.GetMethod("DescribeTwice")!.Invoke(null, null), Is.EqualTo("the kernel's page tables / the kernel's page tables"));
            Assert.That(memory.GetMethod("TakeOver")!.Invoke(null, [1UL, 2UL]), Is.EqualTo(true));
            Type deviceType = layer.GetType("Cosmos.HAL.Device", throwOnError: true)!;
            object device = Activator.CreateInstance(deviceType)!;
            deviceType.GetField("Id")!.SetValue(device, 7);
            Assert.That(deviceType.GetMethod("Read")!.Invoke(device, [5]), Is.EqualTo(705), "an instance target gets its object as aThis");
        }
        finally
        {
            context.Unload();
        }

        // The input is left as it was: the defaults still answer there.
        var original = new PluggedContext(_layer, kernel);
        try
        {
            Type memory = original.LoadFromAssemblyName(new AssemblyName("Cosmos.Layer")).GetType("Cosmos.HAL.VirtualMemory", throwOnError: true)!;
            Assert.That(memory.GetMethod("Describe")!.Invoke(null, null), Is.EqualTo("the boot map"));
        }
        finally
        {
            original.Unload();
        }
    }

    [Test]
    public void APlugForATypeThatDoesNotExistFailsNamingBoth()
    {
        string kernel = Compile("My.Kernel", CorrectPlugs.Replace("\"Cosmos.HAL.VirtualMemory\"", "\"Cosmos.HAL.VirtualMemry\""), _layer);
        string error = SingleError(kernel);
        Assert.That(error, Does.Contain("MyKernel.PagingPlug"));
        Assert.That(error, Does.Contain("target type Cosmos.HAL.VirtualMemry does not exist in Cosmos.Layer"));
    }

    [Test]
    public void APlugForAMethodThatDoesNotExistFailsNamingBoth()
    {
        string kernel = Compile("My.Kernel", CorrectPlugs.Replace(
            "public static string Describe() => \"the kernel's page tables\";",
            "public static string Describe() => \"the kernel's page tables\";\n public static void Flush() { }"), _layer);
        string error = SingleError(kernel);
        Assert.That(error, Does.Contain("MyKernel.PagingPlug.Flush()"));
        Assert.That(error, Does.Contain("target method Cosmos.HAL.VirtualMemory.Flush does not exist"));
    }

    [Test]
    public void APlugWithAnotherSignatureFailsNamingBothAndTheTargetsSignature()
    {
        string kernel = Compile("My.Kernel", CorrectPlugs.Replace(
            "public static bool TakeOver(ulong memory, ulong modules) => memory + modules == 3;",
            "public static bool TakeOver(uint memory) => memory == 3;"), _layer);
        string error = SingleError(kernel);
        Assert.That(error, Does.Contain("MyKernel.PagingPlug.TakeOver(System.UInt32)"));
        Assert.That(error, Does.Contain("the target has System.Boolean Cosmos.HAL.VirtualMemory.TakeOver(System.UInt64, System.UInt64)"));
    }

    [Test]
    public void AnInstancePlugWithoutAThisFailsAndSaysSo()
    {
        string kernel = Compile("My.Kernel", CorrectPlugs.Replace("Read(Cosmos.HAL.Device aThis, int offset) => aThis.Id * 100 + offset", "Read(int offset) => offset"), _layer);
        string error = SingleError(kernel);
        Assert.That(error, Does.Contain("MyKernel.DevicePlug.Read(System.Int32)"));
        Assert.That(error, Does.Contain("an instance method: the plug takes Cosmos.HAL.Device aThis first"));
    }

    [Test]
    public void TheToolFailsTheBuildWithAnMSBuildErrorAndWritesNothing()
    {
        string kernel = Compile("My.Kernel", CorrectPlugs.Replace("\"Cosmos.HAL.Device\"", "\"Cosmos.HAL.Disk\""), _layer);
        string output = Path.Combine(_dir, "plugged");
        string tool = typeof(Patcher).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { tool, "--plugs", kernel, "--target", _layer, "--out", output })
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(1), stdout + stderr);
        // MSBuild's canonical error format, so Exec reports it as a build error.
        Assert.That(stderr, Does.Contain("CosmosKernel.PlugPatcher: error CKPLUG001: plug MyKernel.DevicePlug: its target type Cosmos.HAL.Disk does not exist"));
        Assert.That(stdout, Does.Not.Contain("applied"));
        Assert.That(Directory.Exists(output) ? Directory.GetFiles(output) : [], Is.Empty, "nothing is written when a plug has no target");
    }

    // Patches and expects exactly one error, and no file written.
    private string SingleError(string kernel)
    {
        string output = Path.Combine(_dir, "plugged");
        PatchResult result = Patcher.Apply([kernel], [_layer], output);
        Assert.That(result.Succeeded, Is.False, "the patcher accepted a plug with no target");
        Assert.That(result.Errors, Has.Count.EqualTo(1), string.Join("\n", result.Errors));
        Assert.That(result.Applied, Is.Empty);
        Assert.That(Directory.Exists(output) ? Directory.GetFiles(output) : [], Is.Empty, "nothing is written when a plug has no target");
        TestContext.Out.WriteLine(result.Errors[0]);
        return result.Errors[0];
    }

    private string Compile(string name, string source, params string[] references)
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var compilation = CSharpCompilation.Create(name,
            [CSharpSyntaxTree.ParseText(source)],
            platform.Concat(references).Select(path => MetadataReference.CreateFromFile(path)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        string path = Path.Combine(_dir, name + ".dll");
        var emitted = compilation.Emit(path);
        Assert.That(emitted.Success, Is.True, string.Join("\n", emitted.Diagnostics));
        return path;
    }

    // Loads the layer and the kernel from the given files (not from the test's folder).
    private sealed class PluggedContext(string layer, string kernel) : AssemblyLoadContext(isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name) => name.Name switch
        {
            "Cosmos.Layer" => LoadFromStream(new MemoryStream(File.ReadAllBytes(layer))),
            "My.Kernel" => LoadFromStream(new MemoryStream(File.ReadAllBytes(kernel))),
            _ => null,
        };
    }
}
