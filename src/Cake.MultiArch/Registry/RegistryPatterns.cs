using System.Text.RegularExpressions;

namespace Cake.MultiArch.Registry;

/// <summary>The distribution reference grammar's patterns (https://github.com/distribution/reference/blob/main/regexp.go) and the OCI descriptor's digest.</summary>
internal static partial class RegistryPatterns
{
    /// <summary>A digest as the OCI descriptor spec defines it: <c>algorithm:encoded</c>.</summary>
    /// <returns>The pattern.</returns>
    [GeneratedRegex("^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$")]
    public static partial Regex Digest();

    /// <summary>A sha256 digest, as an image reference carries it.</summary>
    /// <returns>The pattern.</returns>
    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    public static partial Regex Sha256Digest();

    /// <summary>A tag: 1 to 128 characters of <c>[A-Za-z0-9_.-]</c>, not starting with <c>.</c> or <c>-</c>.</summary>
    /// <returns>The pattern.</returns>
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    public static partial Regex Tag();

    /// <summary>A registry host: a host name or IP address with an optional port.</summary>
    /// <returns>The pattern.</returns>
    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$")]
    public static partial Regex Domain();

    /// <summary>One <c>/</c>-separated part of a repository path.</summary>
    /// <returns>The pattern.</returns>
    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    public static partial Regex PathComponent();

    /// <summary>The next page of an RFC 8288 <c>Link</c> header: <c>&lt;url&gt;; rel="next"</c>.</summary>
    /// <returns>The pattern; group 1 is the address.</returns>
    [GeneratedRegex("<([^>]+)>\\s*;\\s*rel=\"?next\"?", RegexOptions.IgnoreCase)]
    public static partial Regex NextLink();
}
