using System.Text.Json;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Path = System.IO.Path;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Runs <c>docker buildx …</c> as the buildx binary itself (<c>docker-buildx …</c>, buildx's
/// standalone mode), without the docker CLI in front of it. Through the CLI, every buildx command
/// starts three processes before buildx's own work begins: docker, the plugin asked for its
/// metadata (<c>docker-buildx docker-cli-plugin-metadata</c>), then the plugin (about 110 ms on a
/// 2-core machine, measured with <c>strace -f -e execve</c>: docs/benchmarks.md). Standalone,
/// buildx reads the same client configuration (<c>DOCKER_CONFIG</c>, contexts, <c>DOCKER_HOST</c>)
/// and builder store, so the build, its output and its errors are the same.
/// </summary>
/// <remarks>
/// Only when nothing could make the two differ: Linux; the command starts with <c>buildx</c>; the
/// settings name no ToolPath and customize neither the arguments nor the process; the docker on
/// PATH is docker's own CLI (an executable named <c>docker</c> after symlinks, not a script such as
/// podman's <c>docker</c> or a wrapper); and the plugin is the one the docker CLI would run — the
/// first <c>docker-buildx</c> in its plugin folders, in its order (docker/cli
/// <c>cli-plugins/manager/manager.go</c> <c>getPluginDirs</c>: the configuration's
/// <c>cliPluginsExtraDirs</c>, then <c>$DOCKER_CONFIG/cli-plugins</c>, then the system folders).
/// Otherwise the command goes through docker as written.
/// </remarks>
internal static class BuildxPlugin
{
    /// <summary>The docker CLI's system plugin folders on Linux, in its order (docker/cli <c>cli-plugins/manager/manager_unix.go</c>).</summary>
    internal static readonly IReadOnlyList<string> SystemFolders =
        ["/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"];

    /// <summary>
    /// Decides how a docker command runs: as the buildx binary with the arguments after
    /// <c>buildx</c>, or <see langword="null"/> to run docker as written.
    /// </summary>
    /// <param name="settings">The alias's settings (ToolPath, ArgumentCustomization and SetupProcessSettings keep docker).</param>
    /// <param name="arguments">The docker arguments.</param>
    /// <param name="docker">The docker executable Cake resolved, absolute (from PATH or its tools), or <see langword="null"/>.</param>
    /// <param name="configFolder">The docker client configuration folder the process sees (<c>DOCKER_CONFIG</c>, else <c>~/.docker</c>).</param>
    /// <param name="systemFolders">The system plugin folders (<see cref="SystemFolders"/>; tests pass others).</param>
    /// <returns>The plugin and its arguments, or <see langword="null"/>.</returns>
    public static (FilePath Plugin, ProcessArgumentBuilder Arguments)? Plan(ToolSettings settings, ProcessArgumentBuilder arguments, FilePath? docker, string? configFolder, IReadOnlyList<string> systemFolders)
    {
        if (settings.ToolPath is not null || settings.ArgumentCustomization is not null || settings.SetupProcessSettings is not null
            || docker is null || Arguments(arguments) is not { } rest || Find(docker, configFolder, systemFolders) is not { } plugin)
        {
            return null;
        }

        return (plugin, rest);
    }

    /// <summary>
    /// Finds the buildx binary the docker CLI at <paramref name="docker"/> would run for
    /// <c>docker buildx</c>, or <see langword="null"/> when the command must go through docker.
    /// </summary>
    /// <param name="docker">The docker executable Cake resolved (from PATH or its tools).</param>
    /// <param name="configFolder">The docker client configuration folder the process sees (<c>DOCKER_CONFIG</c>, else <c>~/.docker</c>).</param>
    /// <param name="systemFolders">The system plugin folders (<see cref="SystemFolders"/>; tests pass others).</param>
    /// <returns>The plugin's path, or <see langword="null"/>.</returns>
    internal static FilePath? Find(FilePath docker, string? configFolder, IReadOnlyList<string> systemFolders)
    {
        if (!OperatingSystem.IsLinux() || configFolder is null || !IsDockerCli(docker.FullPath) || ExtraFolders(configFolder) is not { } extra)
        {
            return null;
        }

        foreach (var folder in extra.Append(Path.Combine(configFolder, "cli-plugins")).Concat(systemFolders))
        {
            var candidate = Path.Combine(folder, "docker-buildx");
            if (File.Exists(candidate))
            {
                return new FilePath(candidate);
            }
        }

        return null;
    }

    /// <summary>
    /// The arguments for the buildx binary: <paramref name="arguments"/> without the leading
    /// <c>buildx</c>, or <see langword="null"/> when they do not start with it (a docker command).
    /// </summary>
    /// <param name="arguments">The docker arguments.</param>
    /// <returns>The plugin's arguments, or <see langword="null"/>.</returns>
    internal static ProcessArgumentBuilder? Arguments(ProcessArgumentBuilder arguments)
    {
        if (arguments.FirstOrDefault() is not { } first || first.Render() != "buildx")
        {
            return null;
        }

        var rest = new ProcessArgumentBuilder();
        foreach (var argument in arguments.Skip(1))
        {
            rest.Append(argument);
        }

        return rest;
    }

    /// <summary>Whether the executable is the docker CLI: named <c>docker</c> after its symlinks, and not a script.</summary>
    private static bool IsDockerCli(string path)
    {
        try
        {
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            if (Path.GetFileName(target) != "docker")
            {
                return false;
            }

            using var file = File.OpenRead(target);
            Span<byte> start = stackalloc byte[2];
            return file.ReadAtLeast(start, 2, throwOnEndOfStream: false) == 2 && !start.SequenceEqual("#!"u8);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The configuration's <c>cliPluginsExtraDirs</c>, none when <c>config.json</c> is missing or
    /// does not name them, or <see langword="null"/> when it cannot be read (docker then reports it).
    /// </summary>
    private static IReadOnlyList<string>? ExtraFolders(string configFolder)
    {
        var config = Path.Combine(configFolder, "config.json");
        try
        {
            if (!File.Exists(config))
            {
                return [];
            }

            var bytes = File.ReadAllBytes(config);
            if (bytes.AsSpan().IndexOf("cliPluginsExtraDirs"u8) < 0)
            {
                return []; // the common case: no JSON parsed at all
            }

            using var document = JsonDocument.Parse(bytes);
            if (!document.RootElement.TryGetProperty("cliPluginsExtraDirs", out var folders) || folders.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            return folders.ValueKind == JsonValueKind.Array && folders.EnumerateArray().All(f => f.ValueKind == JsonValueKind.String)
                ? folders.EnumerateArray().Select(f => f.GetString()!).ToArray()
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
