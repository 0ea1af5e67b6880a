using Cake.Core.IO;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>The buildx driver of a builder (<c>--driver</c>).</summary>
public enum BuilderDriver
{
    /// <summary><c>docker-container</c>: BuildKit in a container of the local engine; builds several platforms and exports anywhere.</summary>
    DockerContainer,

    /// <summary>
    /// <c>docker</c>: the engine's own BuildKit (the builder named after the docker context, <c>default</c>).
    /// It builds several platforms in one build and pushes them when the engine uses the containerd
    /// image store; on the classic store it builds one platform at a time. buildx cannot create,
    /// change or remove it.
    /// </summary>
    Docker,

    /// <summary><c>remote</c>: a BuildKit daemon you run yourself, reached at the endpoint.</summary>
    Remote,

    /// <summary><c>kubernetes</c>: BuildKit pods in a cluster.</summary>
    Kubernetes,
}

/// <summary>A node to append to a builder (<c>docker buildx create --append</c>), such as a native arm64 machine.</summary>
public sealed class BuilderNodeSettings
{
    /// <summary>Gets or sets the node's name (<c>--node</c>). Required: it is how an existing node is recognised.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the node's endpoint, such as <c>ssh://build@arm64-host</c> or <c>tcp://10.0.0.7:1234</c> (the last argument).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Gets the platforms this node serves (<c>--platform</c>).</summary>
    public IList<Platform> Platforms { get; } = new List<Platform>();

    /// <summary>Gets the node's driver options (<c>--driver-opt key=value</c>).</summary>
    public IDictionary<string, string> DriverOptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the node's kubernetes driver options (a builder with <see cref="BuilderDriver.Kubernetes"/> only), added to <see cref="DriverOptions"/>.</summary>
    public KubernetesDriverOptions? Kubernetes { get; set; }

    /// <summary>
    /// Makes a node that serves one platform natively from its own machine: a BuildKit reached at
    /// <paramref name="endpoint"/> (<c>ssh://build@arm64-host</c>, <c>tcp://10.0.0.7:1234</c>), with
    /// <c>--platform</c> set to <paramref name="platform"/>.
    /// </summary>
    /// <param name="name">The node's name (<c>--node</c>), such as <c>arm64-native</c>.</param>
    /// <param name="platform">The platform it builds.</param>
    /// <param name="endpoint">Where buildx reaches it.</param>
    /// <returns>The node settings.</returns>
    public static BuilderNodeSettings Native(string name, Platform platform, string endpoint) =>
        new() { Name = name, Endpoint = endpoint, Platforms = { platform } };

    /// <summary>
    /// Makes a kubernetes node pinned to the cluster's machines of one architecture
    /// (<c>nodeselector=kubernetes.io/arch=ARCH</c>) and serving that platform (<c>--platform</c>),
    /// so one builder spans native amd64 and arm64 pods.
    /// </summary>
    /// <param name="name">The node's name (<c>--node</c>), such as <c>k8s-arm64</c>.</param>
    /// <param name="platform">The platform it builds; its architecture selects the cluster nodes.</param>
    /// <param name="options">Further kubernetes options (namespace, replicas, resources), copied; the copy's <c>kubernetes.io/arch</c> selector is set to the platform's architecture.</param>
    /// <returns>The node settings.</returns>
    public static BuilderNodeSettings KubernetesNative(string name, Platform platform, KubernetesDriverOptions? options = null)
    {
        var kubernetes = options?.Copy() ?? new KubernetesDriverOptions();
        kubernetes.NodeSelector["kubernetes.io/arch"] = platform.Architecture;
        return new() { Name = name, Platforms = { platform }, Kubernetes = kubernetes };
    }
}

/// <summary>Settings for <c>EnsureBuilder</c>: the builder to find or create with <c>docker buildx create</c>.</summary>
public sealed class EnsureBuilderSettings : DockerSettings
{
    /// <summary>
    /// Gets or sets the builder's name (<c>--name</c>). Default: <c>multiarch</c>. <c>default</c> (or the
    /// docker context's name) is the engine's own builder: EnsureBuilder accepts and checks it, and
    /// never creates, recreates or removes it.
    /// </summary>
    /// <remarks>buildx's rule: a letter, then letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</remarks>
    public string Name { get; set; } = "multiarch";

    /// <summary>
    /// Gets or sets a value indicating whether EnsureBuilder chooses the builder: the engine's own
    /// builder (driver <c>docker</c>) when it covers every one of <see cref="RequiredPlatforms"/> and can
    /// build several at once (the engine uses the containerd image store); otherwise the builder
    /// <see cref="Name"/> that the other settings describe (a <c>docker-container</c> builder by
    /// default), found or created. The result's <see cref="EnsureBuilderResult.Reason"/> says which and why;
    /// build with <see cref="EnsureBuilderResult.Name"/>. Default: <see langword="false"/>.
    /// </summary>
    public bool Automatic { get; set; }

    /// <summary>Gets or sets the driver (<c>--driver</c>). Default: <see cref="BuilderDriver.DockerContainer"/>.</summary>
    public BuilderDriver Driver { get; set; } = BuilderDriver.DockerContainer;

    /// <summary>
    /// Gets the driver options (<c>--driver-opt key=value</c>), such as <c>image</c> for the BuildKit
    /// image (a mirror of <c>moby/buildkit:buildx-stable-1</c> behind a firewall) or <c>network=host</c>.
    /// </summary>
    public IDictionary<string, string> DriverOptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the BuildKit daemon flags (<c>--buildkitd-flags</c>), such as <c>--allow-insecure-entitlement network.host</c>.</summary>
    public string? BuildkitdFlags { get; set; }

    /// <summary>
    /// Gets or sets the BuildKit daemon config file, <c>buildkitd.toml</c> (<c>--buildkitd-config</c>
    /// with buildx 0.13+, <c>--config</c> before): registry mirrors, insecure or private registries with a CA.
    /// </summary>
    public FilePath? BuildkitdConfig { get; set; }

    /// <summary>Gets or sets the kubernetes driver's options for the first node (<see cref="BuilderDriver.Kubernetes"/> only), added to <see cref="DriverOptions"/>.</summary>
    public KubernetesDriverOptions? Kubernetes { get; set; }

    /// <summary>Gets or sets the first node's endpoint (a docker context, <c>tcp://…</c>, <c>unix://…</c>); required for the remote driver.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Gets the platforms the first node serves (<c>--platform</c>); default: what BuildKit detects.</summary>
    public IList<Platform> NodePlatforms { get; } = new List<Platform>();

    /// <summary>Gets the extra nodes to append; only those whose name the builder lacks are appended.</summary>
    public IList<BuilderNodeSettings> AppendNodes { get; } = new List<BuilderNodeSettings>();

    /// <summary>Gets or sets a value indicating whether the builder becomes the current one (<c>--use</c> / <c>docker buildx use</c>). Default: <see langword="true"/>.</summary>
    public bool Use { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the builder is started now (<c>--bootstrap</c>), so that its platforms are known. Default: <see langword="true"/>.</summary>
    public bool Bootstrap { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a required platform that this machine emulates is
    /// proven to run before the builder's platform list is trusted: when the builder's nodes are on
    /// this machine (the engine's own builder, or docker-container on a local engine), RegisterQemu's
    /// self-test runs a tiny program of each such platform through the kernel. A platform the builder
    /// lists but the kernel cannot run (dockerd keeps platforms it detected until it restarts) is an
    /// error. Turn it off only when the engine runs elsewhere than this kernel. Default: <see langword="true"/>.
    /// </summary>
    public bool VerifyEmulation { get; set; } = true;

    /// <summary>Gets the platforms the build needs; EnsureBuilder fails, naming the missing ones, when the builder's nodes do not cover them.</summary>
    public IList<Platform> RequiredPlatforms { get; } = new List<Platform>();

    /// <summary>Gets or sets a value indicating whether an existing builder of this name whose driver or options differ is removed and created again. Default: <see langword="false"/> (fail and say what differs).</summary>
    public bool Recreate { get; set; }

    /// <summary>
    /// Gets or sets how long EnsureBuilder waits for another run (another <c>dotnet cake</c> on this
    /// machine with the same <c>DOCKER_CONFIG</c>) that is creating the same builder. Default: 10 minutes.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
