using Cake.Core.IO;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// Settings for <c>docker buildx build</c>
/// (https://docs.docker.com/reference/cli/docker/buildx/build/). Every input of
/// docker/build-push-action has a typed property here.
/// </summary>
public sealed class BuildxBuildSettings : DockerSettings
{
    /// <summary>Gets or sets the build context: a folder, a Git or HTTP URL, or <c>-</c> for stdin. Default: <c>.</c> (the working directory).</summary>
    public string Context { get; set; } = ".";

    /// <summary>Gets extra hosts for RUN steps (<c>--add-host host=ip</c>, one per entry).</summary>
    public IDictionary<string, string> AddHosts { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the extra privileged entitlements (<c>--allow</c>, such as <c>network.host</c> or <c>security.insecure</c>).</summary>
    public IList<string> Allow { get; } = new List<string>();

    /// <summary>Gets the annotations (<c>--annotation key=value</c>); a key may carry a level prefix such as <c>index:</c> or <c>manifest[linux/arm64]:</c>.</summary>
    /// <remarks>Needs buildx 0.12 or later.</remarks>
    public IDictionary<string, string> Annotations { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets extra attestations (<c>--attest</c>, such as <c>type=sbom,generator=image</c>).</summary>
    public IList<string> Attestations { get; } = new List<string>();

    /// <summary>Gets the build arguments (<c>--build-arg KEY=VALUE</c>). Values are visible in the image history: use <see cref="Secrets"/> for secrets.</summary>
    public IDictionary<string, string> BuildArgs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the named build contexts (<c>--build-context name=value</c>, a folder, URL or <c>docker-image://</c> reference).</summary>
    public IDictionary<string, string> BuildContexts { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the builder instance (<c>--builder</c>). Default: buildx's current builder (or <c>BUILDX_BUILDER</c>).</summary>
    public string? Builder { get; set; }

    /// <summary>Gets the caches to import (<c>--cache-from</c>, one per entry).</summary>
    public IList<CacheEntry> CacheFrom { get; } = new List<CacheEntry>();

    /// <summary>Gets the caches to export (<c>--cache-to</c>, one per entry).</summary>
    public IList<CacheEntry> CacheTo { get; } = new List<CacheEntry>();

    /// <summary>Gets or sets the frontend method to call instead of building (<c>--call</c>: <c>build</c>, <c>check</c>, <c>outline</c>, <c>targets</c>).</summary>
    /// <remarks>Needs buildx 0.15 or later.</remarks>
    public string? Call { get; set; }

    /// <summary>Gets or sets the cgroup parent of RUN steps (<c>--cgroup-parent</c>).</summary>
    public string? CgroupParent { get; set; }

    /// <summary>Gets or sets a value indicating whether to run the Dockerfile checks instead of building (<c>--check</c>, shorthand for <c>--call=check</c>).</summary>
    /// <remarks>Needs buildx 0.15 or later.</remarks>
    public bool Check { get; set; }

    /// <summary>Gets or sets the Dockerfile (<c>--file</c>). Default: <c>Dockerfile</c> in the context.</summary>
    public FilePath? File { get; set; }

    /// <summary>Gets or sets the file to write the image id to (<c>--iidfile</c>).</summary>
    public FilePath? ImageIdFile { get; set; }

    /// <summary>Gets the image labels (<c>--label KEY=VALUE</c>).</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether the result is loaded into the local image store (<c>--load</c>).
    /// Several platforms load only through a <c>docker</c>-driver builder on an engine with the containerd image store; elsewhere the build is refused before it starts.
    /// </summary>
    public bool Load { get; set; }

    /// <summary>
    /// Gets or sets the file buildx writes the build's metadata to (<c>--metadata-file</c>).
    /// Default: a temporary file, always passed, because the alias's result is read from it.
    /// </summary>
    public FilePath? MetadataFile { get; set; }

    /// <summary>Gets or sets the network mode of RUN steps (<c>--network</c>: <c>default</c>, <c>none</c>, <c>host</c>).</summary>
    public string? Network { get; set; }

    /// <summary>Gets or sets a value indicating whether the cache is ignored (<c>--no-cache</c>).</summary>
    public bool NoCache { get; set; }

    /// <summary>Gets the stages built without cache (<c>--no-cache-filter</c>).</summary>
    public IList<string> NoCacheFilter { get; } = new List<string>();

    /// <summary>Gets the outputs (<c>--output</c>, one per entry).</summary>
    public IList<BuildOutput> Outputs { get; } = new List<BuildOutput>();

    /// <summary>Gets the target platforms (<c>--platform</c>, one comma list). Default: the builder's own platform.</summary>
    public IList<Platform> Platforms { get; } = new List<Platform>();

    /// <summary>
    /// Gets or sets the progress style (<c>--progress</c>). Default: <c>rawjson</c> with buildx 0.12 and later, printed
    /// as readable lines and read into <see cref="BuildxBuildResult.Summary"/>; on older buildx <c>plain</c> when the <c>CI</c>
    /// environment variable is <c>true</c>, else buildx's own default. A value set here is passed as it is (rawjson is then logged raw).
    /// </summary>
    public BuildProgress? Progress { get; set; }

    /// <summary>Gets or sets the provenance attestation (<c>--provenance</c>). Default: buildx's own (<c>mode=min</c> on a push).</summary>
    /// <remarks>Needs buildx 0.10 or later.</remarks>
    public ProvenanceMode? Provenance { get; set; }

    /// <summary>
    /// Gets the options of the Dockerfile preflight that runs before docker starts (the rules of
    /// <c>CheckDockerfile</c>, for these Platforms, BuildArgs, BuildContexts and Target): findings are
    /// warnings, or stop the build with <c>Preflight.WarningsAsErrors</c>. It runs for a local context
    /// with Platforms set.
    /// </summary>
    public CheckDockerfile.DockerfileCheckOptions Preflight { get; } = new();

    /// <summary>Gets or sets a value indicating whether the Dockerfile preflight is skipped (no rules, no registry requests). Default: <see langword="false"/>.</summary>
    public bool SkipPreflight { get; set; }

    /// <summary>Gets or sets a value indicating whether newer versions of base images are always pulled (<c>--pull</c>).</summary>
    public bool Pull { get; set; }

    /// <summary>Gets or sets a value indicating whether the result is pushed to its registry (<c>--push</c>), the way to publish a multi-platform image.</summary>
    public bool Push { get; set; }

    /// <summary>Gets or sets a value indicating whether the build output is suppressed, printing the image id only (<c>--quiet</c>).</summary>
    public bool Quiet { get; set; }

    /// <summary>Gets or sets whether an SBOM attestation is made (<c>--sbom=true|false</c>). Default: unset (buildx's own: none).</summary>
    /// <remarks>Needs buildx 0.10 or later.</remarks>
    public bool? Sbom { get; set; }

    /// <summary>
    /// Gets or sets the image of the SBOM scanner BuildKit runs for each platform
    /// (<c>--sbom=generator=IMAGE</c>), such as <c>docker/buildkit-syft-scanner</c> or one of a
    /// private registry's: each platform gets its own SPDX statement. Default: unset (BuildKit's
    /// own scanner when <see cref="Sbom"/> is <see langword="true"/>).
    /// </summary>
    /// <remarks>Needs buildx 0.10 or later. Cannot be combined with <see cref="Sbom"/> = <see langword="false"/>.</remarks>
    public string? SbomGenerator { get; set; }

    /// <summary>Gets the secrets exposed to the build (<c>--secret id=…,env=…</c> or <c>id=…,src=…</c>).</summary>
    public IList<BuildSecret> Secrets { get; } = new List<BuildSecret>();

    /// <summary>Gets or sets the size of <c>/dev/shm</c> for RUN steps (<c>--shm-size</c>, such as <c>2g</c>).</summary>
    public string? ShmSize { get; set; }

    /// <summary>Gets the SSH agent sockets or keys exposed to the build (<c>--ssh</c>, such as <c>default</c> or <c>id=path</c>).</summary>
    public IList<string> Ssh { get; } = new List<string>();

    /// <summary>Gets the image names and tags (<c>--tag</c>, one per entry).</summary>
    public IList<string> Tags { get; } = new List<string>();

    /// <summary>Gets or sets the build stage to build (<c>--target</c>).</summary>
    public string? Target { get; set; }

    /// <summary>Gets the ulimits of RUN steps (<c>--ulimit</c>).</summary>
    public IList<Ulimit> Ulimits { get; } = new List<Ulimit>();
}
