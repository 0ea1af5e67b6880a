using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>Fluent helpers for <see cref="BuildxBuildSettings"/>, in Cake's <c>With…</c> style.</summary>
public static class BuildxBuildSettingsExtensions
{
    /// <summary>Adds target platforms (<c>--platform</c>), parsed and normalised.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platforms">Platforms such as <c>linux/amd64</c>, <c>linux/arm64</c>, or comma lists of them.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CakeException">No platform is given (null, empty, or only commas), or a value is not a platform; the message lists the accepted values.</exception>
    public static BuildxBuildSettings WithPlatform(this BuildxBuildSettings settings, params string[] platforms)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var given = platforms is null ? "null" : "[" + string.Join(", ", platforms.Select(p => p is null ? "null" : $"'{p}'")) + "]";
        var items = (platforms ?? []).Where(p => p is not null).SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (platforms is null || platforms.Length == 0 || platforms.Any(p => p is null) || items.Length == 0)
        {
            throw new CakeException(
                $"BuildxBuild: WithPlatform got no platform for Platforms; expected one or more platforms such as 'linux/amd64' or a comma list 'linux/amd64,linux/arm64', found {given}. Pass the platforms to build, or leave Platforms empty (do not call WithPlatform) to build for the builder's own platform.");
        }

        var parsed = new List<Platform>();
        foreach (var item in items)
        {
            if (Platform.TryParseCore(item, out var platform) is { } error)
            {
                throw new CakeException($"BuildxBuild: WithPlatform got an invalid value for Platforms: {error}");
            }

            parsed.Add(platform);
        }

        return Each(settings, parsed, (s, p) => s.Platforms.Add(p));
    }

    /// <summary>Adds target platforms (<c>--platform</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platforms">The platforms, made by <see cref="Platform.Parse"/>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CakeException">No platform is given, or one is <c>default(Platform)</c>.</exception>
    public static BuildxBuildSettings WithPlatform(this BuildxBuildSettings settings, params Platform[] platforms)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (platforms is null || platforms.Length == 0 || platforms.Any(p => p.Info is null))
        {
            var found = platforms is null ? "null" : "[" + string.Join(", ", platforms.Select(p => p.Info is null ? "default(Platform)" : $"'{p}'")) + "]";
            throw new CakeException(
                $"BuildxBuild: WithPlatform got no platform or an empty one for Platforms; expected platforms made by Platform.Parse, such as Platform.Parse(\"linux/arm64\"), found {found}. Pass parsed platforms, or leave Platforms empty to build for the builder's own platform.");
        }

        return Each(settings, platforms, (s, p) => s.Platforms.Add(p));
    }

    /// <summary>Adds image names and tags (<c>--tag</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="tags">References such as <c>registry.example.com/app:1.0</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithTag(this BuildxBuildSettings settings, params string[] tags) =>
        Each(settings, tags, (s, t) => s.Tags.Add(t));

    /// <summary>Sets a build argument (<c>--build-arg KEY=VALUE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The argument.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithBuildArg(this BuildxBuildSettings settings, string name, string value) =>
        Set(settings, s => s.BuildArgs[Key(name, nameof(WithBuildArg), "BuildArgs", "VERSION")] = value);

    /// <summary>Sets an image label (<c>--label KEY=VALUE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The label.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithLabel(this BuildxBuildSettings settings, string name, string value) =>
        Set(settings, s => s.Labels[Key(name, nameof(WithLabel), "Labels", "org.opencontainers.image.source")] = value);

    /// <summary>Sets an annotation (<c>--annotation KEY=VALUE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="key">The key, optionally with a level prefix such as <c>index:</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithAnnotation(this BuildxBuildSettings settings, string key, string value) =>
        Set(settings, s => s.Annotations[Key(key, nameof(WithAnnotation), "Annotations", "index:org.opencontainers.image.description")] = value);

    /// <summary>Adds a secret read from an environment variable (<c>--secret id=ID,env=VARIABLE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="id">The secret id.</param>
    /// <param name="environmentVariable">The variable that holds the value; defaults to the id.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSecretFromEnvironment(this BuildxBuildSettings settings, string id, string? environmentVariable = null) =>
        Set(settings, s => s.Secrets.Add(BuildSecret.FromEnvironment(id, environmentVariable ?? id)));

    /// <summary>Adds a secret read from a file (<c>--secret id=ID,src=FILE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="id">The secret id.</param>
    /// <param name="file">The file that holds the value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSecretFromFile(this BuildxBuildSettings settings, string id, FilePath file) =>
        Set(settings, s => s.Secrets.Add(BuildSecret.FromFile(id, file)));

    /// <summary>Adds a secret whose value the script holds; it reaches buildx through the process environment only, never argv or the log.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="id">The secret id.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSecret(this BuildxBuildSettings settings, string id, string value) =>
        Set(settings, s => s.Secrets.Add(BuildSecret.FromValue(id, value)));

    /// <summary>Adds a cache source (<c>--cache-from</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cache">The cache, such as <c>CacheEntry.Registry("r/app:cache")</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithCacheFrom(this BuildxBuildSettings settings, CacheEntry cache) =>
        Set(settings, s => s.CacheFrom.Add(cache));

    /// <summary>Adds a cache destination (<c>--cache-to</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cache">The cache, such as <c>CacheEntry.Registry("r/app:cache", CacheMode.Max)</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithCacheTo(this BuildxBuildSettings settings, CacheEntry cache) =>
        Set(settings, s => s.CacheTo.Add(cache));

    /// <summary>Adds an output (<c>--output</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="output">The output, such as <c>BuildOutput.OciArchive("app.tar")</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithOutput(this BuildxBuildSettings settings, BuildOutput output) =>
        Set(settings, s => s.Outputs.Add(output));

    /// <summary>Sets whether the result is pushed (<c>--push</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="push">Whether to push.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithPush(this BuildxBuildSettings settings, bool push = true) =>
        Set(settings, s => s.Push = push);

    /// <summary>Sets whether the result is loaded into the local image store (<c>--load</c>; several platforms need a <c>docker</c>-driver builder and the containerd image store).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="load">Whether to load.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithLoad(this BuildxBuildSettings settings, bool load = true) =>
        Set(settings, s => s.Load = load);

    /// <summary>Sets the builder (<c>--builder</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="builder">The builder name.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithBuilder(this BuildxBuildSettings settings, string builder) =>
        Set(settings, s => s.Builder = builder);

    /// <summary>Sets the Dockerfile (<c>--file</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="file">The Dockerfile.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithFile(this BuildxBuildSettings settings, FilePath file) =>
        Set(settings, s => s.File = file);

    /// <summary>Sets the stage to build (<c>--target</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="target">The stage name.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithTarget(this BuildxBuildSettings settings, string target) =>
        Set(settings, s => s.Target = target);

    /// <summary>Sets the provenance attestation (<c>--provenance</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="mode">The mode; <see cref="ProvenanceMode.Disabled"/> gives a plain manifest list.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithProvenance(this BuildxBuildSettings settings, ProvenanceMode mode) =>
        Set(settings, s => s.Provenance = mode);

    /// <summary>Sets the build context (<c>PATH | URL | -</c>, the last argument).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="context">A folder, a Git or HTTP URL, or <c>-</c> for stdin.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithContext(this BuildxBuildSettings settings, string context) =>
        Set(settings, s => s.Context = context);

    /// <summary>Adds an extra host for RUN steps (<c>--add-host host=ip</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="host">The host name.</param>
    /// <param name="ip">The address, such as <c>10.0.0.5</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithAddHost(this BuildxBuildSettings settings, string host, string ip) =>
        Set(settings, s => s.AddHosts[Key(host, nameof(WithAddHost), "AddHosts", "db")] = ip);

    /// <summary>Allows extra privileged entitlements (<c>--allow</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="entitlements">Entitlements such as <c>network.host</c> or <c>security.insecure</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithAllow(this BuildxBuildSettings settings, params string[] entitlements) =>
        Each(settings, entitlements, (s, e) => s.Allow.Add(e));

    /// <summary>Adds attestations (<c>--attest</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="attestations">Attestations such as <c>type=sbom,generator=image</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithAttestation(this BuildxBuildSettings settings, params string[] attestations) =>
        Each(settings, attestations, (s, a) => s.Attestations.Add(a));

    /// <summary>Adds a named build context (<c>--build-context name=value</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The name that <c>FROM</c> or <c>COPY --from</c> uses.</param>
    /// <param name="value">A folder, a URL, or a <c>docker-image://</c> reference.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithBuildContext(this BuildxBuildSettings settings, string name, string value) =>
        Set(settings, s => s.BuildContexts[Key(name, nameof(WithBuildContext), "BuildContexts", "base")] = value);

    /// <summary>Sets the frontend method to call instead of building (<c>--call</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="method"><c>build</c>, <c>check</c>, <c>outline</c> or <c>targets</c>.</param>
    /// <returns>The settings.</returns>
    /// <remarks>Needs buildx 0.15 or later.</remarks>
    public static BuildxBuildSettings WithCall(this BuildxBuildSettings settings, string method) =>
        Set(settings, s => s.Call = method);

    /// <summary>Sets the cgroup parent of RUN steps (<c>--cgroup-parent</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cgroupParent">The cgroup, such as <c>ci.slice</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithCgroupParent(this BuildxBuildSettings settings, string cgroupParent) =>
        Set(settings, s => s.CgroupParent = cgroupParent);

    /// <summary>Sets whether the Dockerfile checks run instead of the build (<c>--check</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="check">Whether to check only.</param>
    /// <returns>The settings.</returns>
    /// <remarks>Needs buildx 0.15 or later.</remarks>
    public static BuildxBuildSettings WithCheck(this BuildxBuildSettings settings, bool check = true) =>
        Set(settings, s => s.Check = check);

    /// <summary>Sets the file buildx writes the image id to (<c>--iidfile</c>); its folder must exist.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="file">The file.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithImageIdFile(this BuildxBuildSettings settings, FilePath file) =>
        Set(settings, s => s.ImageIdFile = file);

    /// <summary>Sets the file buildx writes the build's metadata to (<c>--metadata-file</c>); its folder must exist.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="file">The file, kept after the build (the default is a temporary file).</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithMetadataFile(this BuildxBuildSettings settings, FilePath file) =>
        Set(settings, s => s.MetadataFile = file);

    /// <summary>Sets the network mode of RUN steps (<c>--network</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="network"><c>default</c>, <c>none</c> or <c>host</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithNetwork(this BuildxBuildSettings settings, string network) =>
        Set(settings, s => s.Network = network);

    /// <summary>Sets whether the build cache is ignored (<c>--no-cache</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="noCache">Whether to ignore the cache.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithNoCache(this BuildxBuildSettings settings, bool noCache = true) =>
        Set(settings, s => s.NoCache = noCache);

    /// <summary>Adds stages built without cache (<c>--no-cache-filter</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="stages">The stage names.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithNoCacheFilter(this BuildxBuildSettings settings, params string[] stages) =>
        Each(settings, stages, (s, stage) => s.NoCacheFilter.Add(stage));

    /// <summary>Sets up the Dockerfile preflight that runs before docker starts (see <c>CheckDockerfile</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="configure">Sets the options, such as <c>o => o.WarningsAsErrors = true</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithPreflight(this BuildxBuildSettings settings, Action<CheckDockerfile.DockerfileCheckOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Set(settings, s => configure(s.Preflight));
    }

    /// <summary>Sets whether the Dockerfile preflight is skipped (no rules, no registry requests).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="skip">Whether to skip it.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithoutPreflight(this BuildxBuildSettings settings, bool skip = true) =>
        Set(settings, s => s.SkipPreflight = skip);

    /// <summary>Sets the progress style (<c>--progress</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="progress">The style; <see cref="BuildProgress.Plain"/> suits logs.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithProgress(this BuildxBuildSettings settings, BuildProgress progress) =>
        Set(settings, s => s.Progress = progress);

    /// <summary>Sets whether newer versions of base images are always pulled (<c>--pull</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="pull">Whether to pull.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithPull(this BuildxBuildSettings settings, bool pull = true) =>
        Set(settings, s => s.Pull = pull);

    /// <summary>Sets whether the build output is suppressed (<c>--quiet</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="quiet">Whether to be quiet.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithQuiet(this BuildxBuildSettings settings, bool quiet = true) =>
        Set(settings, s => s.Quiet = quiet);

    /// <summary>Sets whether an SBOM attestation is made (<c>--sbom=true|false</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="sbom">Whether to make one.</param>
    /// <returns>The settings.</returns>
    /// <remarks>Needs buildx 0.10 or later.</remarks>
    public static BuildxBuildSettings WithSbom(this BuildxBuildSettings settings, bool sbom = true) =>
        Set(settings, s => s.Sbom = sbom);

    /// <summary>Sets the SBOM scanner image BuildKit runs for each platform (<c>--sbom=generator=IMAGE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="generator">The scanner image, such as <c>docker/buildkit-syft-scanner:stable-1</c>.</param>
    /// <returns>The settings.</returns>
    /// <remarks>Needs buildx 0.10 or later.</remarks>
    public static BuildxBuildSettings WithSbomGenerator(this BuildxBuildSettings settings, string generator) =>
        Set(settings, s => s.SbomGenerator = generator);

    /// <summary>Sets the size of <c>/dev/shm</c> for RUN steps (<c>--shm-size</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="size">A number with an optional unit b, k, m or g, such as <c>2g</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithShmSize(this BuildxBuildSettings settings, string size) =>
        Set(settings, s => s.ShmSize = size);

    /// <summary>Exposes SSH agent sockets or keys to the build (<c>--ssh</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="ssh">Entries such as <c>default</c> or <c>id=path</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSsh(this BuildxBuildSettings settings, params string[] ssh) =>
        Each(settings, ssh, (s, entry) => s.Ssh.Add(entry));

    /// <summary>Adds a ulimit for RUN steps (<c>--ulimit</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="ulimit">The limit, such as <c>new Ulimit("nofile", 1024, 2048)</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithUlimit(this BuildxBuildSettings settings, Ulimit ulimit) =>
        Set(settings, s => s.Ulimits.Add(ulimit));

    /// <summary>Adds a ulimit for RUN steps (<c>--ulimit name=soft[:hard]</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The limit, such as <c>nofile</c>.</param>
    /// <param name="soft">The soft limit.</param>
    /// <param name="hard">The hard limit, or <see langword="null"/> to use the soft one.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithUlimit(this BuildxBuildSettings settings, string name, long soft, long? hard = null) =>
        Set(settings, s => s.Ulimits.Add(new Ulimit(name, soft, hard)));

    // A dictionary refuses a null key with "Value cannot be null. (Parameter 'key')": say which.
    private static string Key(string? key, string helper, string setting, string example) =>
        key ?? throw new CakeException($"BuildxBuild: {helper} got a null name for {setting}; expected a name such as '{example}', found null. Pass the name (a variable that was never set?).");

    private static BuildxBuildSettings Set(BuildxBuildSettings settings, Action<BuildxBuildSettings> change)
    {
        ArgumentNullException.ThrowIfNull(settings);
        change(settings);
        return settings;
    }

    private static BuildxBuildSettings Each<T>(BuildxBuildSettings settings, IEnumerable<T> items, Action<BuildxBuildSettings, T> add)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            add(settings, item);
        }

        return settings;
    }
}
