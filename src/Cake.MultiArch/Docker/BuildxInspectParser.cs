using System.Text.RegularExpressions;
using Cake.Core;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Parses the text of <c>docker buildx inspect</c>, both label generations: <c>Flags:</c> and
/// <c>Buildkit:</c> (buildx before 0.13) and <c>BuildKit daemon flags:</c> and
/// <c>BuildKit version:</c> (0.13 and later).
/// </summary>
internal static partial class BuildxInspectParser
{
    /// <summary>Parses inspect output into a builder.</summary>
    /// <param name="text">What <c>docker buildx inspect</c> printed (a leading <c>$ command</c> line is ignored).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CakeException">The text has no <c>Name:</c> or <c>Driver:</c>.</exception>
    public static EnsureBuilderResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? name = null, driver = null, lastActivity = null;
        var nodes = new List<BuilderNode>();
        NodeBuilder? node = null;
        var inNodes = false;

        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.StartsWith("$ ", StringComparison.Ordinal) || raw.StartsWith('#') || raw.StartsWith(' ') || raw.StartsWith('\t'))
            {
                continue; // the captured command, bootstrap progress, label and GC policy detail lines
            }

            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            if (!inNodes)
            {
                switch (key)
                {
                    case "Name": name = value; break;
                    case "Driver": driver = value; break;
                    case "Last Activity": lastActivity = value; break;
                    case "Nodes": inNodes = true; break;
                }

                continue;
            }

            switch (key)
            {
                case "Name":
                    if (node is not null)
                    {
                        nodes.Add(node.Build());
                    }

                    node = new NodeBuilder(value);
                    break;
                case "Endpoint" when node is not null: node.Endpoint = value; break;
                case "Driver Options" when node is not null: node.DriverOptions = ParseDriverOptions(value); break;
                case "Status" when node is not null: node.Status = value; break;
                case "Error" when node is not null: node.Error = value; break;
                case "Flags" or "BuildKit daemon flags" when node is not null: node.Flags = value; break;
                case "Buildkit" or "BuildKit" or "BuildKit version" when node is not null: node.Version = value; break;
                case "Platforms" when node is not null: node.PlatformText = value; break;
            }
        }

        if (node is not null)
        {
            nodes.Add(node.Build());
        }

        if (name is null || driver is null)
        {
            throw new CakeException($"EnsureBuilder: could not read 'docker buildx inspect' output; expected 'Name:' and 'Driver:' lines, found: {Shorten(text)}");
        }

        return new EnsureBuilderResult(name, driver, lastActivity, nodes);
    }

    /// <summary>Parses a <c>Driver Options:</c> value such as <c>image="moby/buildkit:buildx-stable-1" network="host"</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The options.</returns>
    public static IReadOnlyDictionary<string, string> ParseDriverOptions(string value)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in DriverOptionPattern().Matches(value))
        {
            options[match.Groups[1].Value] = BackslashEscape().Replace(match.Groups[2].Value, "$1");
        }

        return options;
    }

    internal static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 200 ? $"'{oneLine}'" : $"'{oneLine[..200]}…'";
    }

    [GeneratedRegex("""([^\s=]+)="((?:[^"\\]|\\.)*)"\s*""")]
    private static partial Regex DriverOptionPattern();

    // buildx prints the values with Go's %q: \" and \\ are what a value holds in practice.
    [GeneratedRegex(@"\\(.)")]
    private static partial Regex BackslashEscape();

    private sealed class NodeBuilder(string name)
    {
        public string? Endpoint { get; set; }

        public IReadOnlyDictionary<string, string> DriverOptions { get; set; } = new Dictionary<string, string>();

        public string? Status { get; set; }

        public string? Error { get; set; }

        public string? Flags { get; set; }

        public string? Version { get; set; }

        public string PlatformText { get; set; } = string.Empty;

        public BuilderNode Build()
        {
            var platforms = new List<Platform>();
            var unknown = new List<string>();
            foreach (var item in PlatformText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var clean = item.TrimEnd('*');
                if (Platform.TryParse(clean, out var platform))
                {
                    if (!platforms.Contains(platform))
                    {
                        platforms.Add(platform);
                    }
                }
                else
                {
                    unknown.Add(clean);
                }
            }

            return new BuilderNode(name, Endpoint, DriverOptions, Status, Error, string.IsNullOrEmpty(Flags) ? null : Flags, string.IsNullOrEmpty(Version) ? null : Version, platforms, unknown);
        }
    }
}
