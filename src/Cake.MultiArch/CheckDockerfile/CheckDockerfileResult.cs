using System.Text;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>What the Dockerfile preflight found: the findings (in line order) and each base image's platforms.</summary>
/// <param name="File">The Dockerfile's file name.</param>
/// <param name="Findings">The findings, in line order (rule order within a line).</param>
/// <param name="BaseImages">Each distinct base image the registry was asked about.</param>
public sealed record CheckDockerfileResult(string File, IReadOnlyList<DockerfileFinding> Findings, IReadOnlyList<BaseImageStatus> BaseImages)
{
    /// <summary>Gets whether any finding is an error.</summary>
    public bool HasErrors => Findings.Any(f => f.Severity == FindingSeverity.Error);

    /// <summary>Gets the findings that are errors.</summary>
    public IReadOnlyList<DockerfileFinding> Errors => Findings.Where(f => f.Severity == FindingSeverity.Error).ToArray();

    /// <summary>Gets the findings that are warnings.</summary>
    public IReadOnlyList<DockerfileFinding> Warnings => Findings.Where(f => f.Severity == FindingSeverity.Warning).ToArray();

    /// <summary>Gets a one-line summary: <c>Dockerfile: 2 findings (1 error, 1 warning, 0 info)</c>.</summary>
    public string Summary =>
        Findings.Count == 0
            ? $"{File}: no findings"
            : $"{File}: {Findings.Count} finding{(Findings.Count == 1 ? string.Empty : "s")} ({Count(FindingSeverity.Error)} error, {Count(FindingSeverity.Warning)} warning, {Count(FindingSeverity.Info)} info)";

    /// <summary>Formats the summary, the findings as a table (rule, severity, location, message and fix) and the base images.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Summary);
        foreach (var (_, line) in TableRows())
        {
            text.Append(System.Environment.NewLine).Append(line);
        }

        foreach (var image in BaseImages)
        {
            text.Append(System.Environment.NewLine).Append("base image ").Append(image);
        }

        return text.ToString();
    }

    /// <summary>Gets the table: a header row (with no finding) then one row per finding, the columns padded.</summary>
    /// <returns>The rows.</returns>
    internal IReadOnlyList<(DockerfileFinding? Finding, string Text)> TableRows()
    {
        if (Findings.Count == 0)
        {
            return [];
        }

        var rule = Math.Max(4, Findings.Max(f => f.RuleId.Length));
        var severity = Math.Max(8, Findings.Max(f => f.Severity.ToString().Length));
        var location = Math.Max(8, Findings.Max(f => f.Location.Length));
        var rows = new List<(DockerfileFinding?, string)> { (null, $"{"RULE".PadRight(rule)}  {"SEVERITY".PadRight(severity)}  {"LOCATION".PadRight(location)}  MESSAGE") };
        rows.AddRange(Findings.Select(f => ((DockerfileFinding?)f, $"{f.RuleId.PadRight(rule)}  {f.Severity.ToString().ToLowerInvariant().PadRight(severity)}  {f.Location.PadRight(location)}  {f.Message} {f.Fix}")));
        return rows;
    }

    private int Count(FindingSeverity severity) => Findings.Count(f => f.Severity == severity);
}
