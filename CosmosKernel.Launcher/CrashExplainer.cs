namespace CosmosKernel.Launcher;

// Adds what the kernel cannot know by itself to its crash report: the decoded
// instruction and the function it lies in.
public static class CrashExplainer
{
    public static string Explain(CrashReport crash, KernelSymbols? symbols)
    {
        string instruction = InstructionDecoder.Decode(crash.CodeBytes, crash.Rip) ?? "(bytes not available)";
        string where = symbols?.Describe(crash.Rip) ?? "(no symbol)";
        string text = $"crash decoded: vector {crash.Vector} at 0x{crash.Rip:x16} in {where}\n  faulting instruction: {instruction}";
        if (crash.Vector == 14)
            text += $"\n  page-fault address (CR2): 0x{crash.Cr2:x16}";
        return text;
    }
}
