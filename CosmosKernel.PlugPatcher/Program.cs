using CosmosKernel.PlugPatcher;

// CosmosKernel.PlugPatcher --plugs Kernel.dll --target A.dll [--target B.dll ...] --out DIR
// Writes the target assemblies, with every plug applied, into DIR. Exit status 0 only
// when every plug matched its target and the written files show it; otherwise each
// problem is printed as an MSBuild error (naming the plug and its target) and the
// status is 1. Usage mistakes: status 2.
const string Tool = "CosmosKernel.PlugPatcher";
var plugs = new List<string>();
var targets = new List<string>();
string? output = null;
for (int i = 0; i < args.Length; i++)
{
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--plugs" when value != null: plugs.Add(value); i++; break;
        case "--target" when value != null: targets.Add(value); i++; break;
        case "--out" when value != null: output = value; i++; break;
        default:
            Console.Error.WriteLine($"{Tool}: error CKPLUG000: unknown or incomplete argument \"{args[i]}\"");
            return Usage();
    }
}
if (plugs.Count == 0 || targets.Count == 0 || output == null)
    return Usage();

PatchResult result;
try
{
    result = Patcher.Apply(plugs, targets, output);
}
catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"{Tool}: error CKPLUG002: {e.Message}");
    return 1;
}
foreach (string error in result.Errors)
    Console.Error.WriteLine($"{Tool}: error CKPLUG001: {error}");
if (!result.Succeeded)
{
    Console.Error.WriteLine($"{Tool}: error CKPLUG001: {result.Errors.Count} plug error(s): no assembly was patched");
    return 1;
}
foreach (AppliedPlug applied in result.Applied)
    Console.WriteLine($"{Tool}: {applied.Target} in {applied.TargetAssembly} <- {applied.Plug}");
Console.WriteLine($"{Tool}: {result.Applied.Count} plug(s) applied and checked in {string.Join(", ", result.Written.Select(Path.GetFileName))} ({output})");
return 0;

static int Usage()
{
    Console.Error.WriteLine("usage: CosmosKernel.PlugPatcher --plugs KERNEL.dll --target COSMOS_LAYER.dll [--target ...] --out DIRECTORY");
    return 2;
}
