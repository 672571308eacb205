using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CosmosKernel.PlugPatcher;

// One plug method matched to its target: the target's body now calls the plug.
public sealed record AppliedPlug(string Plug, string Target, string TargetAssembly);

// What a run did: the plugs applied (verified in the written files) and, if any plug
// has no target, the errors; then nothing is written.
public sealed class PatchResult
{
    public List<AppliedPlug> Applied { get; } = new();
    public List<string> Errors { get; } = new();
    public List<string> Written { get; } = new();
    public bool Succeeded => Errors.Count == 0;
}

// Applies Cosmos-style plugs to IL (docs/plugs.md):
//  - a plug class is a public class with [Cosmos.Plugs.Plug("Full.Target.TypeName")];
//  - each of its public static methods replaces the target type's method of the same
//    name and signature. A plug for a static target has the target's parameters; a plug
//    for an instance method has the target type as an extra first parameter (`aThis`,
//    as in Cosmos). The return types must be the same;
//  - the target's body becomes "load every argument, call the plug, return", so the
//    plug runs wherever the Cosmos layer calls its default. The plug class stays in the
//    kernel's assembly; the rewritten target assembly refers to it by name (ILC compiles
//    every assembly of the kernel together, so the reference back up is resolved there).
// Anything that does not match (no such type, no such method, another signature, two
// plugs for one method) is an error that names the plug and the target, and nothing is
// written: a plug that silently did not apply would leave the default running.
public static class Patcher
{
    public const string PlugAttributeName = "Cosmos.Plugs.PlugAttribute";

    public static PatchResult Apply(IReadOnlyList<string> plugAssemblies, IReadOnlyList<string> targetAssemblies, string outputDirectory)
    {
        var result = new PatchResult();
        var resolver = new DefaultAssemblyResolver();
        foreach (string dir in plugAssemblies.Concat(targetAssemblies).Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct())
            resolver.AddSearchDirectory(dir);

        var targets = new List<ModuleDefinition>();
        var plugModules = new List<ModuleDefinition>();
        try
        {
            foreach (string path in targetAssemblies)
                targets.Add(Read(path, resolver));
            foreach (string path in plugAssemblies)
                plugModules.Add(Read(path, resolver));

            // target method -> the plug that replaces it (two plugs for one method are an error)
            var chosen = new Dictionary<MethodDefinition, MethodDefinition>();
            foreach (ModuleDefinition plugModule in plugModules)
                foreach (TypeDefinition plugType in AllTypes(plugModule))
                    MatchPlugClass(plugType, targets, chosen, result);
            if (!result.Succeeded)
                return result;

            foreach ((MethodDefinition target, MethodDefinition plug) in chosen)
            {
                ReplaceBody(target, plug);
                result.Applied.Add(new AppliedPlug(Describe(plug), Describe(target), target.Module.Assembly.Name.Name));
            }

            Directory.CreateDirectory(outputDirectory);
            foreach (ModuleDefinition target in targets)
            {
                string output = Path.Combine(outputDirectory, Path.GetFileName(target.FileName));
                bool symbols = target.HasSymbols;
                target.Write(output, new WriterParameters { WriteSymbols = symbols });
                result.Written.Add(output);
            }
        }
        finally
        {
            foreach (ModuleDefinition module in targets.Concat(plugModules))
                module.Dispose();
        }

        // Report only what the written files show: read them back and check that every
        // applied target's body is the call to its plug.
        foreach (string written in result.Written)
        {
            using ModuleDefinition module = ModuleDefinition.ReadModule(written, new ReaderParameters { AssemblyResolver = resolver });
            foreach (AppliedPlug applied in result.Applied.Where(a => a.TargetAssembly == module.Assembly.Name.Name))
            {
                MethodDefinition? target = AllTypes(module).SelectMany(t => t.Methods).FirstOrDefault(m => Describe(m) == applied.Target);
                if (target == null || !CallsOnly(target, applied.Plug))
                    result.Errors.Add($"plug {applied.Plug}: the written {Path.GetFileName(written)} does not show {applied.Target} calling it");
            }
        }
        return result;
    }

    private static ModuleDefinition Read(string path, IAssemblyResolver resolver)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"assembly {path} does not exist", path);
        // Symbols too when the compiler wrote a portable PDB, so the kernel keeps its
        // source lines for gdb; a replaced body has none.
        bool symbols = File.Exists(Path.ChangeExtension(path, ".pdb"));
        return ModuleDefinition.ReadModule(path, new ReaderParameters
        {
            AssemblyResolver = resolver,
            ReadSymbols = symbols,
            ReadingMode = ReadingMode.Immediate,
            InMemory = true, // the output may overwrite nothing, but the input stays unlocked
        });
    }

    private static IEnumerable<TypeDefinition> AllTypes(ModuleDefinition module)
    {
        foreach (TypeDefinition type in module.Types)
            foreach (TypeDefinition nested in WithNested(type))
                yield return nested;
    }

    private static IEnumerable<TypeDefinition> WithNested(TypeDefinition type)
    {
        yield return type;
        foreach (TypeDefinition nested in type.NestedTypes)
            foreach (TypeDefinition inner in WithNested(nested))
                yield return inner;
    }

    private static string? PlugTargetName(TypeDefinition type)
    {
        CustomAttribute? attribute = type.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == PlugAttributeName);
        if (attribute == null)
            return null;
        return attribute.ConstructorArguments.Count == 1 && attribute.ConstructorArguments[0].Value is string name ? name : "";
    }

    private static void MatchPlugClass(TypeDefinition plugType, List<ModuleDefinition> targets,
        Dictionary<MethodDefinition, MethodDefinition> chosen, PatchResult result)
    {
        string? targetName = PlugTargetName(plugType);
        if (targetName == null)
            return;
        string plugName = plugType.FullName.Replace('/', '+');
        string assemblies = string.Join(", ", targets.Select(t => t.Assembly.Name.Name));
        if (targetName.Length == 0)
        {
            result.Errors.Add($"plug {plugName}: [Plug] needs the target type's full name, e.g. [Plug(\"Cosmos.HAL.Idt\")]");
            return;
        }
        if (!plugType.IsPublic && !plugType.IsNestedPublic)
            result.Errors.Add($"plug {plugName} (target {targetName}): a plug class must be public, since the target's assembly calls it");

        string cecilName = targetName.Replace('+', '/');
        List<TypeDefinition> found = targets.SelectMany(AllTypes).Where(t => t.FullName == cecilName).ToList();
        if (found.Count == 0)
        {
            result.Errors.Add($"plug {plugName}: its target type {targetName} does not exist in {assemblies}");
            return;
        }
        if (found.Count > 1)
        {
            result.Errors.Add($"plug {plugName}: its target type {targetName} exists in more than one of {assemblies}");
            return;
        }
        TypeDefinition targetType = found[0];

        int plugMethods = 0;
        foreach (MethodDefinition plug in plugType.Methods)
        {
            if (!plug.IsPublic || plug.IsConstructor)
                continue; // helpers: private and internal methods of a plug class are no plugs
            plugMethods++;
            string plugMethodName = Describe(plug);
            if (!plug.IsStatic)
            {
                result.Errors.Add($"plug {plugMethodName}: a plug method must be static (for an instance target, take the target as the first parameter, aThis)");
                continue;
            }
            if (plug.HasGenericParameters)
            {
                result.Errors.Add($"plug {plugMethodName}: generic methods cannot be plugs");
                continue;
            }
            List<MethodDefinition> sameName = targetType.Methods.Where(m => m.Name == plug.Name).ToList();
            if (sameName.Count == 0)
            {
                result.Errors.Add($"plug {plugMethodName}: its target method {targetName}.{plug.Name} does not exist");
                continue;
            }
            List<MethodDefinition> matching = sameName.Where(m => Matches(plug, m, targetType)).ToList();
            if (matching.Count == 0)
            {
                result.Errors.Add($"plug {plugMethodName}: no method {targetName}.{plug.Name} has its signature; the target has "
                    + string.Join(" and ", sameName.Select(m => Describe(m) + (m.IsStatic ? "" : " (an instance method: the plug takes " + targetName + " aThis first)"))));
                continue;
            }
            MethodDefinition target = matching[0];
            if (!target.HasBody)
            {
                result.Errors.Add($"plug {plugMethodName}: its target {Describe(target)} has no IL body (extern or abstract) to replace");
                continue;
            }
            if (chosen.TryGetValue(target, out MethodDefinition? other))
            {
                result.Errors.Add($"plug {plugMethodName}: {Describe(target)} is already plugged by {Describe(other)}");
                continue;
            }
            chosen[target] = plug;
        }
        if (plugMethods == 0)
            result.Errors.Add($"plug {plugName} (target {targetName}): the class has no public static method, so it replaces nothing");
    }

    // Same name already checked. Static target: the same parameter types. Instance
    // target: the target type first, then the same parameter types. Same return type.
    private static bool Matches(MethodDefinition plug, MethodDefinition target, TypeDefinition targetType)
    {
        if (target.HasGenericParameters || target.IsConstructor)
            return false;
        if (plug.ReturnType.FullName != target.ReturnType.FullName)
            return false;
        int offset = target.IsStatic ? 0 : 1;
        if (plug.Parameters.Count != target.Parameters.Count + offset)
            return false;
        if (!target.IsStatic)
        {
            string expected = targetType.IsValueType ? targetType.FullName + "&" : targetType.FullName;
            if (plug.Parameters[0].ParameterType.FullName != expected)
                return false;
        }
        for (int i = 0; i < target.Parameters.Count; i++)
            if (plug.Parameters[i + offset].ParameterType.FullName != target.Parameters[i].ParameterType.FullName)
                return false;
        return true;
    }

    // The target's body: pass every argument on to the plug and return what it returns.
    private static void ReplaceBody(MethodDefinition target, MethodDefinition plug)
    {
        MethodBody body = target.Body;
        body.Instructions.Clear();
        body.Variables.Clear();
        body.ExceptionHandlers.Clear();
        body.InitLocals = false;
        target.DebugInformation.SequencePoints.Clear();
        target.DebugInformation.Scope = null;
        ILProcessor il = body.GetILProcessor();
        int arguments = plug.Parameters.Count;
        for (int i = 0; i < arguments; i++)
            il.Append(i switch
            {
                0 => il.Create(OpCodes.Ldarg_0),
                1 => il.Create(OpCodes.Ldarg_1),
                2 => il.Create(OpCodes.Ldarg_2),
                3 => il.Create(OpCodes.Ldarg_3),
                _ => il.Create(OpCodes.Ldarg, i),
            });
        il.Append(il.Create(OpCodes.Call, target.Module.ImportReference(plug)));
        il.Append(il.Create(OpCodes.Ret));
        // The default may have asked never to be inlined or to be inlined; the plug decides now.
        target.ImplAttributes &= ~MethodImplAttributes.NoInlining;
    }

    private static bool CallsOnly(MethodDefinition target, string plug)
    {
        if (!target.HasBody)
            return false;
        var calls = target.Body.Instructions.Where(i => i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt).ToList();
        return calls.Count == 1 && calls[0].Operand is MethodReference called && DescribeReference(called) == plug
            && target.Body.Instructions[^1].OpCode == OpCodes.Ret;
    }

    // "Return Namespace.Type.Name(Parameter, Types)", as the messages and the report show it.
    public static string Describe(MethodDefinition method) => DescribeReference(method);

    private static string DescribeReference(MethodReference method) =>
        method.ReturnType.FullName + " " + method.DeclaringType.FullName.Replace('/', '+') + "." + method.Name
        + "(" + string.Join(", ", method.Parameters.Select(p => p.ParameterType.FullName)) + ")";
}
