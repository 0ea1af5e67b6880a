using System.Text.RegularExpressions;
using Cake.Core.IO;

namespace Cake.MultiArch.Docker;

/// <summary>
/// The rules buildx and docker apply to the names and endpoints EnsureBuilder and RemoveBuilder
/// pass as arguments, checked before any process starts (a value starting with <c>-</c> would
/// otherwise reach buildx as a flag: <c>docker buildx rm --all-inactive</c>).
/// </summary>
internal static partial class BuilderNames
{
    /// <summary>What a builder or node name may be, in words for messages.</summary>
    public const string NameRule = "a letter, then letters, digits, '.', '_' or '-' (buildx's rule)";

    /// <summary>What a docker context name may be, in words for messages.</summary>
    public const string ContextRule = "a letter or digit, then letters, digits, '_', '.', '+' or '-' (docker's rule)";

    /// <summary>The URL schemes buildx's remote driver accepts.</summary>
    public static readonly IReadOnlyList<string> RemoteSchemes = ["tcp", "unix", "ssh", "docker-container", "kube-pod", "npipe"];

    /// <summary>The URL schemes a docker endpoint (docker-container driver) may have.</summary>
    public static readonly IReadOnlyList<string> DockerSchemes = ["unix", "tcp", "ssh", "npipe", "fd"];

    /// <summary>The name of the docker engine's own builder in the default docker context.</summary>
    public const string Default = "default";

    /// <summary>Gets whether a name is a valid buildx builder or node name (buildx <c>store/util.go</c>: starts with a letter).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when buildx accepts it.</returns>
    public static bool IsBuilderName(string? name) => name is not null && BuilderNamePattern().IsMatch(name);

    /// <summary>Gets whether a name is a valid docker context name (what an engine builder is named after).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when docker accepts it, or it is <c>default</c>.</returns>
    public static bool IsContextName(string? name) => name is not null && (name == Default || ContextNamePattern().IsMatch(name));

    /// <summary>Gets whether an endpoint is a URL with one of the schemes, and nothing a shell or buildx would misread.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="schemes">The accepted schemes.</param>
    /// <returns><see langword="true"/> when it is such a URL.</returns>
    public static bool IsUrl(string? endpoint, IReadOnlyList<string> schemes)
    {
        if (endpoint is null || endpoint.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var separator = endpoint.IndexOf("://", StringComparison.Ordinal);
        return separator > 0 && schemes.Contains(endpoint[..separator], StringComparer.Ordinal) && endpoint.Length > separator + 3;
    }

    /// <summary>Gets whether a driver option key is one buildx can read back (<c>image</c>, <c>env.X</c>, <c>requests.cpu</c>).</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsOptionKey(string? key) => IsBuilderName(key);

    /// <summary>
    /// Renders one <c>--driver-opt</c> value. buildx reads each value as a CSV record, so a pair whose
    /// value holds a comma or a quote is quoted the CSV way (buildx's docs:
    /// <c>"nodeselector=label1=value1,label2=value2"</c>).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The argument.</returns>
    public static string DriverOption(string key, string value)
    {
        var pair = $"{key}={value}";
        return pair.Contains(',', StringComparison.Ordinal) || pair.Contains('"', StringComparison.Ordinal)
            ? "\"" + pair.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : pair;
    }

    /// <summary>Gets the problem with a ToolPath that names no file (Cake would only say "Could not locate executable"), or <see langword="null"/>.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <returns>The problem, without the alias prefix.</returns>
    public static string? ToolPathProblem(Docker.DockerSettings settings, IFileSystem fileSystem, Cake.Core.ICakeEnvironment environment) =>
        settings.ToolPath is { } tool && !fileSystem.Exist(tool.MakeAbsolute(environment))
            ? $"ToolPath '{tool.MakeAbsolute(environment).FullPath}' does not exist; expected the docker executable (with the buildx plugin), or ToolPath unset to find docker on PATH."
            : null;

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9._-]*$")]
    private static partial Regex BuilderNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$")]
    private static partial Regex ContextNamePattern();
}
