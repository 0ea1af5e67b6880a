using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>A buildx builder instance, as <c>docker buildx inspect</c> describes it.</summary>
/// <param name="Name">The builder's name.</param>
/// <param name="Driver">The driver: <c>docker-container</c>, <c>docker</c>, <c>remote</c> or <c>kubernetes</c>.</param>
/// <param name="LastActivity">The <c>Last Activity:</c> text, or <see langword="null"/>.</param>
/// <param name="Nodes">The builder's nodes.</param>
public sealed record EnsureBuilderResult(string Name, string Driver, string? LastActivity, IReadOnlyList<BuilderNode> Nodes)
{
    /// <summary>Gets every platform any node can build, in order, without duplicates.</summary>
    public IReadOnlyList<Platform> Platforms => PlatformList.Distinct(Nodes.SelectMany(n => n.Platforms));

    /// <summary>
    /// Gets which builder EnsureBuilder chose and why (such as "the docker engine's own builder 'default'
    /// builds linux/amd64,linux/arm64 in one build (containerd image store)"); <see langword="null"/>
    /// for a builder read by the parser alone.
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>Gets a value indicating whether this is the docker engine's own builder (driver <c>docker</c>).</summary>
    public bool IsEngineBuilder => Driver == "docker";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} ({Driver}): {string.Join(", ", Nodes.Select(n => $"{n.Name} {n.Status ?? "error"} {PlatformList.Format(n.Platforms)}"))}{(Reason is null ? string.Empty : "; " + Reason)}";
}

/// <summary>One node of a buildx builder: a BuildKit daemon.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Endpoint">Where buildx reaches it (<c>unix:///var/run/docker.sock</c>, <c>tcp://…</c>, <c>ssh://…</c>).</param>
/// <param name="DriverOptions">The driver options (<c>image</c>, <c>network</c>, <c>env.*</c>…).</param>
/// <param name="Status">The status (<c>running</c>, <c>inactive</c>, <c>stopped</c>), or <see langword="null"/> when the node is in error.</param>
/// <param name="Error">buildx's error text for a node that cannot be reached, or <see langword="null"/>.</param>
/// <param name="DaemonFlags">The BuildKit daemon flags (<c>Flags:</c> before buildx 0.13, <c>BuildKit daemon flags:</c> after).</param>
/// <param name="BuildkitVersion">The BuildKit version (<c>Buildkit:</c>/<c>BuildKit:</c> before buildx 0.13, <c>BuildKit version:</c> after).</param>
/// <param name="Platforms">The platforms it builds, normalised, <c>*</c> marks (set by hand) stripped.</param>
/// <param name="UnknownPlatforms">Platform texts the Platform model does not know, kept as printed.</param>
public sealed record BuilderNode(
    string Name,
    string? Endpoint,
    IReadOnlyDictionary<string, string> DriverOptions,
    string? Status,
    string? Error,
    string? DaemonFlags,
    string? BuildkitVersion,
    IReadOnlyList<Platform> Platforms,
    IReadOnlyList<string> UnknownPlatforms);
