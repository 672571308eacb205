using System.Diagnostics;
using System.Globalization;

namespace CosmosKernel.Launcher;

// The kernel's function symbols, read from kernel.elf with binutils' nm (already
// needed to build), to name the function a crash address lies in.
public sealed class KernelSymbols
{
    private readonly List<(ulong Address, string Name)> _symbols;

    private KernelSymbols(List<(ulong, string)> symbols) => _symbols = symbols;

    public static KernelSymbols? Load(string elfPath)
    {
        if (!File.Exists(elfPath))
            return null;
        var start = new ProcessStartInfo("nm", ["-n", "--defined-only", elfPath]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var nm = Process.Start(start);
        if (nm == null)
            return null;
        var symbols = new List<(ulong, string)>();
        string? line;
        while ((line = nm.StandardOutput.ReadLine()) != null)
        {
            string[] parts = line.Split(' ', 3);
            if (parts.Length == 3 && (parts[1] == "T" || parts[1] == "t")
                && ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address))
                symbols.Add((address, parts[2]));
        }
        nm.WaitForExit();
        return symbols.Count == 0 ? null : new KernelSymbols(symbols);
    }

    // "name+0xoffset" for the nearest symbol at or below the address.
    public string? Describe(ulong address)
    {
        int low = 0, high = _symbols.Count - 1, found = -1;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            if (_symbols[mid].Address <= address) { found = mid; low = mid + 1; }
            else high = mid - 1;
        }
        if (found < 0)
            return null;
        var (start, name) = _symbols[found];
        return $"{name}+0x{address - start:x}";
    }
}
