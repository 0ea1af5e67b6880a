using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>Scale-out builders: typed kubernetes options and native nodes per architecture, as argv through a fake docker: argv-only because there is no kubernetes cluster here (issue 20 made the docker-container and remote drivers real, not this one).</summary>
public sealed class KubernetesDriverOptionsTests
{
    public sealed class TheToDriverOptionsMethod
    {
        [Theory]
        [InlineData("Namespace", "buildkit", "namespace=buildkit")]
        [InlineData("Replicas", 3, "replicas=3")]
        [InlineData("RequestsCpu", "500m", "requests.cpu=500m")]
        [InlineData("RequestsMemory", "1Gi", "requests.memory=1Gi")]
        [InlineData("LimitsCpu", "2", "limits.cpu=2")]
        [InlineData("LimitsMemory", "4Gi", "limits.memory=4Gi")]
        [InlineData("Rootless", true, "rootless=true")]
        [InlineData("LoadBalance", KubernetesLoadBalance.Random, "loadbalance=random")]
        [InlineData("Image", "mirror.example.com/moby/buildkit:buildx-stable-1", "image=mirror.example.com/moby/buildkit:buildx-stable-1")]
        public void Should_Map_Each_Property_To_One_Driver_Option(string property, object value, string expected)
        {
            // Given
            var options = new KubernetesDriverOptions();
            typeof(KubernetesDriverOptions).GetProperty(property)!.SetValue(options, value);

            // When
            var pairs = options.ToDriverOptions();

            // Then
            var pair = Assert.Single(pairs);
            Assert.Equal(expected, $"{pair.Key}={pair.Value}");
        }

        [Fact]
        public void Should_Pin_A_Copy_And_Leave_The_Callers_Options_Alone_When_Making_A_Native_Node()
        {
            // Given
            var shared = new KubernetesDriverOptions { Namespace = "buildkit" };

            // When
            var arm64 = BuilderNodeSettings.KubernetesNative("k8s-arm64", "linux/arm64", shared);
            var amd64 = BuilderNodeSettings.KubernetesNative("k8s-amd64", "linux/amd64", shared);

            // Then
            Assert.Empty(shared.NodeSelector);
            Assert.Equal(["namespace=buildkit", "nodeselector=kubernetes.io/arch=arm64"], arm64.Kubernetes!.ToDriverOptions().Select(p => $"{p.Key}={p.Value}"));
            Assert.Equal(["namespace=buildkit", "nodeselector=kubernetes.io/arch=amd64"], amd64.Kubernetes!.ToDriverOptions().Select(p => $"{p.Key}={p.Value}"));
            Assert.Equal(["linux/arm64"], arm64.Platforms.Select(p => p.ToString()));
        }

        [Fact]
        public void Should_Give_No_Options_When_Nothing_Is_Set() => Assert.Empty(new KubernetesDriverOptions().ToDriverOptions());

        [Fact]
        public void Should_Set_Every_Public_Setting_To_Some_Option()
        {
            // One reflection check: a property added without its mapping fails here.
            var settable = typeof(KubernetesDriverOptions).GetProperties().Where(p => p.SetMethod?.IsPublic == true).Select(p => p.Name).Append("NodeSelector").Order();
            Assert.Equal(["Image", "LimitsCpu", "LimitsMemory", "LoadBalance", "Namespace", "NodeSelector", "Replicas", "RequestsCpu", "RequestsMemory", "Rootless"], settable);
        }
    }

    public sealed class TheEnsureBuilderAlias : IDisposable
    {
        private readonly FakeDocker _docker = new();
        private readonly TempDirectory _dir = new();

        [Fact]
        public void Should_Create_One_Builder_Spanning_Native_Amd64_And_Arm64_Pods()
        {
            // Given
            _docker.On("buildx inspect", stderr: "ERROR: no builder \"k8s\" found\n", exitCode: 1, times: 1)
                .On("buildx ls", stdout: BuilderData.Output("buildx-0.13-ls.txt"))
                .On("buildx version", stdout: BuilderData.Output("buildx-0.13-version.txt"))
                .On("buildx create")
                .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt").Replace("multi", "k8s", StringComparison.Ordinal));
            var amd64 = new KubernetesDriverOptions { Namespace = "buildkit", Replicas = 2, RequestsCpu = "1", RequestsMemory = "2Gi", LimitsCpu = "2", LimitsMemory = "4Gi", Rootless = true, LoadBalance = KubernetesLoadBalance.Sticky, Image = "mirror.example.com/moby/buildkit:buildx-stable-1-rootless" };
            amd64.NodeSelector["kubernetes.io/arch"] = "amd64";
            amd64.NodeSelector["pool"] = "builders";
            var settings = new EnsureBuilderSettings
            {
                Name = "k8s",
                Driver = BuilderDriver.Kubernetes,
                Kubernetes = amd64,
                NodePlatforms = { "linux/amd64" },
                AppendNodes = { BuilderNodeSettings.KubernetesNative("k8s-arm64", "linux/arm64", new KubernetesDriverOptions { Namespace = "buildkit" }) },
                ToolPath = _docker.Path,
                DockerConfig = _dir.Combine("docker-config"),
            };

            // When
            new TestCakeContext(_dir.Path).Context.EnsureBuilder(settings);

            // Then
            var calls = _docker.Calls.Select(c => c.ToArray()).ToArray();
            Assert.Equal(
                ["buildx", "create", "--bootstrap", "--driver", "kubernetes",
                 "--driver-opt", "image=mirror.example.com/moby/buildkit:buildx-stable-1-rootless", "--driver-opt", "namespace=buildkit", "--driver-opt", "replicas=2",
                 "--driver-opt", "requests.cpu=1", "--driver-opt", "requests.memory=2Gi", "--driver-opt", "limits.cpu=2", "--driver-opt", "limits.memory=4Gi",
                 "--driver-opt", "rootless=true", "--driver-opt", "\"nodeselector=kubernetes.io/arch=amd64,pool=builders\"", "--driver-opt", "loadbalance=sticky",
                 "--name", "k8s", "--platform", "linux/amd64", "--use"],
                calls[3]);
            Assert.Equal(
                ["buildx", "create", "--append", "--driver-opt", "namespace=buildkit", "--driver-opt", "nodeselector=kubernetes.io/arch=arm64", "--name", "k8s", "--node", "k8s-arm64", "--platform", "linux/arm64"],
                calls[4]);
        }

        [Fact]
        public void Should_Append_A_Native_Ssh_Node_Per_Architecture_To_A_Remote_Builder()
        {
            _docker.On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt"), times: 1)
                .On("buildx use")
                .On("buildx create --append")
                .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt"));
            var settings = new EnsureBuilderSettings
            {
                Name = "multi",
                Driver = BuilderDriver.Remote,
                Endpoint = "unix:///run/buildkit/buildkitd.sock",
                AppendNodes = { BuilderNodeSettings.Native("riscv64-board", "linux/riscv64", "ssh://build@riscv64-host") },
                ToolPath = _docker.Path,
                DockerConfig = _dir.Combine("docker-config"),
            };

            new TestCakeContext(_dir.Path).Context.EnsureBuilder(settings);

            Assert.Equal(["buildx", "create", "--append", "--name", "multi", "--node", "riscv64-board", "--platform", "linux/riscv64", "--", "ssh://build@riscv64-host"], _docker.Calls[2]);
        }

        public void Dispose()
        {
            _docker.Dispose();
            _dir.Dispose();
        }
    }
}
