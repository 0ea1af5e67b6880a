using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Builders;

/// <summary>Finds, creates, extends and checks a buildx builder.</summary>
public sealed class EnsureBuilderRunner : DockerRunner<EnsureBuilderSettings>
{
    /// <summary>Initializes a new instance of the <see cref="EnsureBuilderRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public EnsureBuilderRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <inheritdoc />
    protected override string AliasName => "EnsureBuilder";

    /// <summary>Reads the builder's state, creates or extends it only where needed, and checks it.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The builder as buildx describes it after the changes.</returns>
    /// <exception cref="CakeException">Invalid settings, a builder that differs, a node in error, or missing platforms.</exception>
    public BuildxBuilder Run(EnsureBuilderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);

        var builder = Inspect(settings);
        if (builder is not null && Differences(settings, builder) is { Count: > 0 } differences)
        {
            if (!settings.Recreate)
            {
                throw new CakeException(
                    $"EnsureBuilder: builder '{settings.Name}' exists but differs from the settings: {string.Join("; ", differences)}. Set Recreate = true to remove it and create it again, or change the settings to match.");
            }

            Log.Information("EnsureBuilder: builder '{0}' differs from the settings ({1}); removing and creating it again (Recreate).", settings.Name, string.Join("; ", differences));
            RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("rm").AppendQuoted(settings.Name), new DockerRunOptions("docker buildx rm"));
            builder = null;
        }

        var changed = new List<string>();
        if (builder is null)
        {
            var version = GetVersion(settings);
            RunDocker(settings, GetCreateArguments(settings, version), new DockerRunOptions("docker buildx create"));
            changed.Add("created");
        }
        else if (settings.Use)
        {
            RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("use").AppendQuoted(settings.Name), new DockerRunOptions("docker buildx use"));
        }

        foreach (var node in settings.AppendNodes.Where(n => builder is null || builder.Nodes.All(existing => existing.Name != n.Name)))
        {
            RunDocker(settings, GetAppendArguments(settings, node), new DockerRunOptions("docker buildx create --append"));
            changed.Add($"appended node '{node.Name}'");
        }

        if (changed.Count > 0)
        {
            builder = Inspect(settings) ?? throw new CakeException($"EnsureBuilder: builder '{settings.Name}' was created but 'docker buildx inspect {settings.Name}' does not find it.");
        }

        Check(settings, builder!);
        Log.Information("EnsureBuilder: builder '{0}' ({1}) {2}:", builder!.Name, builder.Driver, changed.Count == 0 ? "already matches the settings; nothing changed" : string.Join(", ", changed));
        foreach (var node in builder.Nodes)
        {
            Log.Information("  {0,-16} {1,-36} {2,-9} {3,-9} {4}", node.Name, node.Endpoint ?? "-", node.Status ?? "error", node.BuildkitVersion ?? "-", PlatformList.Format(node.Platforms));
        }

        return builder;
    }

    /// <summary>Runs <c>docker buildx version</c>.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The version.</returns>
    internal BuildxVersion GetVersion(EnsureBuilderSettings settings)
    {
        var result = RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("version"), new DockerRunOptions("docker buildx version") { LogErrorOutput = false });
        return BuildxVersion.Parse(string.Join("\n", result.Output));
    }

    /// <summary>Renders <c>docker buildx create</c> for the first node, in <c>--help</c> order, endpoint last.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="version">The buildx version (which config flag it takes).</param>
    /// <returns>The arguments.</returns>
    internal ProcessArgumentBuilder GetCreateArguments(EnsureBuilderSettings settings, BuildxVersion version)
    {
        var args = new ProcessArgumentBuilder().Append("buildx").Append("create");
        if (settings.Bootstrap)
        {
            args.Append("--bootstrap");
        }

        if (settings.BuildkitdConfig is not null)
        {
            args.AppendSwitchQuoted(version.HasBuildkitdConfigFlag ? "--buildkitd-config" : "--config", settings.BuildkitdConfig.MakeAbsolute(Environment).FullPath);
        }

        if (!string.IsNullOrEmpty(settings.BuildkitdFlags))
        {
            args.AppendSwitchQuoted("--buildkitd-flags", settings.BuildkitdFlags);
        }

        args.AppendSwitch("--driver", DriverName(settings.Driver));
        foreach (var (key, value) in settings.DriverOptions)
        {
            args.AppendSwitchQuoted("--driver-opt", $"{key}={value}");
        }

        args.AppendSwitchQuoted("--name", settings.Name);
        if (settings.NodePlatforms.Count > 0)
        {
            args.AppendSwitchQuoted("--platform", PlatformList.Format(settings.NodePlatforms));
        }

        if (settings.Use)
        {
            args.Append("--use");
        }

        if (!string.IsNullOrEmpty(settings.Endpoint))
        {
            args.AppendQuoted(settings.Endpoint);
        }

        return args;
    }

    /// <summary>Renders <c>docker buildx create --append</c> for one node.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="node">The node.</param>
    /// <returns>The arguments.</returns>
    internal static ProcessArgumentBuilder GetAppendArguments(EnsureBuilderSettings settings, BuilderNodeSettings node)
    {
        var args = new ProcessArgumentBuilder().Append("buildx").Append("create").Append("--append");
        foreach (var (key, value) in node.DriverOptions)
        {
            args.AppendSwitchQuoted("--driver-opt", $"{key}={value}");
        }

        args.AppendSwitchQuoted("--name", settings.Name);
        args.AppendSwitchQuoted("--node", node.Name);
        if (node.Platforms.Count > 0)
        {
            args.AppendSwitchQuoted("--platform", PlatformList.Format(node.Platforms));
        }

        if (!string.IsNullOrEmpty(node.Endpoint))
        {
            args.AppendQuoted(node.Endpoint);
        }

        return args;
    }

    /// <summary>Gets the <c>--driver</c> value.</summary>
    /// <param name="driver">The driver.</param>
    /// <returns>The name buildx uses.</returns>
    internal static string DriverName(BuilderDriver driver) => driver switch
    {
        BuilderDriver.DockerContainer => "docker-container",
        BuilderDriver.Docker => "docker",
        BuilderDriver.Remote => "remote",
        _ => "kubernetes",
    };

    private BuildxBuilder? Inspect(EnsureBuilderSettings settings)
    {
        var args = new ProcessArgumentBuilder().Append("buildx").Append("inspect").AppendQuoted(settings.Name);
        if (settings.Bootstrap)
        {
            args.Append("--bootstrap");
        }

        var result = RunDocker(settings, args, new DockerRunOptions("docker buildx inspect") { AllowedExitCodes = [1] });
        if (result.ExitCode != 0)
        {
            if (result.Errors.Any(l => l.Contains($"no builder \"{settings.Name}\" found", StringComparison.Ordinal)))
            {
                return null;
            }

            throw Failure("docker buildx inspect", result);
        }

        return BuildxInspectParser.Parse(string.Join("\n", result.Output));
    }

    private static List<string> Differences(EnsureBuilderSettings settings, BuildxBuilder builder)
    {
        var differences = new List<string>();
        var wantedDriver = DriverName(settings.Driver);
        if (builder.Driver != wantedDriver)
        {
            differences.Add($"driver is '{builder.Driver}', the settings want '{wantedDriver}'");
        }

        var first = builder.Nodes.FirstOrDefault();
        foreach (var (key, value) in settings.DriverOptions)
        {
            var actual = first?.DriverOptions.TryGetValue(key, out var v) == true ? v : null;
            if (actual != value)
            {
                differences.Add(actual is null ? $"driver option {key} is not set, the settings want '{value}'" : $"driver option {key} is '{actual}', the settings want '{value}'");
            }
        }

        if (!string.IsNullOrWhiteSpace(settings.BuildkitdFlags) && first?.DaemonFlags is { } flags && Normalise(flags) != Normalise(settings.BuildkitdFlags))
        {
            differences.Add($"BuildKit daemon flags are '{flags}', the settings want '{settings.BuildkitdFlags}'");
        }

        if (!string.IsNullOrEmpty(settings.Endpoint) && first?.Endpoint is { } endpoint && endpoint != settings.Endpoint && settings.Driver == BuilderDriver.Remote)
        {
            differences.Add($"endpoint is '{endpoint}', the settings want '{settings.Endpoint}'");
        }

        return differences;
    }

    private static string Normalise(string flags) => string.Join(' ', flags.Replace('=', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static void Check(EnsureBuilderSettings settings, BuildxBuilder builder)
    {
        var broken = builder.Nodes.Where(n => n.Error is not null).ToArray();
        if (broken.Length > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, broken.Select(n =>
                $"EnsureBuilder: node '{n.Name}' of builder '{builder.Name}' ({n.Endpoint}) is in error: {n.Error}. Check that its endpoint is reachable, or remove the node with 'docker buildx create --append --leave --name {builder.Name} --node {n.Name}'.")));
        }

        var available = builder.Platforms;
        var missing = settings.RequiredPlatforms.Where(p => !available.Contains(p)).ToArray();
        if (missing.Length > 0)
        {
            throw new CakeException(
                $"EnsureBuilder: builder '{builder.Name}' cannot build {PlatformList.Format(missing)}; its nodes offer {(available.Count == 0 ? "no platforms (is it running? use Bootstrap = true)" : PlatformList.Format(available))}. "
                + $"Either register QEMU emulation for {(missing.Length == 1 ? "it" : "them")} (RegisterQemu, then Recreate the builder so BuildKit sees the new emulators), or append a native node (AppendNodes with an ssh:// or tcp:// endpoint).");
        }
    }

    private static void Validate(EnsureBuilderSettings settings)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(settings.Name) || !settings.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add($"Name '{settings.Name}' is not a builder name; expected letters, digits, '-', '_' or '.'.");
        }

        if (settings.Driver == BuilderDriver.Remote && string.IsNullOrWhiteSpace(settings.Endpoint))
        {
            problems.Add("Endpoint is not set, and the remote driver needs one (such as 'tcp://buildkitd:1234' or 'unix:///run/buildkit/buildkitd.sock').");
        }

        if (settings.Driver == BuilderDriver.Docker && settings.RequiredPlatforms.Count > 1)
        {
            problems.Add($"Driver is docker with {settings.RequiredPlatforms.Count} RequiredPlatforms: the docker driver builds one platform per build; use the docker-container driver (the default) for a multi-platform image.");
        }

        var duplicateNodes = settings.AppendNodes.GroupBy(n => n.Name).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToArray();
        if (duplicateNodes.Length > 0)
        {
            problems.Add($"AppendNodes names {string.Join(", ", duplicateNodes)} more than once; each node name must be unique.");
        }

        foreach (var node in settings.AppendNodes.Where(n => string.IsNullOrWhiteSpace(n.Name)))
        {
            problems.Add($"AppendNodes has a node with no Name (endpoint '{node.Endpoint}'); the name is how an existing node is recognised.");
        }

        if (problems.Count > 0)
        {
            throw new CakeException("EnsureBuilder: " + string.Join(System.Environment.NewLine + "EnsureBuilder: ", problems));
        }
    }
}

/// <summary>Removes one named builder (<c>docker buildx rm NAME</c>), and no other.</summary>
public sealed class RemoveBuilderRunner : DockerRunner<RemoveBuilderSettings>
{
    /// <summary>Initializes a new instance of the <see cref="RemoveBuilderRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public RemoveBuilderRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <inheritdoc />
    protected override string AliasName => "RemoveBuilder";

    /// <summary>Removes the builder; a builder that does not exist is not an error.</summary>
    /// <param name="name">The builder's name.</param>
    /// <param name="settings">The settings.</param>
    /// <returns><see langword="true"/> when a builder was removed.</returns>
    public bool Run(string name, RemoveBuilderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(name) || name == "default")
        {
            throw new CakeException($"RemoveBuilder: name '{name}' cannot be removed; expected the name of a builder you created (the 'default' builder belongs to the docker engine).");
        }

        var args = new ProcessArgumentBuilder().Append("buildx").Append("rm");
        if (settings.KeepState)
        {
            args.Append("--keep-state");
        }

        args.AppendQuoted(name);
        var result = RunDocker(settings, args, new DockerRunOptions("docker buildx rm") { AllowedExitCodes = [1] });
        if (result.ExitCode == 0)
        {
            Log.Information("RemoveBuilder: removed builder '{0}'.", name);
            return true;
        }

        if (result.Errors.Any(l => l.Contains($"no builder \"{name}\" found", StringComparison.Ordinal)))
        {
            Log.Information("RemoveBuilder: no builder '{0}' exists; nothing to remove.", name);
            return false;
        }

        throw Failure("docker buildx rm", result);
    }
}

/// <summary>Runs <c>docker buildx version</c>.</summary>
public sealed class BuildxVersionRunner : DockerRunner<BuildxVersionSettings>
{
    /// <summary>Initializes a new instance of the <see cref="BuildxVersionRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public BuildxVersionRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <inheritdoc />
    protected override string AliasName => "BuildxVersion";

    /// <summary>Reads the buildx version.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The version.</returns>
    public BuildxVersion Run(BuildxVersionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var result = RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("version"), new DockerRunOptions("docker buildx version") { LogErrorOutput = false });
        return BuildxVersion.Parse(string.Join("\n", result.Output));
    }
}
