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
        // Given: the package, packed by this repository's own project (a configuration of its own,
        // so a concurrent Release build elsewhere cannot collide with it).
        bed.Require();
        using var dir = new TempDirectory();
        var feed = dir.Combine("feed");
        var (packExit, packOutput) = TestBed.RunIn(
            "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
            "pack", "src/Cake.MultiArch/Cake.MultiArch.csproj", "--configuration", "PackageTest", "--output", feed, "-p:ContinuousIntegrationBuild=true");
        Assert.True(packExit == 0, packOutput);
        var nupkg = Assert.Single(Directory.GetFiles(feed, "Cake.MultiArch.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(nupkg)["Cake.MultiArch.".Length..];

        // A zstd-compressed single-platform image (this machine's /bin/busybox, amd64) in the real registry.
        var image = await PushZstdImageAsync("cma/zstd", "1");

        using var docker = new FakeDocker();
        docker.On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"))
            .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal))
            .On("buildx use")
            .On("buildx rm")
            .On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        dir.WriteFile("app/Dockerfile", BuildxHarness.Dockerfile);
        var script = dir.WriteFile("build.cake", $$"""
            #addin nuget:file://{{feed}}?package=Cake.MultiArch&version={{version}}
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
            """);

        // When
        var (exitCode, output) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "tool", "run", "dotnet-cake", script);

        // Then
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"^0\.1\.0(-preview\.0\.\d+)?$", version);
        Assert.True(File.Exists(Path.Combine(dir.Path, "tools", "Addins", $"Cake.MultiArch.{version}", "lib", "net10.0", "ZstdSharp.dll")), "the bundled dependency comes with the package");
        Assert.Contains("QEMU=1", output, StringComparison.Ordinal);
        Assert.Contains("BUILDX=0.10.5", output, StringComparison.Ordinal);
        Assert.Contains("BUILDER=multiarch/docker-container", output, StringComparison.Ordinal);
        Assert.Contains("DIGEST=sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", output, StringComparison.Ordinal);
        Assert.Contains("REMOVED=True", output, StringComparison.Ordinal);
        Assert.Contains("VERIFIED=1", output, StringComparison.Ordinal);
        Assert.Contains("VERIFIED-MANY=1", output, StringComparison.Ordinal);
        Assert.Contains("binaries checked", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Carry_The_Cake_Addin_Metadata_In_The_Package()
    {
        // Given
        using var dir = new TempDirectory();
        var (packExit, packOutput) = TestBed.RunIn(
            "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
            "pack", "src/Cake.MultiArch/Cake.MultiArch.csproj", "--configuration", "PackageMeta", "--output", dir.Path);
        Assert.True(packExit == 0, packOutput);
        var nupkg = Assert.Single(Directory.GetFiles(dir.Path, "Cake.MultiArch.*.nupkg"));

        // When
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        var nuspec = System.Xml.Linq.XDocument.Load(zip.GetEntry("Cake.MultiArch.nuspec")!.Open());
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        string Meta(string name) => metadata.Element(ns + name)?.Value ?? string.Empty;
        using var icon = new MemoryStream();
        zip.GetEntry("icon.png")!.Open().CopyTo(icon);

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
    }

    private async Task<string> PushZstdImageAsync(string repository, string tag)
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
        await bed.PutManifestAsync(http, repository, tag, manifest, "application/vnd.oci.image.manifest.v1+json");
        return $"{bed.Open}/{repository}:{tag}";
    }
}
