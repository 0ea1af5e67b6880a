using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild.Progress;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>Runs <c>docker buildx build</c> and reads its metadata file into a <see cref="BuildxBuildResult"/>.</summary>
public sealed class BuildxBuildRunner : DockerRunner<BuildxBuildSettings>
{
    /// <summary>The first buildx with <c>--progress=rawjson</c>.</summary>
    internal static readonly Version RawJsonVersion = ProgressChoice.RawJsonVersion;

    private readonly IBuildxProbe _probe;
    private readonly Func<IPreflight> _preflight;
    private readonly Action<Rehearse> _rehearse;

    /// <summary>Initializes a new instance of the <see cref="BuildxBuildRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public BuildxBuildRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(fileSystem, environment, processRunner, tools, log, new BuildxProbe(), () => new DockerfilePreflight(fileSystem, environment, log), parts => FirstUseRehearsal.StartOnce(parts, fileSystem, environment))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BuildxBuildRunner"/> class with the collaborators tests replace.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    /// <param name="probe">Reads the builder and the engine's image store before a multi-platform load (BuildxBuild asks buildx no version: see ProgressChoice).</param>
    /// <param name="preflight">Makes the Dockerfile check, called only when a build checks its Dockerfile (nothing of the preflight is built otherwise).</param>
    /// <param name="rehearse">Starts a rehearsal of what the build will run (see <see cref="FirstUseRehearsal"/>): the preflight's as the build begins, the summary's and the verification's once docker has started.</param>
    internal BuildxBuildRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log, IBuildxProbe probe, Func<IPreflight> preflight, Action<Rehearse> rehearse)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _probe = probe;
        _preflight = preflight;
        _rehearse = rehearse;
    }

    /// <inheritdoc />
    private protected override string AliasName => "BuildxBuild";

    /// <summary>Validates the settings, runs the build, and returns what its metadata file says.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">The settings are invalid (nothing was started), docker failed, or the metadata file is missing or invalid.</exception>
    public BuildxBuildResult Run(BuildxBuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parts = (!settings.SkipPreflight && settings.Platforms.Count > 0 ? Rehearse.Preflight : Rehearse.None)
            | (ProgressChoice.ReadsRawJson(settings) ? Rehearse.Progress : Rehearse.None)
            | (Pushes(settings) ? Rehearse.Verification : Rehearse.None);
        LookUpDockerEarly(settings); // on another thread while this one validates and checks the Dockerfile
        if (parts.HasFlag(Rehearse.Preflight))
        {
            _rehearse(Rehearse.Preflight); // compiled on another thread ahead of this one
        }

        var plan = new BuildxBuildPlan(settings, FileSystem, Environment);
        plan.Validate();
        if (plan.Preflight() is { } preflight)
        {
            _preflight().Run(preflight.Dockerfile, preflight.Settings, AliasName);
        }

        CheckLoad(settings);
        NoteEmulation(settings);

        var temporaryMetadata = settings.MetadataFile is null;
        var metadataFile = settings.MetadataFile?.MakeAbsolute(Environment)
            ?? new FilePath(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cake-multiarch-{Guid.NewGuid():N}.json"));
        try
        {
            var docker = settings.Progress is null && !settings.Quiet ? Target(settings).Identity : null;
            return Build(settings, plan, metadataFile, docker, ProgressChoice.Refused(docker), parts & ~Rehearse.Preflight);
        }
        finally
        {
            if (temporaryMetadata && FileSystem.Exist(metadataFile))
            {
                FileSystem.GetFile(metadataFile).Delete();
            }
        }
    }

    /// <summary>Renders the command line, in <c>docker buildx build --help</c> order, context last.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="temporaryMetadataFile">The metadata file to ask for when the settings name none.</param>
    /// <param name="defaultProgress">The progress to ask for when the settings name none (rawjson where buildx has it).</param>
    /// <returns>The arguments.</returns>
    internal ProcessArgumentBuilder GetArguments(BuildxBuildSettings settings, FilePath temporaryMetadataFile, BuildProgress? defaultProgress = null) =>
        new BuildxBuildPlan(settings, FileSystem, Environment).Arguments(temporaryMetadataFile, defaultProgress);

    private BuildxBuildResult Build(BuildxBuildSettings settings, BuildxBuildPlan plan, FilePath metadataFile, string? docker, bool rawJsonRefused, Rehearse whileBuilding)
    {
        var secretValues = settings.Secrets.Where(s => s.IsFromValue).ToArray();
        var secrets = plan.SecretValues(); // new SecretRedactor(secrets) masks them in anything else this build prints
        var (progress, progressReader) = ProgressChoice.Choose(settings, secrets, rawJsonRefused, text => Log.Warning("BuildxBuild: {0}", text));
        var started = DateTimeOffset.UtcNow;
        Log.Information("BuildxBuild: building {0} for {1}…", DescribeTarget(settings), settings.Platforms.Count == 0 ? "the builder's platform" : PlatformList.Format(settings.Platforms));
        var options = new DockerRunOptions("docker buildx build")
        {
            Environment = secretValues.ToDictionary(s => s.EnvironmentVariable!, s => s.Value!),
            Secrets = secrets,
            TranslateErrorLine = progressReader is null ? null : progressReader.Read,
            Started = whileBuilding == Rehearse.None ? null : () => _rehearse(whileBuilding), // compiled while docker builds
        };
        try
        {
            _ = RunDocker(settings, plan.Arguments(metadataFile, progress), options);
        }
        catch (CakeException) when (progressReader is RawJsonProgress { Refused: true })
        {
            ProgressChoice.NoteRefusal(docker);
            Log.Information("BuildxBuild: this buildx does not know --progress=rawjson (buildx 0.11); building again with plain progress.");
            return Build(settings, plan, metadataFile, docker, rawJsonRefused: true, whileBuilding);
        }
        catch (CakeException)
        {
            LogSummary(progressReader?.Summarize());
            throw;
        }

        var summary = progressReader?.Summarize();
        var result = ReadMetadata(settings, metadataFile)?.WithSummary(summary).WithPushed(Pushes(settings));
        if (result is null)
        {
            LogSummary(summary);
            return BuildxBuildResult.Parse("{}", metadataFile.FullPath, settings.Platforms).WithSummary(summary);
        }

        Log.Information("BuildxBuild: done in {0:0.0}s: {1}", (DateTimeOffset.UtcNow - started).TotalSeconds, result);
        LogSummary(summary);
        return result;
    }

    /// <summary>Reads the metadata file buildx wrote.</summary>
    /// <returns>The result, or <see langword="null"/> when buildx wrote none and none was due (a check or another frontend method).</returns>
    private BuildxBuildResult? ReadMetadata(BuildxBuildSettings settings, FilePath metadataFile)
    {
        var metadataOptional = settings.Check || (settings.Call is { } call && call != "build");
        var file = FileSystem.GetFile(metadataFile);
        if (!file.Exists)
        {
            return metadataOptional
                ? null
                : throw new CakeException($"BuildxBuild: docker buildx build succeeded but wrote no metadata file at '{metadataFile.FullPath}'; expected the JSON that --metadata-file asks for. Check that the docker CLI has the buildx plugin (docker buildx version).");
        }

        string json;
        using (var stream = file.OpenRead())
        using (var reader = new StreamReader(stream))
        {
            json = reader.ReadToEnd();
        }

        var result = BuildxBuildResult.Parse(json, metadataFile.FullPath, settings.Platforms);

        // A builder of several nodes writes only containerimage.digest (buildx 0.13.1): no image.name,
        // no descriptor. The names are the ones this build pushed, so take them from the settings.
        var pushed = settings.Outputs.Where(o => o.Type == BuildOutputType.Image && o.Push == true).SelectMany(o => o.Names)
            .Concat(settings.Push ? settings.Tags : [])
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return result.ImageNames.Count == 0 && result.Digest is not null && pushed.Length > 0 ? result.WithImageNames(pushed) : result;
    }

    /// <summary>
    /// Refuses a multi-platform <c>--load</c> or docker-type output before the build starts where it
    /// cannot work (see <see cref="LoadPolicy"/>): reads the builder and, for the docker driver, the
    /// engine's image store; asks docker only when such a load is requested.
    /// </summary>
    private void CheckLoad(BuildxBuildSettings settings)
    {
        if (LoadPolicy.Request(settings) is not { } request || _probe.TryInspect(Target(settings), settings.Builder) is not { } builder)
        {
            return; // no multi-platform load, or no such builder: the build itself says so in buildx's words
        }

        if (LoadPolicy.CannotLoadMultiPlatform(builder.Driver))
        {
            throw new CakeException(LoadPolicy.DriverRefusal(request, builder));
        }

        if (builder.Driver != "docker")
        {
            return;
        }

        var driverStatus = _probe.ReadDriverStatus(Target(settings), context: null);
        if (LoadPolicy.UsesContainerdStore(driverStatus) == false)
        {
            throw new CakeException(LoadPolicy.StoreRefusal(request, builder, driverStatus));
        }
    }

    private void NoteEmulation(BuildxBuildSettings settings)
    {
        var host = Platform.Host;
        var emulated = settings.Platforms.Where(Emulation.IsEmulated).ToArray();
        if (emulated.Length > 0)
        {
            Log.Information(
                "BuildxBuild: {0} {1} not native on this {2} machine: unless the builder has a native node for {3}, its RUN steps run under QEMU emulation, often 5 to 20 times slower. Compile in a stage that starts 'FROM --platform=$BUILDPLATFORM' and cross-compile for $TARGETARCH to avoid that.",
                PlatformList.Format(emulated),
                emulated.Length == 1 ? "is" : "are",
                host,
                emulated.Length == 1 ? "it" : "them");
        }
    }

    private void LogSummary(BuildSummary? summary)
    {
        if (summary is not null)
        {
            Log.Information("BuildxBuild: {0}", summary);
        }
    }

    private static bool Pushes(BuildxBuildSettings settings) =>
        settings.Push || settings.Outputs.Any(o => o is { Type: BuildOutputType.Registry } or { Type: BuildOutputType.Image, Push: true }); // null entries are refused by the validation

    private static string DescribeTarget(BuildxBuildSettings settings) =>
        settings.Tags.Count > 0 ? string.Join(", ", settings.Tags) : settings.Target is { } target ? $"target '{target}'" : $"context '{settings.Context}'";
}
