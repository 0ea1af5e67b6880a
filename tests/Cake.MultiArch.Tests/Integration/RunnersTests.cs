using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.MergeImages;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.PushOciLayout;
using Cake.MultiArch.ReadPushedImage;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.RemoveBuilder;
using Cake.MultiArch.SignImage;
using Cake.MultiArch.VerifySignature;
using Cake.MultiArch.Tests.SignImage;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using Cake.MultiArch.WritePublishRecord;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// Every runner behind an alias is a plain public class a Cake.Frosting task can construct from
/// its context's parts and run, with no static state: each is constructed here exactly so and run
/// once (fake docker where no engine is needed, the real registry where one is).
/// </summary>
[Collection("registry")]
public sealed class RunnersTests(RegistryBed bed)
{
    private RegistryBed Bed => bed;

    private static readonly Type[] ContextParts = [typeof(IFileSystem), typeof(ICakeEnvironment), typeof(IProcessRunner), typeof(IToolLocator), typeof(ICakeLog), typeof(ICakeContext), typeof(DirectoryPath)];

    public static TheoryData<string> Runners => new(RunnerTypes().Select(t => t.Name));

    [Fact]
    public void Should_Cover_Every_Runner_Of_The_Addin()
    {
        // A runner added later must be run below too.
        Assert.Equal(RunnerTypes().Select(t => t.Name).Order(), Runs.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public void Should_Hold_No_Static_State(string runner)
    {
        // Given
        var type = RunnerTypes().Single(t => t.Name == runner);

        // When: static fields that can change (not const, not readonly), and static setters
        var mutable = type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.FlattenHierarchy)
            .Where(f => !f.IsLiteral && !f.IsInitOnly).Select(f => f.Name)
            .Concat(type.GetProperties(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic).Where(p => p.SetMethod is not null).Select(p => p.Name))
            .ToArray();

        // Then
        Assert.Empty(mutable);
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public void Should_Be_Constructed_From_A_Cake_Contexts_Parts(string runner)
    {
        // Given
        var type = RunnerTypes().Single(t => t.Name == runner);

        // When: a public constructor that takes only what a Frosting task's context has
        var constructors = type.GetConstructors().Where(c => c.GetParameters().All(p => p.IsOptional || ContextParts.Contains(p.ParameterType))).ToArray();

        // Then
        Assert.NotEmpty(constructors);
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public async Task Should_Run_When_Constructed_As_A_Frosting_Task_Would(string runner)
    {
        // Given
        bed.Require();
        using var dir = new TempDirectory();
        var cake = new TestCakeContext(dir.Path);
        var run = Runs[runner];

        // When
        var outcome = await run(this, cake, dir);

        // Then
        Assert.False(string.IsNullOrEmpty(outcome), runner);
    }

    private static readonly Dictionary<string, Func<RunnersTests, TestCakeContext, TempDirectory, Task<string>>> Runs = new()
    {
        [nameof(SignImageRunner)] = async (t, c, _) =>
        {
            using var s = await SigningRegistryTests.Signing.SetUpAsync(t.Bed);
            var settings = new SignImageSettings { Image = s.Image, Key = System.IO.Path.Combine(s.Folder, "cosign.key"), KeyPassword = s.Password, TlogUpload = false };
            settings.Registry.InsecureRegistries.Add("127.0.0.1:5000");
            var result = new SignImageRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(settings);
            Assert.Equal(3, result.Manifests.Count);
            return result.ToString()!;
        },
        [nameof(VerifySignatureRunner)] = async (t, c, _) =>
        {
            using var s = await SigningRegistryTests.Signing.SetUpAsync(t.Bed);
            s.Sign(s.Image);
            var settings = new VerifySignatureSettings { Image = s.Image, Key = System.IO.Path.Combine(s.Folder, "cosign.pub"), IgnoreTlog = true };
            settings.Registry.InsecureRegistries.Add("127.0.0.1:5000");
            var result = new VerifySignatureRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(settings);
            Assert.All(result.Manifests, m => Assert.Equal(1, m.Signatures));
            return result.ToString()!;
        },
        [nameof(RegisterQemuRunner)] = (_, c, _) =>
        {
            var result = new RegisterQemuRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new RegisterQemuSettings { Platforms = { Platform.Host } });
            Assert.Equal(QemuPlatformState.Native, Assert.Single(result.Platforms).State);
            return Task.FromResult(result.ToString());
        },
        [nameof(BuildxVersionRunner)] = (_, c, _) =>
        {
            using var docker = new FakeDocker().On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"));
            var version = new BuildxVersionRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new BuildxVersionSettings { ToolPath = docker.Path });
            Assert.Equal(new Version(0, 10, 5), version.Version);
            return Task.FromResult(version.ToString()!);
        },
        [nameof(EnsureBuilderRunner)] = (_, c, _) =>
        {
            using var docker = new FakeDocker()
                .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal))
                .On("buildx use");
            var builder = new EnsureBuilderRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new EnsureBuilderSettings { Name = "multiarch", RequiredPlatforms = { "linux/arm64" }, ToolPath = docker.Path });
            Assert.Equal("multiarch", builder.Name);
            return Task.FromResult(builder.ToString());
        },
        [nameof(RemoveBuilderRunner)] = (_, c, _) =>
        {
            using var docker = new FakeDocker().On("buildx rm");
            Assert.True(new RemoveBuilderRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run("multiarch", new RemoveBuilderSettings { ToolPath = docker.Path }));
            return Task.FromResult(string.Join(' ', docker.Calls.Single()));
        },
        [nameof(BuildxBuildRunner)] = (_, c, dir) =>
        {
            using var docker = new FakeDocker().On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt")).On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            dir.WriteFile("app/Dockerfile", BuildxHarness.Dockerfile);
            var result = new BuildxBuildRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log)
                .Run(new BuildxBuildSettings { Context = dir.Combine("app"), Push = true, ToolPath = docker.Path }.WithPlatform("linux/amd64", "linux/arm64").WithTag("127.0.0.1:5001/tb/hello:1"));
            Assert.Equal("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", result.Digest);
            return Task.FromResult(result.ToString());
        },
        [nameof(VerifyManifestRunner)] = (t, c, _) =>
        {
            var report = new VerifyManifestRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new VerifyManifestSettings { Image = t.Bed.Good, ExpectedPlatforms = { "linux/amd64", "linux/arm64" } });
            Assert.True(report.Passed);
            return Task.FromResult(report.ToString());
        },
        [nameof(ReadPushedImageRunner)] = async (t, c, _) =>
        {
            var pushed = new ReadPushedImageRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new ReadPushedImageSettings { Image = await t.GoodByDigestAsync() });
            Assert.Equal(2, pushed.Platforms.Count);
            return pushed.ToString();
        },
        [nameof(PushOciLayoutRunner)] = (t, c, dir) =>
        {
            var layout = OciLayout(dir);
            var pushed = new PushOciLayoutRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new PushOciLayoutSettings { Layout = layout, Repository = $"{t.Bed.Open}/cma/runners" });
            Assert.Equal("linux/amd64", Assert.Single(pushed.Platforms).Platform.ToString());
            return Task.FromResult(pushed.ToString());
        },
        [nameof(WritePublishRecordRunner)] = (_, c, dir) =>
        {
            var record = new PublishRecord("registry.example.com/team/app", "linux/arm64", "sha256:" + new string('a', 64), null, "default", DateTimeOffset.UtcNow);
            var file = new WritePublishRecordRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(record, "records");
            Assert.Equal(System.IO.Path.Combine(dir.Path, "records", "linux-arm64.json"), file.FullPath);
            return Task.FromResult(file.FullPath);
        },
        [nameof(PromoteImageRunner)] = async (t, c, _) =>
        {
            var tag = $"{t.Bed.Open}/cma/runners:promote-{Guid.NewGuid():N}";
            var result = new PromoteImageRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new PromoteImageSettings { Source = await t.GoodByDigestAsync(), Tags = { tag } });
            Assert.Equal(TagChangeKind.Created, Assert.Single(result.Tags).Kind);
            return result.ToString();
        },
        [nameof(MergeImagesRunner)] = async (t, c, _) =>
        {
            var result = new MergeImagesRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new MergeImagesSettings
            {
                Repository = $"{t.Bed.Open}/cma/good",
                Images = { await t.GoodByDigestAsync() },
                ExpectedPlatforms = { "linux/amd64", "linux/arm64" },
                Deep = false,
            });
            return result.ToString();
        },
        [nameof(CheckDockerfileRunner)] = (_, c, dir) =>
        {
            var dockerfile = dir.WriteFile("Dockerfile", "FROM scratch\nCOPY ${TARGETARCH}/app /app\n");
            var result = new CheckDockerfileRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(dockerfile, new CheckDockerfileSettings { Platforms = { "linux/amd64", "linux/arm64" } });
            Assert.Equal(DockerfileRules.PlatformArgNotDeclared, Assert.Single(result.Findings).RuleId);
            return Task.FromResult(result.ToString());
        },
        [nameof(ImageMetadataRunner)] = (_, c, dir) =>
        {
            var result = new ImageMetadataRunner(c.FileSystem, c.Environment, c.ProcessRunner, c.Tools, c.Log.Log).Run(new ImageMetadataSettings
            {
                Images = { "registry.example.com/team/app" },
                RepositoryPath = dir.Path,
                Ref = "refs/tags/v1.2.3",
                Sha = "0123456789abcdef0123456789abcdef01234567",
                DefaultBranch = "main",
                EventName = "push",
            });
            Assert.True(result.Tags.Contains("registry.example.com/team/app:v1.2.3"), result.ToString());
            return Task.FromResult(result.ToString());
        },
    };

    private static IEnumerable<Type> RunnerTypes() =>
        typeof(MultiArchAliases).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Runner", StringComparison.Ordinal))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static string OciLayout(TempDirectory dir)
    {
        // The smallest OCI layout a build writes: one manifest (a config, no layer) named by index.json.
        string Blob(string mediaType, string json)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(json);
            var digest = RegistryBed.Digest(bytes);
            dir.WriteFile($"layout/blobs/sha256/{digest[7..]}", json);
            return new System.Text.Json.Nodes.JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = bytes.Length }.ToJsonString();
        }

        var config = Blob("application/vnd.oci.image.config.v1+json", """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        var manifest = Blob(Cake.MultiArch.Registry.MediaTypes.OciManifest, $$"""{"schemaVersion":2,"mediaType":"{{Cake.MultiArch.Registry.MediaTypes.OciManifest}}","config":{{config}},"layers":[]}""");
        dir.WriteFile("layout/index.json", $$"""{"schemaVersion":2,"manifests":[{{manifest}}]}""");
        dir.WriteFile("layout/oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        return System.IO.Path.Combine(dir.Path, "layout");
    }

    private async Task<string> GoodByDigestAsync()
    {
        var (_, index) = await bed.GetAsync(bed.Open, "cma/good/manifests/oci", Cake.MultiArch.Registry.MediaTypes.OciIndex);
        return $"{bed.Open}/cma/good@{RegistryBed.Digest(index)}";
    }
}
