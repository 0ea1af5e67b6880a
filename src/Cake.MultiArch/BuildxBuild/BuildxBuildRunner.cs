using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild.Progress;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>Runs <c>docker buildx build</c> and reads its metadata file into a <see cref="BuildxBuildResult"/>.</summary>
public sealed partial class BuildxBuildRunner : DockerRunner<BuildxBuildSettings>
{
    /// <summary>Initializes a new instance of the <see cref="BuildxBuildRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public BuildxBuildRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <inheritdoc />
    protected override string AliasName => "BuildxBuild";

    /// <summary>Validates the settings, runs the build, and returns what its metadata file says.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">The settings are invalid (nothing was started), docker failed, or the metadata file is missing or invalid.</exception>
    public BuildxBuildResult Run(BuildxBuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        CheckLoad(settings);
        RunPreflight(settings);
        NoteEmulation(settings);

        var temporaryMetadata = settings.MetadataFile is null;
        var metadataFile = settings.MetadataFile?.MakeAbsolute(Environment)
            ?? new FilePath(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cake-multiarch-{Guid.NewGuid():N}.json"));
        try
        {
            var secretValues = settings.Secrets.Where(s => s.IsFromValue).ToArray();
            var secrets = SecretValues(settings); // new SecretRedactor(secrets) masks them in anything else this build prints
            var (progress, progressReader) = ChooseProgress(settings, secrets);
            var started = DateTimeOffset.UtcNow;
            Log.Information("BuildxBuild: building {0} for {1}…", DescribeTarget(settings), settings.Platforms.Count == 0 ? "the builder's platform" : PlatformList.Format(settings.Platforms));
            try
            {
                RunDocker(settings, GetArguments(settings, metadataFile, progress), new DockerRunOptions("docker buildx build")
                {
                    Environment = secretValues.ToDictionary(s => s.EnvironmentVariable!, s => s.Value!),
                    Secrets = secrets,
                    TranslateErrorLine = progressReader is null ? null : progressReader.Read,
                });
            }
            catch (CakeException)
            {
                LogSummary(progressReader?.Summarize());
                throw;
            }

            var summary = progressReader?.Summarize();
            var metadataOptional = settings.Check || (settings.Call is { } call && call != "build");
            var file = FileSystem.GetFile(metadataFile);
            if (!file.Exists)
            {
                if (metadataOptional)
                {
                    LogSummary(summary);
                    return BuildxBuildResult.Parse("{}", metadataFile.FullPath, settings.Platforms).WithSummary(summary);
                }

                throw new CakeException($"BuildxBuild: docker buildx build succeeded but wrote no metadata file at '{metadataFile.FullPath}'; expected the JSON that --metadata-file asks for. Check that the docker CLI has the buildx plugin (docker buildx version).");
            }

            string json;
            using (var stream = file.OpenRead())
            using (var reader = new StreamReader(stream))
            {
                json = reader.ReadToEnd();
            }

            var result = BuildxBuildResult.Parse(json, metadataFile.FullPath, settings.Platforms).WithSummary(summary);
            Log.Information("BuildxBuild: done in {0:0.0}s: {1}", (DateTimeOffset.UtcNow - started).TotalSeconds, result);
            LogSummary(summary);
            return result;
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
    internal ProcessArgumentBuilder GetArguments(BuildxBuildSettings settings, FilePath temporaryMetadataFile, BuildProgress? defaultProgress = null)
    {
        var metadataFile = settings.MetadataFile?.MakeAbsolute(Environment) ?? temporaryMetadataFile;
        var args = new ProcessArgumentBuilder();
        args.Append("buildx");
        args.Append("build");

        foreach (var (host, ip) in settings.AddHosts)
        {
            args.AppendSwitchQuoted("--add-host", $"{host}={ip}");
        }

        foreach (var entitlement in settings.Allow)
        {
            args.AppendSwitchQuoted("--allow", entitlement);
        }

        foreach (var (key, value) in settings.Annotations)
        {
            args.AppendSwitchQuoted("--annotation", $"{key}={value}");
        }

        foreach (var attestation in settings.Attestations)
        {
            args.AppendSwitchQuoted("--attest", attestation);
        }

        foreach (var (key, value) in settings.BuildArgs)
        {
            args.AppendSwitchQuoted("--build-arg", $"{key}={value}");
        }

        foreach (var (name, value) in settings.BuildContexts)
        {
            args.AppendSwitchQuoted("--build-context", $"{name}={value}");
        }

        if (!string.IsNullOrEmpty(settings.Builder))
        {
            args.AppendSwitchQuoted("--builder", settings.Builder);
        }

        foreach (var cache in settings.CacheFrom)
        {
            args.AppendSwitchQuoted("--cache-from", cache.ToString());
        }

        foreach (var cache in settings.CacheTo)
        {
            args.AppendSwitchQuoted("--cache-to", cache.ToString());
        }

        if (!string.IsNullOrEmpty(settings.Call))
        {
            args.AppendSwitchQuoted("--call", settings.Call);
        }

        if (!string.IsNullOrEmpty(settings.CgroupParent))
        {
            args.AppendSwitchQuoted("--cgroup-parent", settings.CgroupParent);
        }

        if (settings.Check)
        {
            args.Append("--check");
        }

        if (settings.File is not null)
        {
            args.AppendSwitchQuoted("--file", settings.File.MakeAbsolute(Environment).FullPath);
        }

        if (settings.ImageIdFile is not null)
        {
            args.AppendSwitchQuoted("--iidfile", settings.ImageIdFile.MakeAbsolute(Environment).FullPath);
        }

        foreach (var (key, value) in settings.Labels)
        {
            args.AppendSwitchQuoted("--label", $"{key}={value}");
        }

        if (settings.Load)
        {
            args.Append("--load");
        }

        args.AppendSwitchQuoted("--metadata-file", metadataFile.FullPath);

        if (!string.IsNullOrEmpty(settings.Network))
        {
            args.AppendSwitchQuoted("--network", settings.Network);
        }

        if (settings.NoCache)
        {
            args.Append("--no-cache");
        }

        foreach (var stage in settings.NoCacheFilter)
        {
            args.AppendSwitchQuoted("--no-cache-filter", stage);
        }

        foreach (var output in settings.Outputs)
        {
            args.AppendSwitchQuoted("--output", output.ToString());
        }

        if (settings.Platforms.Count > 0)
        {
            args.AppendSwitchQuoted("--platform", PlatformList.Format(settings.Platforms));
        }

        var progress = settings.Progress ?? (settings.Quiet ? null : defaultProgress ?? (IsCi() ? BuildProgress.Plain : null)); // buildx refuses --quiet with any --progress but auto/quiet
        if (progress is { } p)
        {
            args.AppendSwitch("--progress", p.ToString().ToLowerInvariant());
        }

        if (settings.Provenance is { } provenance)
        {
            args.AppendSwitch("--provenance", "=", provenance switch
            {
                ProvenanceMode.Disabled => "false",
                ProvenanceMode.Enabled => "true",
                ProvenanceMode.Min => "mode=min",
                _ => "mode=max",
            });
        }

        if (settings.Pull)
        {
            args.Append("--pull");
        }

        if (settings.Push)
        {
            args.Append("--push");
        }

        if (settings.Quiet)
        {
            args.Append("--quiet");
        }

        if (settings.Sbom is { } sbom)
        {
            args.AppendSwitch("--sbom", "=", sbom ? "true" : "false");
        }

        foreach (var secret in settings.Secrets)
        {
            var absolute = secret.File is null ? secret : BuildSecret.FromFile(secret.Id, secret.File.MakeAbsolute(Environment));
            args.AppendSwitchQuoted("--secret", absolute.ToString());
        }

        if (!string.IsNullOrEmpty(settings.ShmSize))
        {
            args.AppendSwitchQuoted("--shm-size", settings.ShmSize);
        }

        foreach (var ssh in settings.Ssh)
        {
            args.AppendSwitchQuoted("--ssh", ssh);
        }

        foreach (var tag in settings.Tags)
        {
            args.AppendSwitchQuoted("--tag", tag);
        }

        if (!string.IsNullOrEmpty(settings.Target))
        {
            args.AppendSwitchQuoted("--target", settings.Target);
        }

        foreach (var ulimit in settings.Ulimits)
        {
            args.AppendSwitchQuoted("--ulimit", ulimit.ToString());
        }

        args.AppendQuoted(IsLocalContext(settings.Context) ? new DirectoryPath(settings.Context).MakeAbsolute(Environment).FullPath : settings.Context);
        return args;
    }

    private void RunPreflight(BuildxBuildSettings settings)
    {
        if (settings.SkipPreflight || !IsLocalContext(settings.Context) || settings.Platforms.Count == 0)
        {
            return;
        }

        var dockerfile = (settings.File ?? new DirectoryPath(settings.Context).CombineWithFilePath("Dockerfile")).MakeAbsolute(Environment);
        if (!FileSystem.Exist(dockerfile))
        {
            return; // docker names the missing file itself
        }

        var check = new Dockerfiles.CheckDockerfileSettings { Target = settings.Target };
        settings.Preflight.CopyTo(check);
        foreach (var platform in settings.Platforms)
        {
            check.Platforms.Add(platform);
        }

        foreach (var (key, value) in settings.BuildArgs)
        {
            check.BuildArgs[key] = value;
        }

        foreach (var (key, value) in settings.BuildContexts)
        {
            check.BuildContexts[key] = value;
        }

        new Dockerfiles.CheckDockerfileRunner(FileSystem, Environment, Log).Run(dockerfile, check, AliasName);
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

    private static string DescribeTarget(BuildxBuildSettings settings) =>
        settings.Tags.Count > 0 ? string.Join(", ", settings.Tags) : settings.Target is { } target ? $"target '{target}'" : $"context '{settings.Context}'";

    private bool IsCi() => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsLocalContext(string context) =>
        !string.IsNullOrWhiteSpace(context) && context != "-" && !context.Contains("://", StringComparison.Ordinal) && !context.StartsWith("git@", StringComparison.Ordinal);
}
