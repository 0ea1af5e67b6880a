using System.Formats.Tar;
using System.Text;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The addin as Cake users install it: packed into a .nupkg, then loaded by the real
/// <c>dotnet cake</c> with <c>#addin nuget:file://FOLDER?package=Cake.MultiArch&amp;version=X</c>,
/// every alias called once, and a zstd-layer image verified (the bundled ZstdSharp loads from the
/// package's own folder).
/// </summary>
[Collection("registry")]
public sealed class PackageTests(RegistryBed bed)
{
    [Fact]
    public async Task Should_Install_The_Package_With_Addin_And_Run_Every_Alias()
    {
        // Given
        bed.Require();
        using var dir = new TempDirectory();
        var (feed, version) = PackedPackages.Value;

        // A zstd-compressed single-platform image (this machine's /bin/busybox, amd64) in the real registry.
        var (image, pinned) = await PushZstdImageAsync("cma/zstd", "1");

        using var docker = new FakeDocker();
        docker.On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"))
            .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal))
            .On("buildx use")
            .On("buildx rm")
            .On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        dir.WriteFile("app/Dockerfile", BuildxHarness.Dockerfile);
        var script = dir.WriteFile("build.cake", $$"""
            #addin nuget:file://{{feed}}?package=Cake.MultiArch&version={{version}}
            Information("ADDIN_FILE=" + typeof(Platform).Assembly.Location);
            var docker = "{{docker.Path}}";
            var qemu = RegisterQemu(new RegisterQemuSettings { Platforms = { "linux/amd64" } });
            Information("QEMU=" + qemu.Platforms.Count);
            Information("BUILDX=" + BuildxVersion(new BuildxVersionSettings { ToolPath = docker }).Version);
            var builder = EnsureBuilder(new EnsureBuilderSettings { Name = "multiarch", RequiredPlatforms = { "linux/amd64", "linux/arm64" }, ToolPath = docker });
            Information("BUILDER=" + builder.Name + "/" + builder.Driver);
            var build = BuildxBuild("./app", s => s.WithPlatform("linux/amd64", "linux/arm64").WithTag("127.0.0.1:5001/tb/hello:1").WithPush().WithToolPath(docker));
            Information("DIGEST=" + build.Digest);
            Information("REMOVED=" + RemoveBuilder("multiarch", new RemoveBuilderSettings { ToolPath = docker }));
            var report = VerifyManifest(new VerifyManifestSettings { Image = "{{image}}", ExpectedPlatforms = { "linux/amd64" }, Deep = true });
            Information("VERIFIED=" + report.Platforms.Count);
            var reports = VerifyManifests(new[] { "{{image}}" }, new VerifyManifestSettings { ExpectedPlatforms = { "linux/amd64" } });
            Information("VERIFIED-MANY=" + reports.Count);
            var pushed = ReadPushedImage(new ReadPushedImageSettings { Image = "{{pinned}}" });
            Information("READ=" + pushed.Platforms.Count);
            var promoted = PromoteImage(new PromoteImageSettings { Source = pushed.Image, Tags = { "{{image}}-promoted" } });
            Information("PROMOTED=" + promoted.Tags[0].Kind);
            var merged = MergeImages(new MergeImagesSettings { Repository = pushed.Image.Split('@')[0], Images = { pushed.Image }, ExpectedPlatforms = { "linux/amd64" }, Deep = false });
            Information("MERGED=" + merged.Digest.StartsWith("sha256:"));
            var record = WritePublishRecord(new PublishRecord(pushed.Image.Split('@')[0], pushed.Platforms[0].Platform, pushed.Platforms[0].Digest, pushed.Platforms[0].AttestationDigest, "default", DateTimeOffset.UtcNow), "records");
            Information("RECORD=" + System.IO.File.Exists(record.FullPath));
            var meta = ImageMetadata(new ImageMetadataSettings { Images = { "registry.example.com/team/app" }, RepositoryPath = ".", Ref = "refs/tags/v1.2.3", Sha = "0123456789abcdef0123456789abcdef01234567", DefaultBranch = "main", EventName = "push" });
            Information("META=" + string.Join(",", meta.Tags));
            var check = CheckDockerfile("./app/Dockerfile", new CheckDockerfileSettings { Platforms = { "linux/amd64", "linux/arm64" }, CheckBaseImages = false });
            Information("CHECKED=" + check.Findings.Count);
            """);

        // When
        var (exitCode, output) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "tool", "run", "dotnet-cake", script);

        // Then
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"^0\.1\.0(-preview\.0\.\d+)?$", version);
        Assert.True(File.Exists(Path.Combine(dir.Path, "tools", "Addins", $"Cake.MultiArch.{version}", "lib", "net10.0", "ZstdSharp.dll")), "the bundled dependency comes with the package");

        // Cake chose the package's copy for this machine (NuGet's RID rules): the ReadyToRun one on
        // x64 or arm64 Linux, beside its own ZstdSharp.dll (the zstd image below is verified with it).
        var installed = Path.Combine(dir.Path, "tools", "Addins", $"Cake.MultiArch.{version}");
        var copy = PackedPackages.CopyFor(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture);
        Assert.Contains("ADDIN_FILE=" + Path.Combine(installed, copy, "Cake.MultiArch.dll") + "\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(installed, copy, "ZstdSharp.dll")), output);
        Assert.Contains("QEMU=1", output, StringComparison.Ordinal);
        Assert.Contains("BUILDX=0.10.5", output, StringComparison.Ordinal);
        Assert.Contains("BUILDER=multiarch/docker-container", output, StringComparison.Ordinal);
        Assert.Contains("DIGEST=sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", output, StringComparison.Ordinal);
        Assert.Contains("REMOVED=True", output, StringComparison.Ordinal);
        Assert.Contains("VERIFIED=1", output, StringComparison.Ordinal);
        Assert.Contains("VERIFIED-MANY=1", output, StringComparison.Ordinal);
        Assert.Contains("binaries checked", output, StringComparison.Ordinal);
        Assert.Contains("READ=1", output, StringComparison.Ordinal);
        Assert.Contains("PROMOTED=Created", output, StringComparison.Ordinal);
        Assert.Contains("MERGED=True", output, StringComparison.Ordinal);
        Assert.Contains("RECORD=True", output, StringComparison.Ordinal);
        Assert.Contains("META=registry.example.com/team/app:v1.2.3,registry.example.com/team/app:latest", output, StringComparison.Ordinal);
        Assert.Contains("CHECKED=0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Publish_For_Real_With_The_Recipe_Package_Loaded_From_A_Feed()
    {
        // Given: the engine and the test bed's registry; a script with the one #load line the
        // README gives, pointed at a folder feed (CAKE_NUGET_SOURCE makes the recipe's own
        // #addin of Cake.MultiArch find the addin there too).
        await RequireEngineAsync();
        var (feed, version) = PackedPackages.Value;
        using var dir = new TempDirectory();
        dir.WriteFile("Dockerfile", "ARG BASE_IMAGE=127.0.0.1:5000/testbed/busybox:1\nFROM ${BASE_IMAGE}\nRUN echo \"built on $(uname -m)\" > /built.txt\nCMD [\"/bin/cat\", \"/built.txt\"]\n");
        var script = dir.WriteFile("build.cake", $"#load nuget:file://{feed}?package=Cake.MultiArch.Recipe&version={version}\nRunTarget(Argument(\"target\", \"Publish\"));\n");
        var repository = $"pkg-{Guid.NewGuid():N}"[..16] + "/app";

        // When
        var (exitCode, output) = TestBed.RunIn(TimeSpan.FromMinutes(8), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string> { ["CAKE_NUGET_SOURCE"] = $"file://{feed}" },
            "tool", "run", "dotnet-cake", script, "--target=Publish", $"--image={TestBedRegistry}/{repository}:1.0");

        // Then: both packages came from the feed, and the recipe built, verified and only then tagged.
        Assert.True(exitCode == 0, output);
        Assert.True(File.Exists(Path.Combine(dir.Path, "tools", "Addins", $"Cake.MultiArch.{version}", "lib", "net10.0", "Cake.MultiArch.dll")), output);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "tools", $"Cake.MultiArch.Recipe.{version}")), output);
        Assert.Matches($@"VerifyManifest: {System.Text.RegularExpressions.Regex.Escape($"{TestBedRegistry}/{repository}")}@sha256:[0-9a-f]{{64}} serves linux/amd64,linux/arm64, binaries checked\.", output);
        Assert.Contains($"PromoteImage: {TestBedRegistry}/{repository}", output, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{TestBedRegistry}/v2/{repository}/manifests/1.0");
        request.Headers.TryAddWithoutValidation("Accept", EngineBed.IndexAccept);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Should_Build_And_Pack_Both_Packages_With_The_Readmes_Pipeline_Command()
    {
        // Given / When: the README's `dotnet cake build/build.cake --target=Pack` (run once for every test that needs the Release build)
        var addin = ReleaseAddin.Ensure();

        // Then
        Assert.True(File.Exists(addin), addin);
        var packages = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "artifacts"), "*.nupkg").Select(Path.GetFileName).ToArray();
        Assert.Single(packages, p => p!.StartsWith("Cake.MultiArch.0.", StringComparison.Ordinal));
        Assert.Single(packages, p => p!.StartsWith("Cake.MultiArch.Recipe.0.", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Carry_The_Cake_Addin_Metadata_In_The_Package()
    {
        // Given
        var (feed, version) = PackedPackages.Value;
        var nupkg = Path.Combine(feed, $"Cake.MultiArch.{version}.nupkg");

        // When
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        var nuspec = System.Xml.Linq.XDocument.Load(zip.GetEntry("Cake.MultiArch.nuspec")!.Open());
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        string Meta(string name) => metadata.Element(ns + name)?.Value ?? string.Empty;
        using var icon = new MemoryStream();
        zip.GetEntry("icon.png")!.Open().CopyTo(icon);
        using var readmeReader = new StreamReader(zip.GetEntry("README.md")!.Open());
        var readme = readmeReader.ReadToEnd();

        // Then
        Assert.Equal(["cake-addin", "cake", "cake-build", "addin"], Meta("tags").Split(' ').Take(4));
        Assert.Equal("MIT", Meta("license"));
        Assert.Equal("icon.png", Meta("icon"));
        Assert.Equal("README.md", Meta("readme"));
        Assert.StartsWith("https://", Meta("projectUrl"), StringComparison.Ordinal);
        Assert.StartsWith("https://", metadata.Element(ns + "repository")!.Attribute("url")!.Value, StringComparison.Ordinal);
        Assert.Contains("## 0.1.0", Meta("releaseNotes"), StringComparison.Ordinal);
        Assert.Empty(metadata.Element(ns + "dependencies")!.Descendants(ns + "dependency"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], icon.ToArray().Take(4));
        Assert.Equal(128, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(icon.ToArray().AsSpan(16, 4)));
        Assert.NotNull(zip.GetEntry("lib/net10.0/Cake.MultiArch.xml"));
        Assert.NotNull(zip.GetEntry("lib/net10.0/ZstdSharp.dll"));
        Assert.Null(zip.GetEntry("lib/net10.0/Cake.Core.dll"));
        Assert.Null(zip.GetEntry("lib/net10.0/Cake.Common.dll"));

        // The readme nuget.org shows: the repository's README with every relative link made absolute
        Assert.Contains($"]({Meta("projectUrl")}/blob/main/docs/preflight.md)", readme, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\]\((?!https?:|mailto:|#)[^)]+\)", readme);
        Assert.Equal(File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "README.md")).Length, readme.TrimEnd('\n').Split('\n').Length);
    }

    private const string TestBedRegistry = "127.0.0.1:5000";

    private static async Task RequireEngineAsync()
    {
        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail("docker with the buildx plugin is not available (tests/testbed/setup.sh installs and starts it): " + output.Trim());
        }

        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync($"http://{TestBedRegistry}/v2/testbed/busybox/manifests/1", TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                TestPaths.SkipOrFail($"the test bed's registry at {TestBedRegistry} has no base image testbed/busybox:1 (tests/testbed/setup.sh pushes it)");
            }
        }
        catch (HttpRequestException ex)
        {
            TestPaths.SkipOrFail($"the test bed's registry does not answer at {TestBedRegistry} ({ex.Message}); run tests/testbed/setup.sh");
        }
    }

    private async Task<(string Tagged, string Pinned)> PushZstdImageAsync(string repository, string tag)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { DataStream = new MemoryStream(File.ReadAllBytes("/bin/busybox")), Mode = UnixFileMode.UserRead | UnixFileMode.UserExecute });
        }

        byte[] layer;
        using (var packed = new MemoryStream())
        {
            using (var zstd = new ZstdSharp.CompressionStream(packed))
            {
                zstd.Write(tar.ToArray());
            }

            layer = packed.ToArray();
        }

        using var http = new HttpClient();
        var layerDigest = await bed.PushBlobAsync(http, repository, layer);
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Cmd\":[\"/bin/busybox\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{RegistryBed.Digest(tar.ToArray())}\"]}}}}");
        var configDigest = await bed.PushBlobAsync(http, repository, config);
        var manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{configDigest}\",\"size\":{config.Length}}},"
            + $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"{layerDigest}\",\"size\":{layer.Length}}}]}}");
        var digest = await bed.PutManifestAsync(http, repository, tag, manifest, "application/vnd.oci.image.manifest.v1+json");
        return ($"{bed.Open}/{repository}:{tag}", $"{bed.Open}/{repository}@{digest}");
    }
}
