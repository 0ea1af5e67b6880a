namespace Cake.MultiArch.ImageMetadata;

/// <summary>When the <c>latest</c> tag is added (metadata-action's <c>flavor: latest=</c>).</summary>
public enum LatestMode
{
    /// <summary>For a release: the highest-priority tag came from a semver, match or git tag rule, and the version is not a pre-release.</summary>
    Auto,

    /// <summary>Whenever a rule made a tag.</summary>
    True,

    /// <summary>Never (a <c>raw</c> rule can still add it).</summary>
    False,
}

/// <summary>What every tag shares (metadata-action's <c>flavor</c> input).</summary>
public sealed class MetadataFlavor
{
    /// <summary>Gets or sets when <c>latest</c> is added (<c>latest=</c>); default <see cref="LatestMode.Auto"/>.</summary>
    public LatestMode Latest { get; set; } = LatestMode.Auto;

    /// <summary>Gets or sets the text put before every tag whose rule has no prefix of its own (<c>prefix=</c>).</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets whether <see cref="Prefix"/> is also put before <c>latest</c> (<c>prefix=…,onlatest=true</c>); default <see langword="false"/>.</summary>
    public bool PrefixOnLatest { get; set; }

    /// <summary>Gets or sets the text put after every tag whose rule has no suffix of its own (<c>suffix=</c>).</summary>
    public string Suffix { get; set; } = string.Empty;

    /// <summary>Gets or sets whether <see cref="Suffix"/> is also put after <c>latest</c> (<c>suffix=…,onlatest=true</c>); default <see langword="false"/>.</summary>
    public bool SuffixOnLatest { get; set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"latest={Latest.ToString().ToLowerInvariant()}, prefix='{Prefix}' (onlatest={PrefixOnLatest.ToString().ToLowerInvariant()}), suffix='{Suffix}' (onlatest={SuffixOnLatest.ToString().ToLowerInvariant()})";
}
