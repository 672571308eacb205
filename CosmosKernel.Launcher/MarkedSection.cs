namespace CosmosKernel.Launcher;

// A generated part of a Markdown file, between a begin and an end marker (HTML
// comments): the launcher's `bench` and `scaling` commands each rewrite their own part
// of docs/benchmarks.md and leave the hand-written text around it as it was.
public static class MarkedSection
{
    // Replace what lies between the markers (markers included; `generated` starts with
    // the begin marker and ends with the end marker), or, if the file has no such part
    // yet, append it under `heading`. A missing file starts as "# Benchmarks".
    public static void Write(string path, string beginMarker, string endMarker, string generated, string heading)
    {
        string existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        int begin = existing.IndexOf(beginMarker, StringComparison.Ordinal);
        int end = existing.IndexOf(endMarker, StringComparison.Ordinal);
        string updated = begin >= 0 && end > begin
            ? existing[..begin] + generated.TrimEnd() + existing[(end + endMarker.Length)..]
            : existing.TrimEnd() + "\n\n## " + heading + "\n\n" + generated;
        File.WriteAllText(path, updated);
    }
}
