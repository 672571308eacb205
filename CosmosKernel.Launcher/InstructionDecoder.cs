using Iced.Intel;

namespace CosmosKernel.Launcher;

// Decodes the instruction the kernel crashed on from the bytes it printed.
public static class InstructionDecoder
{
    public static string? Decode(byte[] code, ulong rip)
    {
        if (code.Length == 0)
            return null;
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code), rip);
        decoder.Decode(out Instruction instruction);
        if (instruction.IsInvalid)
            return "(invalid instruction)";
        var formatter = new IntelFormatter();
        var output = new StringOutput();
        formatter.Format(instruction, output);
        return output.ToStringAndReset();
    }
}
