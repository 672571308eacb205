using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using CosmosKernel.Launcher;

namespace CosmosKernel.Tests.Host;

// The kernel's one-way arrows (docs/architecture.md), checked on the compiled kernel
// assembly: a type may use types of its own level and the levels below, never above,
// and only the composition root (Kernel, Boot/, SelfTests/) touches the Kernel class.
// It reads every signature (fields, methods, locals, base types, interfaces) and every
// token in every method body, so a reference hidden in a method body counts too.
[TestFixture]
public class LayeringTests
{
    // Higher numbers sit higher. Types at the same level may use each other.
    private static readonly (string Namespace, int Level)[] Levels =
    {
        ("CosmosKernel", 100),            // Kernel.cs, the composition root
        ("CosmosKernel.Boot", 100),
        ("CosmosKernel.SelfTests", 100),
        ("CosmosKernel.Plugs", 100),      // the [Plug] classes: wire the HAL's targets to the subsystems
        ("Cosmos.System", 100),           // the Cosmos Kernel base class and its options
        ("CosmosKernel.Syscalls", 80),
        ("CosmosKernel.Lab", 70),
        ("CosmosKernel.Processes", 60),
        ("CosmosKernel.FileSystem", 57),  // the file tree: its nodes open as Files' open files
        ("CosmosKernel.Files", 55),
        ("CosmosKernel.Platform", 40),
        ("CosmosKernel.Memory", 30),
        ("CosmosKernel.Memory.UserCopy", 30),
        ("CosmosKernel.Scheduling", 30),
        ("CosmosKernel.Threading", 20),
        ("CosmosKernel.Diagnostics", 10),
        ("CosmosKernel.Arch", 8),
        ("CosmosKernel.Abi", 5),
    };

    private static bool IsRoot(string ns) => Level(ns) == 100;

    private static int Level(string ns)
    {
        foreach (var (name, level) in Levels)
            if (name == ns)
                return level;
        return -1;
    }

    private static bool IsKernelNamespace(string ns) => ns == "CosmosKernel" || ns.StartsWith("CosmosKernel.") || ns == "Cosmos.System";

    [Test]
    public void NoTypeUsesAHigherLevel()
    {
        var violations = new List<string>();
        foreach (Reference r in References())
        {
            int from = Level(r.FromNamespace), to = Level(r.ToNamespace);
            if (from < 0 || to < 0)
                continue; // reported by EveryNamespaceHasALevel
            if (to > from)
                violations.Add(r.FromType + " (" + r.FromNamespace + ", level " + from + ") uses " + r.What
                    + " (" + r.ToNamespace + ", level " + to + ")");
        }
        var sorted = violations.Distinct().OrderBy(v => v).ToList();
        Assert.That(sorted, Is.Empty, "arrows pointing up (docs/architecture.md: Syscalls -> Lab -> Processes -> FileSystem -> Files -> Platform"
            + " -> Memory/Scheduling -> Threading -> Diagnostics -> Arch -> Abi):\n" + string.Join("\n", sorted));
    }

    [Test]
    public void OnlyTheCompositionRootUsesTheKernelClass()
    {
        var violations = References()
            .Where(r => r.ToType == "CosmosKernel.Kernel" && !IsRoot(r.FromNamespace))
            .Select(r => r.FromType + " uses " + r.What)
            .Distinct().OrderBy(v => v).ToList();
        Assert.That(violations, Is.Empty, "Kernel is the composition root: it passes the subsystems down, nobody reaches up to it:\n"
            + string.Join("\n", violations));
    }

    [Test]
    public void EveryNamespaceHasALevel()
    {
        using var pe = new PEReader(File.OpenRead(KernelAssemblyPath()));
        MetadataReader md = pe.GetMetadataReader();
        var missing = new SortedSet<string>();
        foreach (TypeDefinitionHandle h in md.TypeDefinitions)
        {
            string ns = OuterNamespace(md, h);
            if (ns.Length > 0 && IsKernelNamespace(ns) && Level(ns) < 0)
                missing.Add(ns + " (" + TypeName(md, h) + ")");
        }
        Assert.That(missing, Is.Empty, "a namespace without a level in LayeringTests.Levels");
    }

    // The test itself must see what it is meant to catch: the references it reads
    // include method bodies (Kernel.Start is called from Boot's body, nowhere else).
    [Test]
    public void TheReaderSeesReferencesInMethodBodies()
    {
        Assert.That(References().Any(r => r.FromType == "CosmosKernel.Boot.EntryPoint" && r.What.Contains("CosmosKernel.Kernel")),
            Is.True, "EntryPoint's body builds the Kernel: the reader must see it");
    }

    private sealed record Reference(string FromType, string FromNamespace, string ToType, string ToNamespace, string What);

    private static string KernelAssemblyPath()
    {
        string bin = Path.Combine(RepoPaths.Root, "CosmosKernel", "bin");
        var candidates = Directory.Exists(bin)
            ? Directory.GetFiles(bin, "CosmosKernel.dll", SearchOption.AllDirectories)
            : Array.Empty<string>();
        if (candidates.Length == 0)
            Assert.Fail("no CosmosKernel.dll under " + bin + ": build the kernel first");
        return candidates.OrderByDescending(File.GetLastWriteTimeUtc).First();
    }

    private static List<Reference>? s_references;

    private static List<Reference> References()
    {
        if (s_references != null)
            return s_references;
        var list = new List<Reference>();
        using var pe = new PEReader(File.OpenRead(KernelAssemblyPath()));
        MetadataReader md = pe.GetMetadataReader();
        var provider = new NameCollector(md);
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            string from = TypeName(md, th);
            string fromNs = OuterNamespace(md, th);
            if (!IsKernelNamespace(fromNs))
                continue;
            var found = new List<(string Type, string What)>();
            TypeDefinition type = md.GetTypeDefinition(th);
            if (!type.BaseType.IsNil)
                AddType(md, provider, type.BaseType, "base type ", found);
            foreach (InterfaceImplementationHandle ih in type.GetInterfaceImplementations())
                AddType(md, provider, md.GetInterfaceImplementation(ih).Interface, "interface ", found);
            foreach (FieldDefinitionHandle fh in type.GetFields())
            {
                FieldDefinition field = md.GetFieldDefinition(fh);
                provider.Names.Clear();
                field.DecodeSignature(provider, null);
                foreach (string n in provider.Names)
                    found.Add((n, "field " + md.GetString(field.Name) + " of type " + n));
            }
            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(mh);
                string name = md.GetString(method.Name);
                provider.Names.Clear();
                method.DecodeSignature(provider, null);
                foreach (string n in provider.Names)
                    found.Add((n, "signature of " + name + ": " + n));
                if (method.RelativeVirtualAddress == 0)
                    continue;
                MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    provider.Names.Clear();
                    md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                    foreach (string n in provider.Names)
                        found.Add((n, "a local of " + name + ": " + n));
                }
                foreach (int token in Tokens(body.GetILBytes()))
                    AddToken(md, provider, token, "in " + name + ": ", found);
            }
            foreach (var (to, what) in found)
            {
                string toNs = NamespaceOf(to);
                if (IsKernelNamespace(toNs))
                    list.Add(new Reference(from, fromNs, to, toNs, what));
            }
        }
        s_references = list;
        return list;
    }

    private static void AddType(MetadataReader md, NameCollector provider, EntityHandle handle, string prefix, List<(string, string)> found)
    {
        provider.Names.Clear();
        provider.AddEntity(handle);
        foreach (string n in provider.Names)
            found.Add((n, prefix + n));
    }

    private static void AddToken(MetadataReader md, NameCollector provider, int token, string prefix, List<(string, string)> found)
    {
        EntityHandle handle;
        try { handle = MetadataTokens.EntityHandle(token); }
        catch (ArgumentException) { return; }
        provider.Names.Clear();
        string member = "";
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
            case HandleKind.TypeReference:
            case HandleKind.TypeSpecification:
                provider.AddEntity(handle);
                break;
            case HandleKind.MethodDefinition:
            {
                MethodDefinition m = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                member = "." + md.GetString(m.Name);
                provider.AddEntity(m.GetDeclaringType());
                string owner = provider.Names.LastOrDefault() ?? "";
                foreach (string n in provider.Names.ToList())
                    found.Add((n, prefix + n + member));
                provider.Names.Clear();
                m.DecodeSignature(provider, null);
                foreach (string n in provider.Names)
                    found.Add((n, prefix + owner + member + " (signature: " + n + ")"));
                return;
            }
            case HandleKind.FieldDefinition:
            {
                FieldDefinition f = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                member = "." + md.GetString(f.Name);
                provider.AddEntity(f.GetDeclaringType());
                break;
            }
            case HandleKind.MemberReference:
            {
                MemberReference r = md.GetMemberReference((MemberReferenceHandle)handle);
                member = "." + md.GetString(r.Name);
                if (r.Parent.Kind is HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification)
                    provider.AddEntity(r.Parent);
                break;
            }
            case HandleKind.MethodSpecification:
            {
                MethodSpecification s = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddToken(md, provider, MetadataTokens.GetToken(s.Method), prefix, found);
                provider.Names.Clear();
                s.DecodeSignature(provider, null);
                break;
            }
            case HandleKind.StandaloneSignature:
                return; // calli: the types appear elsewhere
            default:
                return;
        }
        foreach (string n in provider.Names)
            found.Add((n, prefix + n + member));
    }

    // The tokens in an IL stream: every operand of an inline-token opcode.
    private static IEnumerable<int> Tokens(byte[] il)
    {
        int i = 0;
        while (i < il.Length)
        {
            OpCode op;
            if (il[i] == 0xFE)
            {
                op = s_twoByte[il[i + 1]];
                i += 2;
            }
            else
            {
                op = s_oneByte[il[i]];
                i += 1;
            }
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI:
                case OperandType.InlineBrTarget:
                case OperandType.ShortInlineR:
                case OperandType.InlineString:
                case OperandType.InlineSig: i += 4; break;
                case OperandType.InlineI8:
                case OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch:
                    int count = BitConverter.ToInt32(il, i);
                    i += 4 + 4 * count;
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                default:
                    throw new InvalidOperationException("unknown operand type " + op.OperandType);
            }
        }
    }

    private static readonly OpCode[] s_oneByte = new OpCode[256];
    private static readonly OpCode[] s_twoByte = new OpCode[256];

    static LayeringTests()
    {
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            ushort value = (ushort)op.Value;
            if (op.Size == 1)
                s_oneByte[value] = op;
            else
                s_twoByte[value & 0xFF] = op;
        }
    }

    private static string TypeName(MetadataReader md, TypeDefinitionHandle h)
    {
        TypeDefinition t = md.GetTypeDefinition(h);
        string name = md.GetString(t.Name);
        TypeDefinitionHandle outer = t.GetDeclaringType();
        if (!outer.IsNil)
            return TypeName(md, outer) + "+" + name;
        string ns = md.GetString(t.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string OuterNamespace(MetadataReader md, TypeDefinitionHandle h)
    {
        TypeDefinition t = md.GetTypeDefinition(h);
        TypeDefinitionHandle outer = t.GetDeclaringType();
        return outer.IsNil ? md.GetString(t.Namespace) : OuterNamespace(md, outer);
    }

    private static string TypeRefName(MetadataReader md, TypeReferenceHandle h)
    {
        TypeReference r = md.GetTypeReference(h);
        string name = md.GetString(r.Name);
        if (r.ResolutionScope.Kind == HandleKind.TypeReference)
            return TypeRefName(md, (TypeReferenceHandle)r.ResolutionScope) + "+" + name;
        string ns = md.GetString(r.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    // "A.B.C+D" -> "A.B" (the namespace of the outermost type).
    private static string NamespaceOf(string typeName)
    {
        int plus = typeName.IndexOf('+');
        string outer = plus < 0 ? typeName : typeName.Substring(0, plus);
        int dot = outer.LastIndexOf('.');
        return dot < 0 ? "" : outer.Substring(0, dot);
    }

    // Collects the name of every type a signature or token mentions (generic
    // arguments included); the decoded values themselves are not used.
    private sealed class NameCollector : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _md;
        public readonly List<string> Names = new();

        public NameCollector(MetadataReader md) => _md = md;

        public void AddEntity(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    GetTypeFromDefinition(_md, (TypeDefinitionHandle)handle, 0);
                    break;
                case HandleKind.TypeReference:
                    GetTypeFromReference(_md, (TypeReferenceHandle)handle, 0);
                    break;
                case HandleKind.TypeSpecification:
                    _md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
            }
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            string n = TypeName(reader, handle);
            Names.Add(n);
            return n;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            string n = TypeRefName(reader, handle);
            Names.Add(n);
            return n;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, context);

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetTypeFromSerializedName(string name) => name;
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;
        public bool IsSystemType(string type) => type == "System.Type";
        public string GetSystemType() => "System.Type";
    }
}
