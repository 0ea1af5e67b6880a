using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>
/// Finds, creates, extends and checks a buildx builder; accepts the docker engine's own builder
/// (never creating, recreating or removing it); chooses between the two when asked
/// (<see cref="EnsureBuilderSettings.Automatic"/>); and leaves nothing behind when a create fails.
/// </summary>
public sealed class EnsureBuilderRunner : DockerRunner<EnsureBuilderSettings>
{
    private readonly IBuildxProbe _probe;

    /// <summary>Initializes a new instance of the <see cref="EnsureBuilderRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public EnsureBuilderRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(fileSystem, environment, processRunner, tools, log, new BuildxProbe())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EnsureBuilderRunner"/> class with the collaborator tests replace.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    /// <param name="probe">Reads the buildx version and the engine's image store.</param>
    internal EnsureBuilderRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log, IBuildxProbe probe)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _probe = probe;
    }

    /// <inheritdoc />
    private protected override string AliasName => "EnsureBuilder";

    /// <summary>Reads the builder's state, creates or extends it only where needed, and checks it.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The builder as buildx describes it after the changes, with the <see cref="EnsureBuilderResult.Reason"/> it was chosen for.</returns>
    /// <exception cref="CakeException">Invalid settings, a builder that differs, a node in error, missing platforms, or a failed create (cleaned up).</exception>
    public EnsureBuilderResult Run(EnsureBuilderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        EnsureBuilderPlan.Validate(settings, FileSystem, Environment);

        string? fallbackReason = null;
        if (settings.Automatic)
        {
            var (engine, whyNot) = TryEngineBuilder(settings);
            if (engine is not null)
            {
                UseIfAsked(settings, engine.Name);

                return Finish(engine, [], engine.Reason!);
            }

            fallbackReason = $"Automatic: not the docker engine's own builder, because {whyNot}; using the {EnsureBuilderMessages.DriverName(settings.Driver)} builder '{settings.Name}'";
        }

        if (settings.Name == BuilderNames.Default || settings.Driver == BuilderDriver.Docker)
        {
            return EnsureEngine(settings, Inspect(settings, settings.Name, bootstrap: false));
        }

        using var gate = BuilderLock.Acquire(DockerConfigPath(settings), settings.Name, settings.LockTimeout, Log);
        try
        {
            return EnsureOwn(settings, fallbackReason);
        }
        finally
        {
            // It may have created, bootstrapped, extended, recreated, removed or switched to the builder:
            // the builds that follow read 'docker buildx inspect' again.
            _probe.BuildersChanged();
        }
    }

    private EnsureBuilderResult EnsureOwn(EnsureBuilderSettings settings, string? reason)
    {
        var name = settings.Name;
        var builder = Inspect(settings, name, settings.Bootstrap);
        if (builder is { IsEngineBuilder: true })
        {
            return EnsureEngine(settings, builder);
        }

        builder = RemoveIfDifferent(settings, builder);
        var changed = new List<string>();
        string? previous = null;
        var created = false;
        if (builder is null)
        {
            previous = settings.Use ? CurrentBuilder(settings) : null;
            (builder, created) = Create(settings, previous, changed);
        }
        else
        {
            UseIfAsked(settings, name);
        }

        AppendNodes(settings, builder, created, previous, changed);
        if (changed.Count > 0)
        {
            try
            {
                builder = Inspect(settings, name, settings.Bootstrap) ?? throw new CakeException($"EnsureBuilder: builder '{name}' was created but 'docker buildx inspect {name}' does not find it.");
            }
            catch (CakeException ex) when (created)
            {
                throw CleanUp(settings, previous, ex.Message);
            }
        }

        var broken = builder!.Nodes.Where(n => n.Error is not null).ToArray();
        if (broken.Length > 0)
        {
            var message = EnsureBuilderMessages.NodesInError(builder, broken);
            throw created ? CleanUp(settings, previous, message) : new CakeException(message);
        }

        EnsureBuilderMessages.CheckPlatforms(settings, builder, engine: false);
        EmulationCheck.Verify(settings, builder, Environment, Log);
        var why = reason ?? $"builder '{name}' ({builder.Driver}) named by the settings";
        return Finish(builder, changed, why);
    }

    /// <summary>Removes an existing builder that differs from the settings when Recreate asks for it, and refuses otherwise.</summary>
    /// <returns>The builder when it stays, or <see langword="null"/> when there is none (any more).</returns>
    private EnsureBuilderResult? RemoveIfDifferent(EnsureBuilderSettings settings, EnsureBuilderResult? builder)
    {
        var name = settings.Name;
        if (builder is null || BuilderDifferences.Differences(settings, builder) is not { Count: > 0 } differences)
        {
            return builder;
        }

        if (!settings.Recreate)
        {
            throw new CakeException(
                $"EnsureBuilder: builder '{name}' exists but differs from the settings: {string.Join("; ", differences)}. Set Recreate = true to remove it and create it again, or change the settings to match.");
        }

        Log.Information("EnsureBuilder: builder '{0}' differs from the settings ({1}); removing and creating it again (Recreate).", name, string.Join("; ", differences));
        RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("rm").Append("--").AppendQuoted(name), new DockerRunOptions("docker buildx rm"));
        return null;
    }

    /// <summary>Creates the builder (its first node); accepts one another run created at the same time when it matches.</summary>
    /// <returns>The builder the other run made (or <see langword="null"/> when this run created it), and whether this run created it.</returns>
    private (EnsureBuilderResult? Builder, bool Created) Create(EnsureBuilderSettings settings, string? previous, List<string> changed)
    {
        var name = settings.Name;
        var version = _probe.ReadVersion(Target(settings));
        var result = RunDocker(settings, EnsureBuilderCommands.Create(settings, version, Environment), new DockerRunOptions("docker buildx create") { AllowedExitCodes = AnyFailure });
        if (result.ExitCode != 0 && result.Errors.Any(l => l.Contains($"existing instance for \"{name}\" but no append mode", StringComparison.OrdinalIgnoreCase)))
        {
            // Another run (without our lock: another tool, another DOCKER_CONFIG path to the same folder) made it meanwhile.
            var builder = Inspect(settings, name, settings.Bootstrap)
                ?? throw Failure("docker buildx create", result);
            changed.Add("created by another run at the same time (accepted as it is)");
            if (BuilderDifferences.Differences(settings, builder) is { Count: > 0 } theirs)
            {
                throw new CakeException($"EnsureBuilder: builder '{name}' was created by another run at the same time and differs from the settings: {string.Join("; ", theirs)}. Run again with the same settings in both runs, or set Recreate = true.");
            }

            return (builder, false);
        }

        if (result.ExitCode != 0)
        {
            throw CleanUp(settings, previous, Failure("docker buildx create", result).Message);
        }

        changed.Add("created");
        return (null, true);
    }

    /// <summary>Appends the nodes the builder does not have yet (all of them to a builder just created).</summary>
    private void AppendNodes(EnsureBuilderSettings settings, EnsureBuilderResult? builder, bool created, string? previous, List<string> changed)
    {
        foreach (var node in settings.AppendNodes.Where(n => builder is null || builder.Nodes.All(existing => !string.Equals(existing.Name, n.Name, StringComparison.OrdinalIgnoreCase))))
        {
            var result = RunDocker(settings, EnsureBuilderCommands.Append(settings, node), new DockerRunOptions("docker buildx create --append") { AllowedExitCodes = AnyFailure });
            if (result.ExitCode != 0)
            {
                var message = Failure($"docker buildx create --append (node '{node.Name}')", result).Message;
                throw created ? CleanUp(settings, previous, message) : new CakeException(message);
            }

            changed.Add($"appended node '{node.Name}'");
        }
    }

    private (EnsureBuilderResult? Engine, string WhyNot) TryEngineBuilder(EnsureBuilderSettings settings)
    {
        // 'docker context show' came with docker CLI 23; an older CLI has only the default context's builder to offer here.
        var shown = RunDocker(settings, new ProcessArgumentBuilder().Append("context").Append("show"), new DockerRunOptions("docker context show") { LogErrorOutput = false, AllowedExitCodes = AnyFailure });
        var context = shown.ExitCode == 0 ? shown.Output.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() : BuilderNames.Default;
        if (!BuilderNames.IsContextName(context))
        {
            throw new CakeException($"EnsureBuilder: could not read the current docker context; expected a context name from 'docker context show', found '{context}'.");
        }

        // The engine's own builder is named after the context and its node's endpoint is that
        // context, so its image store ('docker --context NAME info') is read beside
        // 'docker buildx inspect NAME', which needs none of its answer (both are kept for the process).
        var target = Target(settings);
        var store = target.Identity is null ? Task.CompletedTask : Task.Run(() => ReadStoreAhead(target, context!));
        try
        {
            return AutomaticChoice.JudgeEngineBuilder(Inspect(settings, context!, bootstrap: false), context!, settings.RequiredPlatforms, engine => IsContainerdStore(settings, engine));
        }
        finally
        {
            _ = Task.WaitAny(store); // never leave a probe running behind the answer
        }
    }

    private EnsureBuilderResult EnsureEngine(EnsureBuilderSettings settings, EnsureBuilderResult? builder)
    {
        var name = settings.Name;
        if (builder is null)
        {
            throw new CakeException($"EnsureBuilder: builder '{name}' does not exist, and the docker driver cannot create one; expected the name of a docker context (the engine's own builder is named after its context, such as 'default'). Create the context with 'docker context create', or use Driver = DockerContainer to create a builder of your own.");
        }

        if (settings.Recreate)
        {
            throw new CakeException($"EnsureBuilder: Recreate = true for '{name}', the docker engine's own builder; expected Recreate = false: EnsureBuilder never creates, recreates or removes the engine's builder.");
        }

        if (EnsureBuilderPlan.EngineSettingProblems(settings, name).ToArray() is { Length: > 0 } problems)
        {
            throw new CakeException("EnsureBuilder: " + string.Join(System.Environment.NewLine + "EnsureBuilder: ", problems));
        }

        if (builder.Nodes.FirstOrDefault(n => n.Error is not null) is { } broken)
        {
            throw new CakeException($"EnsureBuilder: '{name}', the docker engine's own builder, is in error: {broken.Error}. Check that dockerd is running and that DOCKER_HOST or the docker context point at it.");
        }

        var several = false;
        if (settings.RequiredPlatforms.Count > 1)
        {
            several = IsContainerdStore(settings, builder);
            if (!several)
            {
                throw new CakeException(EnsureBuilderMessages.ClassicStore(name, settings.RequiredPlatforms));
            }
        }

        EnsureBuilderMessages.CheckPlatforms(settings, builder, engine: true);
        EmulationCheck.Verify(settings, builder, Environment, Log);
        UseIfAsked(settings, name);
        var why = several
            ? $"'{name}' is the docker engine's own builder; it builds {PlatformList.Format(settings.RequiredPlatforms)} in one build (containerd image store)"
            : $"'{name}' is the docker engine's own builder (named by the settings)";
        return Finish(builder, [], why);
    }

    private EnsureBuilderResult Finish(EnsureBuilderResult builder, List<string> changed, string reason)
    {
        Log.Information("EnsureBuilder: {0}.", reason);
        Log.Information("EnsureBuilder: builder '{0}' ({1}) {2}:", builder.Name, builder.Driver, changed.Count == 0 ? "already matches the settings; nothing changed" : string.Join(", ", changed));
        foreach (var node in builder.Nodes)
        {
            Log.Information("  {0,-16} {1,-36} {2,-9} {3,-9} {4}", node.Name, node.Endpoint ?? "-", node.Status ?? "error", node.BuildkitVersion ?? "-", PlatformList.Format(node.Platforms));
        }

        return builder with { Reason = reason };
    }

    private void UseIfAsked(EnsureBuilderSettings settings, string name)
    {
        if (settings.Use)
        {
            _probe.BuildersChanged(); // 'docker buildx inspect' without a name now reads another builder
            RunDocker(settings, UseArguments(name), new DockerRunOptions("docker buildx use"));
        }
    }

    private static ProcessArgumentBuilder UseArguments(string name) => new ProcessArgumentBuilder().Append("buildx").Append("use").Append("--").AppendQuoted(name);

    private static readonly IReadOnlyCollection<int> AnyFailure = Enumerable.Range(1, 255).ToArray();

    /// <summary>Removes the half-made builder, makes the previous one current again, and says so beside docker's words and the fixes.</summary>
    private CakeException CleanUp(EnsureBuilderSettings settings, string? previous, string failure)
    {
        var name = settings.Name;
        var done = new List<string>();
        var rm = RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("rm").Append("--").AppendQuoted(name), new DockerRunOptions("docker buildx rm") { AllowedExitCodes = AnyFailure, LogErrorOutput = false });
        done.Add(rm.ExitCode == 0 || rm.Errors.Any(l => l.Contains($"no builder \"{name}\" found", StringComparison.OrdinalIgnoreCase))
            ? $"removed the half-made builder '{name}'"
            : $"could not remove the half-made builder '{name}' ({LastLine(rm)}); remove it with 'docker buildx rm {name}'");
        if (previous is not null && !string.Equals(previous, name, StringComparison.OrdinalIgnoreCase))
        {
            var use = RunDocker(settings, UseArguments(previous), new DockerRunOptions("docker buildx use") { AllowedExitCodes = AnyFailure, LogErrorOutput = false });
            done.Add(use.ExitCode == 0
                ? $"made '{previous}' the current builder again"
                : $"could not make '{previous}' the current builder again ({LastLine(use)}); run 'docker buildx use {previous}'");
        }

        return new CakeException($"{failure}{System.Environment.NewLine}EnsureBuilder: {string.Join(" and ", done)}. {EnsureBuilderMessages.CreateFixes(settings)}");

        static string LastLine(DockerRunResult result) => result.Errors.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() ?? $"exit code {result.ExitCode}";
    }

    private string? CurrentBuilder(EnsureBuilderSettings settings)
    {
        var result = RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("ls"), new DockerRunOptions("docker buildx ls") { AllowedExitCodes = AnyFailure, LogErrorOutput = false });
        if (result.ExitCode == 0)
        {
            try
            {
                return BuildxLsParser.Current(string.Join("\n", result.Output));
            }
            catch (CakeException ex)
            {
                Log.Warning("EnsureBuilder: {0}; a failed create could not make the previous builder current again.", ex.Message);
                return null;
            }
        }

        Log.Warning("EnsureBuilder: 'docker buildx ls' failed ({0}); a failed create could not make the previous builder current again.", result.Errors.LastOrDefault() ?? $"exit code {result.ExitCode}");
        return null;
    }

    private void ReadStoreAhead(DockerTarget target, string context)
    {
        try
        {
            _ = _probe.ReadDriverStatus(target, context);
        }
        catch (CakeException)
        {
            // A failed probe is not kept: IsContainerdStore asks again, and its failure is the one reported.
        }
    }

    private bool IsContainerdStore(EnsureBuilderSettings settings, EnsureBuilderResult engine)
    {
        var context = engine.Nodes.FirstOrDefault()?.Endpoint;
        var driverStatus = _probe.ReadDriverStatus(Target(settings), BuilderNames.IsContextName(context) ? context : null);
        return DockerInfoParser.IsContainerdStore(driverStatus);
    }

    private EnsureBuilderResult? Inspect(EnsureBuilderSettings settings, string name, bool bootstrap)
    {
        var args = new ProcessArgumentBuilder().Append("buildx").Append("inspect");
        if (bootstrap)
        {
            args.Append("--bootstrap");
        }

        args.Append("--").AppendQuoted(name);
        var result = RunDocker(settings, args, new DockerRunOptions("docker buildx inspect") { AllowedExitCodes = [1], LogErrorOutput = false });
        if (result.ExitCode != 0)
        {
            if (result.Errors.Any(l => l.Contains($"no builder \"{name}\" found", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            throw Failure("docker buildx inspect", result);
        }

        foreach (var line in result.Errors.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            Log.Verbose(line);
        }

        return BuildxInspectParser.Parse(string.Join("\n", result.Output));
    }

    private string DockerConfigPath(EnsureBuilderSettings settings)
    {
        if (settings.DockerConfig is not null)
        {
            return settings.DockerConfig.MakeAbsolute(Environment).FullPath;
        }

        if (settings.EnvironmentVariables?.TryGetValue("DOCKER_CONFIG", out var fromSettings) == true && !string.IsNullOrEmpty(fromSettings))
        {
            return System.IO.Path.GetFullPath(fromSettings);
        }

        return Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } fromEnvironment
            ? System.IO.Path.GetFullPath(fromEnvironment)
            : System.IO.Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".docker");
    }
}
