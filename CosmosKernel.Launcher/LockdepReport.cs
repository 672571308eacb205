using System.Globalization;
using System.Text.RegularExpressions;

namespace CosmosKernel.Launcher;

// The lock validator's report (kernel option lockdep, CosmosKernel/Scheduling/
// LockValidator.cs) gives each path as return addresses; this names them from
// kernel.elf's symbols, innermost first, so the two paths of an inversion read as code.
public static partial class LockdepReport
{
    [GeneratedRegex(@"^lockdep:\s+(?<label>.*?): path(?<addresses>( 0x[0-9A-Fa-f]+)+)\s*$")]
    private static partial Regex PathLine();

    // One "lockdep decoded: LABEL: f+0x1 <- g+0x2" line per path line of the report.
    public static IReadOnlyList<string> Decode(IEnumerable<string> lines, KernelSymbols? symbols)
    {
        var decoded = new List<string>();
        foreach (string line in lines)
        {
            Match m = PathLine().Match(line.Trim());
            if (!m.Success)
                continue;
            IEnumerable<string> frames = m.Groups["addresses"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(a => ulong.Parse(a[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                .Select(a => symbols?.Describe(a) ?? $"0x{a:x16}");
            decoded.Add($"lockdep decoded: {m.Groups["label"].Value}: {string.Join(" <- ", frames)}");
        }
        return decoded;
    }
}
