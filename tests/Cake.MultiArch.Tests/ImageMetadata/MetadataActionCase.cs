using System.Text.Json;
using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.Tests.Fixtures;
using NSubstitute;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>
/// One of docker/metadata-action's own test cases (tests/…/Fixtures/Data/peers/metadata-action/, read from
/// its <c>__tests__/meta.test.ts</c>), run through <see cref="ImageMetadataRunner"/> with every context value
/// set from the case's fixture in <c>contexts.json</c>, so that nothing is read from git or the CI system.
/// </summary>
internal sealed class MetadataActionCase
{
    public const string Folder = "peers/metadata-action/";

    private static readonly Lazy<JsonElement> Contexts = new(() => Load("contexts.json"));

    private MetadataActionCase(JsonElement element)
    {
        Element = element;
    }

    public JsonElement Element { get; }

    public string Id => Element.GetProperty("id").GetString()!;

    public JsonElement Inputs => Element.GetProperty("inputs");

    public JsonElement Expected => Element.GetProperty("expected");

    public static JsonElement Load(string file) => JsonDocument.Parse(TestPaths.ReadFixture(Folder + file)).RootElement;

    public static IEnumerable<MetadataActionCase> All(string file) =>
        Load(file).GetProperty("cases").EnumerateArray().Select(c => new MetadataActionCase(c));

    public static MetadataActionCase Find(string file, string id) => All(file).Single(c => c.Id == id);

    public IReadOnlyList<string> Lines(string input) =>
        Inputs.TryGetProperty(input, out var lines) && lines.ValueKind == JsonValueKind.Array ? lines.EnumerateArray().Select(l => l.GetString()!).ToList() : [];

    /// <summary>The settings the case's inputs and fixture make; throws what <see cref="TagRule.Parse"/> throws.</summary>
    public ImageMetadataSettings Settings()
    {
        var fixture = Contexts.Value.GetProperty("fixtures").GetProperty(Element.GetProperty("fixture").GetString()!);
        var repo = Contexts.Value.GetProperty("repo");
        var settings = new ImageMetadataSettings
        {
            Timestamp = DateTimeOffset.Parse(Contexts.Value.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            DefaultBranch = repo.GetProperty("default_branch").GetString(),
            Title = repo.GetProperty("name").GetString(),
            Description = repo.GetProperty("description").GetString(),
            Url = repo.GetProperty("html_url").GetString(),
            Source = repo.GetProperty("html_url").GetString(),
            Licenses = repo.GetProperty("license").GetString(),
        };
        var reference = fixture.GetProperty("ref").GetString();
        settings.Ref = string.IsNullOrEmpty(reference) ? null : reference;
        settings.NoRef = settings.Ref is null;
        var sha = fixture.GetProperty("sha").GetString();
        settings.Sha = string.IsNullOrEmpty(sha) ? null : sha;
        settings.NoCommit = settings.Sha is null;
        var eventName = fixture.GetProperty("eventName").GetString();
        settings.EventName = string.IsNullOrEmpty(eventName) ? null : eventName;
        if (fixture.GetProperty("derived").GetProperty("pullRequestNumber") is { ValueKind: JsonValueKind.Number } number)
        {
            settings.PullRequestNumber = number.GetInt32();
        }

        // DOCKER_METADATA_PR_HEAD_SHA=true: the pull request's head commit names the image (our PullRequestHeadSha).
        var headSha = Element.GetProperty("extraEnv").TryGetProperty("DOCKER_METADATA_PR_HEAD_SHA", out var flag) && flag.GetString() == "true";
        if (headSha && fixture.GetProperty("prHeadSha").GetString() is { Length: > 0 } prHead)
        {
            settings.PullRequestHeadSha = prHead;
        }

        foreach (var image in Lines("images"))
        {
            settings.Images.Add(image);
        }

        foreach (var rule in Lines("tags"))
        {
            settings.Tags.Add(TagRule.Parse(rule));
        }

        settings.Flavor = Flavor(Lines("flavor"));
        AddPairs(Lines("labels"), settings.Labels);
        AddPairs(Lines("annotations"), settings.Annotations);
        return settings;
    }

    /// <summary>Runs the case; returns the result, or the error text, and the processes started (none expected).</summary>
    public (ImageMetadataResult? Result, string? Error, int Processes) Run()
    {
        using var temp = new TempDirectory();
        var context = MetadataBed.Context(temp.Path);
        var processes = Substitute.For<IProcessRunner>();
        try
        {
            var result = new ImageMetadataRunner(context.FileSystem, context.Environment, processes, context.Tools, context.Log.Log).Run(Settings());
            return (result, null, processes.ReceivedCalls().Count());
        }
        catch (CakeException e)
        {
            return (null, e.Message, processes.ReceivedCalls().Count());
        }
    }

    /// <summary>Sorted <c>key=value</c> lines of an expected list, without the OCI labels metadata-action writes with an empty value.</summary>
    public static List<string> WithoutEmptyOci(IEnumerable<string> lines) =>
        lines.Where(l => !(l.StartsWith("org.opencontainers.image.", StringComparison.Ordinal) && l.EndsWith('='))).Order(StringComparer.Ordinal).ToList();

    public static List<string> Sorted(IEnumerable<KeyValuePair<string, string>> pairs, string strip = "") =>
        pairs.Select(p => (p.Key.StartsWith(strip, StringComparison.Ordinal) ? p.Key[strip.Length..] : p.Key) + "=" + p.Value).Order(StringComparer.Ordinal).ToList();

    /// <summary>The flavor input's lines (<c>latest=</c>, <c>prefix=…[,onlatest=true]</c>, <c>suffix=…[,onlatest=true]</c>) as our typed flavor.</summary>
    private static MetadataFlavor Flavor(IReadOnlyList<string> lines)
    {
        var flavor = new MetadataFlavor();
        foreach (var line in lines)
        {
            var fields = line.Split(',').Select(f => f.Split('=', 2)).ToList();
            var onLatest = fields.Skip(1).Any(f => f[0] == "onlatest" && f[1] == "true");
            var value = fields[0][1].Trim();
            switch (fields[0][0])
            {
                case "latest": flavor.Latest = Enum.Parse<LatestMode>(value, ignoreCase: true); break;
                case "prefix": flavor.Prefix = value; flavor.PrefixOnLatest = onLatest; break;
                case "suffix": flavor.Suffix = value; flavor.SuffixOnLatest = onLatest; break;
                default: throw new InvalidOperationException("flavor line " + line);
            }
        }

        return flavor;
    }

    /// <summary>A <c>key=value</c> line per entry; metadata-action drops a line without '=' (our dictionary cannot hold one).</summary>
    private static void AddPairs(IReadOnlyList<string> lines, IDictionary<string, string> target)
    {
        foreach (var line in lines.Where(l => l.Contains('=', StringComparison.Ordinal)))
        {
            target[line[..line.IndexOf('=', StringComparison.Ordinal)]] = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }
    }
}
