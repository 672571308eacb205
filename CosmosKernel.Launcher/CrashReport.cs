using System.Globalization;
using System.Text.RegularExpressions;

namespace CosmosKernel.Launcher;

// The machine-readable line the kernel prints when it crashes:
//   CRASH vector=14 error=0x0 rip=0x... cr2=0x... rsp=0x... bytes=488b07c3...
public sealed partial record CrashReport(int Vector, ulong ErrorCode, ulong Rip, ulong Cr2, ulong Rsp, byte[] CodeBytes)
{
    [GeneratedRegex(@"^CRASH vector=(\d+) error=0x([0-9A-Fa-f]+) rip=0x([0-9A-Fa-f]+) cr2=0x([0-9A-Fa-f]+) rsp=0x([0-9A-Fa-f]+) bytes=(\w+)")]
    private static partial Regex Pattern();

    public static CrashReport? TryParse(string line)
    {
        Match m = Pattern().Match(line);
        if (!m.Success)
            return null;
        byte[] bytes = m.Groups[6].Value == "unavailable" ? [] : Convert.FromHexString(m.Groups[6].Value);
        return new CrashReport(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber),
            ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber),
            ulong.Parse(m.Groups[4].Value, NumberStyles.HexNumber),
            ulong.Parse(m.Groups[5].Value, NumberStyles.HexNumber),
            bytes);
    }
}
