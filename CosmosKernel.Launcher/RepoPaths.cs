namespace CosmosKernel.Launcher;

// Where the build puts the kernel: artifacts/ at the repository root.
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Iso => Path.Combine(Root, "artifacts", "CosmosKernel.iso");
    public static string KernelElf => Path.Combine(Root, "artifacts", "kernel.elf");
    // A kernel built without plugs (dotnet build CosmosKernel -p:CosmosPlugs=false,
    // docs/plugs.md) goes apart, so it never replaces the real one.
    // A Debug kernel built apart by the tests (-p:ArtifactsDir=artifacts/debug/), so the
    // Release ISO the other boots use is untouched.
    public static string DebugArtifacts => Path.Combine(Root, "artifacts", "debug");
    public static string DebugIso => Path.Combine(DebugArtifacts, "CosmosKernel.iso");
    public static string NoPlugsIso => Path.Combine(Root, "artifacts", "no-plugs", "CosmosKernel.iso");
    public static string NoPlugsKernelElf => Path.Combine(Root, "artifacts", "no-plugs", "kernel.elf");

    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CosmosKernel.sln")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException("CosmosKernel.sln not found above the current directory");
    }
}
