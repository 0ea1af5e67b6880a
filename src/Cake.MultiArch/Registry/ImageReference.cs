using System.Diagnostics.CodeAnalysis;

namespace Cake.MultiArch.Registry;

/// <summary>
/// A container image reference, <c>[registry[:port]/]repository[:tag][@digest]</c>, parsed and
/// validated by the distribution reference grammar
/// (https://github.com/distribution/reference/blob/main/reference.go), with Docker's defaults:
/// no registry means <c>docker.io</c>, and a one-part repository there gets <c>library/</c>.
/// </summary>
public sealed record ImageReference
{
    /// <summary>The registry that a reference without one names.</summary>
    public const string DefaultRegistry = "docker.io";

    private ImageReference(string registry, string repository, string? tag, string? digest, string original)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
        Original = original;
    }

    /// <summary>Gets the registry host, with its port when it has one (<c>docker.io</c> when the reference names none).</summary>
    public string Registry { get; }

    /// <summary>Gets the repository path, such as <c>library/alpine</c>.</summary>
    public string Repository { get; }

    /// <summary>Gets the tag, or <see langword="null"/>.</summary>
    public string? Tag { get; }

    /// <summary>Gets the digest (<c>sha256:…</c>), or <see langword="null"/>.</summary>
    public string? Digest { get; }

    /// <summary>Gets the text the reference was parsed from.</summary>
    public string Original { get; }

    /// <summary>Parses and validates an image reference.</summary>
    /// <param name="value">The reference, such as <c>registry.example.com:5000/team/app:1.0</c>.</param>
    /// <returns>The parsed reference.</returns>
    /// <exception cref="FormatException">
    /// The text is <see langword="null"/>, empty or not a valid reference; the message says which
    /// part and why. (Never a <see cref="NullReferenceException"/> or an index error.)
    /// </exception>
    public static ImageReference Parse(string value)
    {
        var error = TryParseCore(value, out var reference);
        return error is null ? reference! : throw new FormatException(error);
    }

    /// <summary>Tries to parse an image reference.</summary>
    /// <param name="value">The reference text.</param>
    /// <param name="reference">The parsed reference, when valid.</param>
    /// <returns><see langword="true"/> when the text is a valid reference.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ImageReference? reference) =>
        TryParseCore(value, out reference) is null;

    /// <summary>Parses a reference, returning the reason it is invalid instead of throwing.</summary>
    /// <param name="value">The reference text.</param>
    /// <param name="reference">The parsed reference, when valid.</param>
    /// <returns><see langword="null"/> on success, otherwise why the text is not a reference.</returns>
    internal static string? TryParseCore(string? value, out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return "An image reference is empty.";
        }

        if (value != value.Trim())
        {
            return $"Image reference '{value}' has leading or trailing white space.";
        }

        var rest = value;
        if (SplitDigest(value, ref rest, out var digest) is { } digestError)
        {
            return digestError;
        }

        if (SplitTag(value, ref rest, out var tag) is { } tagError)
        {
            return tagError;
        }

        if (SplitName(value, rest, out var registry, out var path) is { } nameError)
        {
            return nameError;
        }

        reference = new ImageReference(registry, path, tag, digest, value);
        return null;
    }

    private static string? SplitDigest(string value, ref string rest, out string? digest)
    {
        digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        digest = rest[(at + 1)..];
        rest = rest[..at];
        return RegistryPatterns.Sha256Digest().IsMatch(digest)
            ? null
            : $"Image reference '{value}' has an invalid digest '{digest}'; expected 'sha256:' followed by 64 lower-case hex digits.";
    }

    private static string? SplitTag(string value, ref string rest, out string? tag)
    {
        tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon <= lastSlash)
        {
            return null;
        }

        tag = rest[(colon + 1)..];
        rest = rest[..colon];
        return RegistryPatterns.Tag().IsMatch(tag)
            ? null
            : $"Image reference '{value}' has an invalid tag '{tag}'; a tag is 1 to 128 characters of [A-Za-z0-9_.-] and does not start with '.' or '-'.";
    }

    private static string? SplitName(string value, string rest, out string registry, out string path)
    {
        registry = DefaultRegistry;
        path = rest;
        var firstSlash = rest.IndexOf('/');
        if (firstSlash > 0)
        {
            var first = rest[..firstSlash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper))
            {
                if (!RegistryPatterns.Domain().IsMatch(first))
                {
                    return $"Image reference '{value}' has an invalid registry host '{first}'; expected a host name or IP address with an optional ':port'.";
                }

                registry = first;
                path = rest[(firstSlash + 1)..];
            }
        }

        if (path.Length == 0)
        {
            return $"Image reference '{value}' has no repository name.";
        }

        if (path.Any(char.IsUpper))
        {
            return $"Image reference '{value}' has upper-case letters in its repository '{path}'; repository names must be lower-case.";
        }

        if (!path.Split('/').All(c => RegistryPatterns.PathComponent().IsMatch(c)))
        {
            return $"Image reference '{value}' has an invalid repository '{path}'; each '/'-separated part is lower-case letters and digits, joined by '.', '_', '__' or '-'.";
        }

        if (registry.Length + 1 + path.Length > 255)
        {
            return $"Image reference '{value}' has a name longer than 255 characters.";
        }

        if (registry == DefaultRegistry && !path.Contains('/'))
        {
            path = "library/" + path;
        }

        return null;
    }

    /// <summary>Gets the host that serves the registry API (<c>registry-1.docker.io</c> for Docker Hub).</summary>
    public string ApiHost => Registry == DefaultRegistry ? "registry-1.docker.io" : Registry;

    /// <summary>Gets the manifest reference to ask the registry for: the digest when there is one, else the tag, else <c>latest</c>.</summary>
    public string ManifestReference => Digest ?? Tag ?? "latest";

    /// <summary>Gets this reference pinned to a digest (its tag dropped).</summary>
    /// <param name="digest">The digest, <c>sha256:…</c>.</param>
    /// <returns>The pinned reference.</returns>
    /// <exception cref="FormatException">The digest is <see langword="null"/> or not <c>sha256:</c> followed by 64 lower-case hex digits.</exception>
    public ImageReference WithDigest(string digest) =>
        digest is not null && RegistryPatterns.Sha256Digest().IsMatch(digest)
            ? new ImageReference(Registry, Repository, null, digest, $"{Registry}/{Repository}@{digest}")
            : throw new FormatException($"{(digest is null ? "null" : $"'{digest}'")} is not a digest; expected 'sha256:' followed by 64 lower-case hex digits.");

    /// <summary>Formats the fully qualified reference, <c>registry/repository[:tag][@digest]</c>.</summary>
    /// <returns>The reference text.</returns>
    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? string.Empty : ":" + Tag)}{(Digest is null ? string.Empty : "@" + Digest)}";
}
