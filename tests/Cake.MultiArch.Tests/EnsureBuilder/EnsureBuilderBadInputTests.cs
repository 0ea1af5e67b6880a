using Cake.Core;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.RemoveBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>
/// EnsureBuilder, RemoveBuilder and BuildxVersion's bad-input catalogue: each row makes one bad
/// input; the alias throws the expected exception naming the setting and the value, docker is never
/// started (a fake docker with no rules is the ToolPath), no file changes (the DOCKER_CONFIG folder
/// stays absent) and no lock file is taken.
/// </summary>
public sealed class EnsureBuilderBadInputTests
{
    private const string NameRule = "expected a letter, then letters, digits, '.', '_' or '-' (buildx's rule), such as 'multiarch'.";
    private const string EngineFix = "the docker engine's own builder; expected it unset: buildx cannot change a docker-driver builder";

    private static readonly Case[] Cases =
    [
        // Builder names (buildx store/util.go: a letter first; a '-' first would reach buildx as a flag)
        Ensure("name with a space", s => s.Name = "my builder", $"EnsureBuilder: Name 'my builder' is not a builder name; {NameRule}"),
        Ensure("name starting with a dash", s => s.Name = "-x", $"EnsureBuilder: Name '-x' is not a builder name; {NameRule}"),
        Ensure("name that is a buildx flag", s => s.Name = "--all-inactive", "EnsureBuilder: Name '--all-inactive' is not a builder name;"),
        Ensure("name starting with a digit", s => s.Name = "1builder", "EnsureBuilder: Name '1builder' is not a builder name;"),
        Ensure("empty name", s => s.Name = string.Empty, "EnsureBuilder: Name '' is not a builder name;"),
        Ensure("null name", s => s.Name = null!, "EnsureBuilder: Name '' is not a builder name;"),
        Ensure("name with a slash", s => s.Name = "team/builder", "EnsureBuilder: Name 'team/builder' is not a builder name;"),
        Ensure("name with a colon", s => s.Name = "builder:1", "EnsureBuilder: Name 'builder:1' is not a builder name;"),
        Ensure("docker driver, context name with a dash first", s => { s.Driver = BuilderDriver.Docker; s.Name = "-ctx"; }, "EnsureBuilder: Name '-ctx' is not a docker context name; expected a letter or digit, then letters, digits, '_', '.', '+' or '-' (docker's rule), such as 'default'"),
        Ensure("docker driver, one-letter context name", s => { s.Driver = BuilderDriver.Docker; s.Name = "a"; }, "EnsureBuilder: Name 'a' is not a docker context name;"),

        // Platforms no parser made (default(Platform)) once reached buildx as "cannot build ;" (issue 16)
        Ensure("default platform in RequiredPlatforms", s => s.RequiredPlatforms.Add(default), "EnsureBuilder: RequiredPlatforms[0] is an empty platform (default(Platform)); expected a platform made by Platform.Parse or a string such as 'linux/arm64', found an uninitialised value. Use one of 'linux/386',"),
        Ensure("default platform in RequiredPlatforms, Automatic", s => { s.Automatic = true; s.RequiredPlatforms.Add("linux/arm64"); s.RequiredPlatforms.Add(default); }, "EnsureBuilder: RequiredPlatforms[1] is an empty platform (default(Platform));"),
        Ensure("default platform in NodePlatforms", s => s.NodePlatforms.Add(default), "EnsureBuilder: NodePlatforms[0] is an empty platform (default(Platform));"),
        Ensure("default platform in NodePlatforms, Automatic", s => { s.Automatic = true; s.NodePlatforms.Add(default); }, "EnsureBuilder: NodePlatforms[0] is an empty platform (default(Platform));"),

        // DriverOptions["image"] is the BuildKit image the builder pulls: an image reference
        Ensure("driver image that is no reference", s => s.DriverOptions["image"] = "Not An Image!", "EnsureBuilder: DriverOptions['image'] 'Not An Image!' is not an image reference (", "expected the BuildKit image the builder runs, such as 'mirror.example.com/moby/buildkit:buildx-stable-1'."),
        Ensure("driver image with upper case", s => s.DriverOptions["image"] = "Moby/BuildKit:latest", "EnsureBuilder: DriverOptions['image'] 'Moby/BuildKit:latest' is not an image reference ("),

        // The engine's own builder: never created, recreated, removed or changed
        Ensure("Recreate on default", s => { s.Name = "default"; s.Recreate = true; }, "EnsureBuilder: Recreate = true for 'default', the docker engine's own builder; expected Recreate = false: EnsureBuilder never creates, recreates or removes the engine's builder."),
        Ensure("Recreate with the docker driver", s => { s.Name = "desktop-linux"; s.Driver = BuilderDriver.Docker; s.Recreate = true; }, "EnsureBuilder: Recreate = true for 'desktop-linux', the docker engine's own builder;"),
        Ensure("driver options on default", s => { s.Name = "default"; s.DriverOptions["image"] = "mirror/buildkit:1"; }, $"EnsureBuilder: DriverOptions (image) is set for 'default', {EngineFix}"),
        Ensure("nodes appended to default", s => { s.Name = "default"; s.AppendNodes.Add(BuilderNodeSettings.Native("arm", "linux/arm64", "ssh://arm")); }, $"EnsureBuilder: AppendNodes (1) is set for 'default', {EngineFix}"),
        Ensure("endpoint on default", s => { s.Name = "default"; s.Endpoint = "unix:///var/run/docker.sock"; }, $"EnsureBuilder: Endpoint 'unix:///var/run/docker.sock' is set for 'default', {EngineFix}"),
        Ensure("daemon flags on default", s => { s.Name = "default"; s.BuildkitdFlags = "--debug"; }, $"EnsureBuilder: BuildkitdFlags '--debug' is set for 'default', {EngineFix}"),
        Ensure("node platforms with the docker driver", s => { s.Name = "default"; s.Driver = BuilderDriver.Docker; s.NodePlatforms.Add("linux/arm64"); }, $"EnsureBuilder: NodePlatforms (linux/arm64) is set for 'default', {EngineFix}"),
        Ensure("kubernetes options on default", s => { s.Name = "default"; s.Kubernetes = new KubernetesDriverOptions(); }, "EnsureBuilder: Kubernetes options are set, but Driver is DockerContainer; expected Driver = Kubernetes"),
        Ensure("Automatic with the docker driver", s => { s.Automatic = true; s.Driver = BuilderDriver.Docker; s.Name = "default"; }, "EnsureBuilder: Automatic = true with Driver = Docker; expected Driver DockerContainer, Remote or Kubernetes"),
        Ensure("Automatic falling back to default", s => { s.Automatic = true; s.Name = "default"; }, "EnsureBuilder: Automatic = true with Name 'default'; expected the name of the builder to fall back to, such as 'multiarch'"),

        // Endpoints (the last argument of buildx create)
        Ensure("remote without endpoint", s => s.Driver = BuilderDriver.Remote, "EnsureBuilder: Endpoint is not set, and the remote driver needs one (such as 'tcp://buildkitd:1234' or 'unix:///run/buildkit/buildkitd.sock')."),
        Ensure("remote endpoint with http scheme", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "http://buildkitd:1234"; }, "EnsureBuilder: Endpoint 'http://buildkitd:1234' is not a BuildKit address for the remote driver; expected a URL with scheme tcp, unix, ssh, docker-container, kube-pod, npipe, such as 'tcp://buildkitd:1234'."),
        Ensure("remote endpoint that is a flag", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "--help"; }, "EnsureBuilder: Endpoint '--help' is not a BuildKit address for the remote driver;"),
        Ensure("remote endpoint with a space", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "tcp://build kitd:1234"; }, "EnsureBuilder: Endpoint 'tcp://build kitd:1234' is not a BuildKit address"),
        Ensure("remote endpoint without host", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "tcp://"; }, "EnsureBuilder: Endpoint 'tcp://' is not a BuildKit address"),
        Ensure("docker-container endpoint that is a flag", s => s.Endpoint = "-H", "EnsureBuilder: Endpoint '-H' is not a docker endpoint; expected a docker context name or a URL with scheme unix, tcp, ssh, npipe, fd, such as 'unix:///var/run/docker.sock'."),
        Ensure("docker-container endpoint with kube-pod scheme", s => s.Endpoint = "kube-pod://buildkitd-0", "EnsureBuilder: Endpoint 'kube-pod://buildkitd-0' is not a docker endpoint;"),
        Ensure("kubernetes with an endpoint", s => { s.Driver = BuilderDriver.Kubernetes; s.Endpoint = "tcp://10.0.0.7:1234"; }, "EnsureBuilder: Endpoint 'tcp://10.0.0.7:1234' is set, but the kubernetes driver takes none; expected it unset"),

        // Driver options
        Ensure("driver option key that is a flag", s => s.DriverOptions["--privileged"] = "true", "EnsureBuilder: DriverOptions key '--privileged' is not a driver option; expected a letter, then letters, digits, '.', '_' or '-', such as 'image'"),
        Ensure("driver option key with '='", s => s.DriverOptions["image=x"] = "y", "EnsureBuilder: DriverOptions key 'image=x' is not a driver option;"),
        Ensure("driver option key with a comma", s => s.DriverOptions["a,b"] = "y", "EnsureBuilder: DriverOptions key 'a,b' is not a driver option;"),
        Ensure("driver option value with a line break", s => s.DriverOptions["image"] = "mirror/buildkit:1\n--privileged", "EnsureBuilder: DriverOptions['image'] holds no value or a line break; expected one line"),
        Ensure("kubernetes options with docker-container", s => s.Kubernetes = new KubernetesDriverOptions { Replicas = 2 }, "EnsureBuilder: Kubernetes options are set, but Driver is DockerContainer; expected Driver = Kubernetes"),
        Ensure("kubernetes replicas zero", s => { s.Driver = BuilderDriver.Kubernetes; s.Kubernetes = new KubernetesDriverOptions { Replicas = 0 }; }, "EnsureBuilder: Kubernetes.Replicas is 0; expected 1 or more BuildKit pods."),
        Ensure("kubernetes replicas negative", s => { s.Driver = BuilderDriver.Kubernetes; s.Kubernetes = new KubernetesDriverOptions { Replicas = -2 }; }, "EnsureBuilder: Kubernetes.Replicas is -2;"),
        Ensure("kubernetes node selector with a comma", s => { s.Driver = BuilderDriver.Kubernetes; s.Kubernetes = new KubernetesDriverOptions { NodeSelector = { ["kubernetes.io/arch"] = "arm64,amd64" } }; }, "EnsureBuilder: Kubernetes.NodeSelector entry 'kubernetes.io/arch=arm64,amd64' is not a node selector; expected a label key and value without ',', '=', '\"' or spaces"),
        Ensure("kubernetes node selector empty value", s => { s.Driver = BuilderDriver.Kubernetes; s.Kubernetes = new KubernetesDriverOptions { NodeSelector = { ["pool"] = string.Empty } }; }, "EnsureBuilder: Kubernetes.NodeSelector entry 'pool=' is not a node selector;"),
        Ensure("kubernetes namespace with a space", s => { s.Driver = BuilderDriver.Kubernetes; s.Kubernetes = new KubernetesDriverOptions { Namespace = "build kit" }; }, "EnsureBuilder: Kubernetes.Namespace 'build kit' is not a value the kubernetes driver reads;"),
        Ensure("kubernetes memory with a comma", s => { s.Driver = BuilderDriver.Kubernetes; s.Kubernetes = new KubernetesDriverOptions { LimitsMemory = "4Gi,rootless=true" }; }, "EnsureBuilder: Kubernetes.LimitsMemory '4Gi,rootless=true' is not a value the kubernetes driver reads;"),
        Ensure("kubernetes image set twice", s => { s.Driver = BuilderDriver.Kubernetes; s.DriverOptions["image"] = "a/buildkit:1"; s.Kubernetes = new KubernetesDriverOptions { Image = "b/buildkit:1" }; }, "EnsureBuilder: DriverOptions['image'] is also set by Kubernetes; expected one of the two."),

        // Files, waits and platform lists
        Ensure("missing buildkitd.toml", s => s.BuildkitdConfig = "conf/buildkitd.toml", "EnsureBuilder: BuildkitdConfig '", "/conf/buildkitd.toml' does not exist; expected a buildkitd.toml file"),
        Ensure("negative lock timeout", s => s.LockTimeout = TimeSpan.FromSeconds(-1), "EnsureBuilder: LockTimeout is -00:00:01; expected zero or more"),
        Ensure("required platform twice", s => { s.RequiredPlatforms.Add("linux/arm64"); s.RequiredPlatforms.Add("linux/arm64/v8"); }, "EnsureBuilder: RequiredPlatforms lists linux/arm64 more than once (linux/arm64/v8 is linux/arm64); expected each platform once."),
        Ensure("node platform twice", s => { s.NodePlatforms.Add("linux/amd64"); s.NodePlatforms.Add("linux/x86_64"); }, "EnsureBuilder: NodePlatforms lists linux/amd64 more than once"),

        // Appended nodes
        Ensure("node without a name", s => s.AppendNodes.Add(new BuilderNodeSettings { Endpoint = "ssh://arm64-host" }), "EnsureBuilder: AppendNodes has a node with no Name (endpoint 'ssh://arm64-host'); the name is how an existing node is recognised."),
        Ensure("node name starting with a dash", s => s.AppendNodes.Add(BuilderNodeSettings.Native("-arm", "linux/arm64", "ssh://arm64-host")), "EnsureBuilder: AppendNodes[0].Name '-arm' is not a node name; expected a letter, then letters, digits, '.', '_' or '-' (buildx's rule), such as 'arm64-native'."),
        Ensure("node names equal but for case", s => { s.AppendNodes.Add(BuilderNodeSettings.Native("Arm", "linux/arm64", "ssh://a")); s.AppendNodes.Add(BuilderNodeSettings.Native("arm", "linux/arm64", "ssh://b")); }, "EnsureBuilder: AppendNodes names 'Arm' more than once; each node name must be unique (buildx compares them without case)."),
        Ensure("remote node without endpoint", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "tcp://a:1234"; s.AppendNodes.Add(new BuilderNodeSettings { Name = "arm" }); }, "EnsureBuilder: AppendNodes[0].Endpoint is not set, and the remote driver needs one for each node"),
        Ensure("remote node endpoint that is a flag", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "tcp://a:1234"; s.AppendNodes.Add(new BuilderNodeSettings { Name = "arm", Endpoint = "--leave" }); }, "EnsureBuilder: AppendNodes[0].Endpoint '--leave' is not a BuildKit address for the remote driver;"),
        Ensure("kubernetes node with an endpoint", s => { s.Driver = BuilderDriver.Kubernetes; s.AppendNodes.Add(new BuilderNodeSettings { Name = "arm", Endpoint = "ssh://arm" }); }, "EnsureBuilder: AppendNodes[0].Endpoint 'ssh://arm' is set, but the kubernetes driver takes none;"),
        Ensure("node driver option key that is a flag", s => s.AppendNodes.Add(new BuilderNodeSettings { Name = "arm", DriverOptions = { ["--use"] = "x" } }), "EnsureBuilder: AppendNodes[0].DriverOptions key '--use' is not a driver option;"),
        Ensure("kubernetes node on a remote builder", s => { s.Driver = BuilderDriver.Remote; s.Endpoint = "tcp://a:1234"; s.AppendNodes.Add(BuilderNodeSettings.KubernetesNative("arm", "linux/arm64")); }, "EnsureBuilder: AppendNodes[0].Endpoint is not set, and the remote driver needs one", "EnsureBuilder: AppendNodes[0].Kubernetes options are set, but Driver is Remote; expected Driver = Kubernetes"),
        Ensure("appended node platform twice", s => s.AppendNodes.Add(new BuilderNodeSettings { Name = "arm", Platforms = { "linux/arm64", "linux/aarch64" } }), "EnsureBuilder: AppendNodes[0].Platforms lists linux/arm64 more than once"),
        Ensure("null node", s => s.AppendNodes.Add(null!), "EnsureBuilder: AppendNodes[0] is null; expected a BuilderNodeSettings."),
        new("null settings", (bed, _) => bed.Cake.Context.EnsureBuilder(null!), typeof(ArgumentNullException), "settings"),

        // RemoveBuilder: a name buildx would read as a flag removes other builders
        Remove("remove --all-inactive", "--all-inactive", "RemoveBuilder: name '--all-inactive' is not a builder name; expected a letter, then letters, digits, '.', '_' or '-' (buildx's rule), such as 'multiarch'. Nothing was removed."),
        Remove("remove -f", "-f", "RemoveBuilder: name '-f' is not a builder name;"),
        Remove("remove default", "default", "RemoveBuilder: name 'default' cannot be removed; expected the name of a builder you created (the 'default' builder belongs to the docker engine)."),
        Remove("remove empty name", string.Empty, "RemoveBuilder: name '' cannot be removed;"),
        Remove("remove null name", null!, "RemoveBuilder: name '' cannot be removed;"),
        Remove("remove name with a space", "my builder", "RemoveBuilder: name 'my builder' is not a builder name;"),
        Remove("remove name starting with a digit", "1builder", "RemoveBuilder: name '1builder' is not a builder name;"),
        Remove("remove two names in one", "a b --all-inactive", "RemoveBuilder: name 'a b --all-inactive' is not a builder name;"),

        // BuildxVersion: the docker it would run is not there
        new("version with a missing docker", (bed, _) => bed.Cake.Context.BuildxVersion(new BuildxVersionSettings { ToolPath = bed.Dir.Combine("no", "docker") }), typeof(CakeException), "BuildxVersion: ToolPath '", "/no/docker' does not exist; expected the docker executable (with the buildx plugin), or ToolPath unset to find docker on PATH."),
        new("version with a folder as docker", (bed, _) => bed.Cake.Context.BuildxVersion(new BuildxVersionSettings { ToolPath = bed.Dir.Path }), typeof(CakeException), "BuildxVersion: ToolPath '", "' does not exist; expected the docker executable"),
        new("version with null settings", (bed, _) => new BuildxVersionRunner(bed.Cake.FileSystem, bed.Cake.Environment, bed.Cake.ProcessRunner, bed.Cake.Tools, bed.Cake.Log.Log).Run(null!), typeof(ArgumentNullException), "settings"),
        new("remove with a missing docker", (bed, _) => bed.Cake.Context.RemoveBuilder("multiarch", new RemoveBuilderSettings { ToolPath = bed.Dir.Combine("no", "docker") }), typeof(CakeException), "RemoveBuilder: ToolPath '", "/no/docker' does not exist;"),
        Ensure("ensure with a missing docker", s => s.ToolPath = "/nonexistent/bin/docker", "EnsureBuilder: ToolPath '/nonexistent/bin/docker' does not exist; expected the docker executable"),
    ];

    public static TheoryData<string> CaseNames => new(Cases.Select(c => c.Name));

    [Fact]
    public void Should_Hold_At_Least_Thirty_Five_Distinct_Cases()
    {
        Assert.True(Cases.Length >= 35, $"{Cases.Length} cases");
        Assert.Equal(Cases.Length, Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Should_Throw_A_Clear_Exception_Before_Docker_Starts_When_Input_Is_Bad(string name)
    {
        // Given
        var @case = Cases.Single(c => c.Name == name);
        using var bed = new Bed();
        var locks = LockFiles();

        // When
        var ex = Record.Exception(() => @case.Act(bed, bed.Settings()));

        // Then
        Assert.NotNull(ex);
        Assert.IsType(@case.Exception, ex);
        foreach (var fragment in @case.Fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }

        Assert.Empty(bed.Docker.Calls);
        Assert.False(Directory.Exists(bed.DockerConfig), "nothing may be written to DOCKER_CONFIG");
        Assert.Equal(locks, LockFiles());
    }

    private static string[] LockFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cake-multiarch-locks");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*-bad-input-*").Order(StringComparer.Ordinal).ToArray() : [];
    }

    private static Case Ensure(string name, Action<EnsureBuilderSettings> make, params string[] fragments) =>
        new(name, (bed, settings) => { make(settings); bed.Cake.Context.EnsureBuilder(settings); }, typeof(CakeException), fragments);

    private static Case Remove(string name, string builder, params string[] fragments) =>
        new(name, (bed, _) => bed.Cake.Context.RemoveBuilder(builder, new RemoveBuilderSettings { ToolPath = bed.Docker.Path, DockerConfig = bed.DockerConfig }), typeof(CakeException), fragments);

    private sealed record Case(string Name, Action<Bed, EnsureBuilderSettings> Act, Type Exception, params string[] Fragments);

    private sealed class Bed : IDisposable
    {
        public Bed()
        {
            Cake = new TestCakeContext(Dir.Path);
            DockerConfig = Dir.Combine("docker-config");
            Docker.On(string.Empty, stderr: "bad-input test: docker must not start\n", exitCode: 99); // the fake exists, and fails any call
        }

        public TempDirectory Dir { get; } = new();

        public FakeDocker Docker { get; } = new();

        public TestCakeContext Cake { get; }

        public string DockerConfig { get; }

        public EnsureBuilderSettings Settings() => new() { Name = "bad-input-" + Guid.NewGuid().ToString("N")[..8], ToolPath = Docker.Path, DockerConfig = DockerConfig };

        public void Dispose()
        {
            Docker.Dispose();
            Dir.Dispose();
        }
    }
}
