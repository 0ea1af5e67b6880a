using System.Formats.Tar;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// BuildxBuild and VerifyManifest through the aliases on the real engine: dockerd's <c>default</c>
/// builder (driver docker, containerd image store, QEMU for arm64) and a real registry. Images
/// are <c>FROM scratch</c> plus a static busybox per <c>$TARGETARCH</c>; each build takes seconds.
/// </summary>
public static class BuildEngineTests
{
    /// <summary>Copies the platform's busybox, then runs one RUN step per platform (emulated for arm64).</summary>
    internal const string UnameDockerfile = """
        FROM scratch
        ARG TARGETARCH
        COPY ${TARGETARCH}/busybox /bin/busybox
        RUN ["/bin/busybox", "sh", "-c", "/bin/busybox uname -m > /arch"]
        """;

    private const string Description = "Cake.MultiArch engine test image";

    private static readonly string[] TwoPlatforms = ["linux/amd64", "linux/arm64"];

    /// <summary>The two-platform build several tests look at: pushed with provenance max, an index annotation and a label.</summary>
    private sealed record PushedBuild(string Image, BuildxBuildResult Result, string Log);

    private static PushedBuild Pushed(EngineBed bed) => bed.Shared("pushed", () =>
    {
        var image = bed.Image("uname");
        var cake = bed.Cake();
        var result = cake.Context.BuildxBuild(bed.Context(UnameDockerfile), s => s
            .WithBuilder("default")
            .WithPlatform(TwoPlatforms)
            .WithTag(image)
            .WithProvenance(ProvenanceMode.Max)
            .WithAnnotation("index:org.opencontainers.image.description", Description)
            .WithLabel("org.example.engine-test", bed.Suffix)
            .WithPush());
        return new PushedBuild(image, result, cake.Log.All);
    });

    private static JsonNode[] Platforms(JsonNode index) =>
        index["manifests"]!.AsArray().Select(m => m!).Where(m => (string?)m["platform"]?["os"] != "unknown").ToArray();

    private static JsonNode[] AttestationManifests(JsonNode index) =>
        index["manifests"]!.AsArray().Select(m => m!).Where(m => (string?)m["annotations"]?["vnd.docker.reference.type"] == "attestation-manifest").ToArray();

    private static string Repository(EngineBed bed, string image) => bed.PathOf(image)[..bed.PathOf(image).LastIndexOf(':')];

    [Collection("engine")]
    public sealed class ThePushedTwoPlatformBuild(EngineBed bed)
    {
        [Fact]
        public async Task Should_Return_The_Digest_The_Registry_Serves_When_Two_Platforms_Are_Pushed()
        {
            // Given
            bed.Require();

            // When
            var pushed = Pushed(bed);
            var served = await bed.GetManifestAsync(bed.PathOf(pushed.Image), EngineBed.IndexAccept);

            // Then
            Assert.Equal(BuildxBuildResult.OciIndexMediaType, pushed.Result.MediaType);
            Assert.Equal(BuildxBuildResult.OciIndexMediaType, served.ContentType);
            Assert.Equal(served.DigestHeader, pushed.Result.Digest);
            Assert.Equal(served.BodyDigest, pushed.Result.Digest);
            Assert.Equal(["amd64", "arm64"], Platforms(served.Json).Select(m => (string)m["platform"]!["architecture"]!).Order());
            Assert.Equal([pushed.Image], pushed.Result.ImageNames);
        }

        [Fact]
        public void Should_Pass_The_Deep_Verification_When_Each_Platform_Holds_Its_Own_Busybox()
        {
            // Given
            bed.Require();
            var pushed = Pushed(bed);
            var cake = bed.Cake();
            var settings = new VerifyManifestSettings { Deep = true };
            foreach (var platform in pushed.Result.RequestedPlatforms)
            {
                settings.ExpectedPlatforms.Add(platform);
            }

            // When
            var report = cake.Context.VerifyManifest(pushed.Result, settings);

            // Then
            Assert.True(report.Passed, string.Join("\n", report.Problems));
            Assert.Equal(pushed.Result.Digest, report.Digest);
            Assert.Equal(2, report.AttestationManifests);
            Assert.Equal(
                [("linux/amd64", PlatformCheckStatus.Ok), ("linux/arm64", PlatformCheckStatus.Ok)],
                report.Platforms.Select(p => (p.Platform.ToString(), p.Status)));
            Assert.All(report.Platforms, p => Assert.Equal(1, p.ElfFiles));
            Assert.Contains($"serves linux/amd64,linux/arm64, binaries checked.", cake.Log.All, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("linux/amd64", "x86_64")]
        [InlineData("linux/arm64", "aarch64")]
        public void Should_Run_Each_Platform_And_Print_Its_Own_Machine_When_Run_With_That_Platform(string platform, string machine)
        {
            // Given
            bed.Require();
            var pushed = Pushed(bed);

            // When: the file the RUN step wrote at build time (under QEMU for arm64), then uname now.
            var (code, output) = TestBed.Run("docker", "run", "--rm", "--platform", platform, pushed.Image, "/bin/busybox", "sh", "-c", "/bin/busybox cat /arch; /bin/busybox uname -m");

            // Then
            Assert.True(code == 0, output);
            Assert.StartsWith($"{machine}\n{machine}\n", output, StringComparison.Ordinal); // stdout first; a pull writes to stderr
        }

        [Fact]
        public async Task Should_Attach_An_Attestation_Manifest_Per_Platform_When_Provenance_Is_Max()
        {
            // Given
            bed.Require();
            var pushed = Pushed(bed);

            // When
            var index = (await bed.GetManifestAsync(bed.PathOf(pushed.Image), EngineBed.IndexAccept)).Json;

            // Then
            var platformDigests = Platforms(index).Select(m => (string)m["digest"]!).Order().ToArray();
            var attestations = AttestationManifests(index);
            Assert.Equal(2, attestations.Length);
            Assert.All(attestations, a => Assert.Equal(("unknown", "unknown"), ((string?)a["platform"]!["os"], (string?)a["platform"]!["architecture"])));
            Assert.Equal(platformDigests, attestations.Select(a => (string)a["annotations"]!["vnd.docker.reference.digest"]!).Order());
            Assert.Contains("--provenance=mode=max", pushed.Log, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Put_The_Annotation_In_The_Pushed_Index_When_Its_Key_Has_The_Index_Prefix()
        {
            // Given
            bed.Require();
            var pushed = Pushed(bed);

            // When
            var index = (await bed.GetManifestAsync(bed.PathOf(pushed.Image), EngineBed.IndexAccept)).Json;

            // Then
            Assert.Equal(Description, (string?)index["annotations"]?["org.opencontainers.image.description"]);
        }

        [Fact]
        public async Task Should_Put_The_Label_In_Each_Platforms_Config_When_A_Label_Is_Set()
        {
            // Given
            bed.Require();
            var pushed = Pushed(bed);
            var repository = Repository(bed, pushed.Image);
            var index = (await bed.GetManifestAsync(bed.PathOf(pushed.Image), EngineBed.IndexAccept)).Json;

            // When
            var labels = new List<(string, string?)>();
            foreach (var entry in Platforms(index))
            {
                var manifest = (await bed.GetManifestAsync($"{repository}@{entry["digest"]}", EngineBed.ManifestAccept)).Json;
                var config = await bed.GetBlobJsonAsync(repository, (string)manifest["config"]!["digest"]!);
                labels.Add(((string)config["architecture"]!, (string?)config["config"]?["Labels"]?["org.example.engine-test"]));
            }

            // Then
            Assert.Equal([("amd64", bed.Suffix), ("arm64", bed.Suffix)], labels.Order());
        }
    }

    [Collection("engine")]
    public sealed class TheBuildxBuildMethod(EngineBed bed)
    {
        [Fact]
        public async Task Should_Push_An_Index_Without_Attestations_When_Provenance_Is_Disabled()
        {
            // Given
            bed.Require();
            var cake = bed.Cake();
            var image = bed.Image("no-provenance");
            var context = bed.Context("FROM scratch\nARG TARGETARCH\nCOPY ${TARGETARCH}/busybox /bin/busybox\n");

            // When
            var result = cake.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform(TwoPlatforms).WithTag(image).WithProvenance(ProvenanceMode.Disabled).WithPush());

            // Then
            var served = await bed.GetManifestAsync(bed.PathOf(image), EngineBed.IndexAccept);
            Assert.Equal(served.BodyDigest, result.Digest);
            Assert.Empty(AttestationManifests(served.Json));
            Assert.Equal(2, served.Json["manifests"]!.AsArray().Count);
        }

        [Fact]
        public void Should_Write_Both_Platforms_To_The_Archive_When_The_Output_Is_An_Oci_Archive()
        {
            // Given
            bed.Require();
            var cake = bed.Cake();
            var archive = Path.Combine(bed.WorkDirectory, $"oci-{Guid.NewGuid():N}.tar");
            var context = bed.Context("FROM scratch\nARG TARGETARCH\nCOPY ${TARGETARCH}/busybox /bin/busybox\n");

            // When
            var result = cake.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform(TwoPlatforms).WithOutput(BuildOutput.OciArchive(archive)));

            // Then: index.json names one image index, which lists both platforms.
            var blobs = ReadTar(archive);
            var top = JsonNode.Parse(blobs["index.json"])!;
            var entry = top["manifests"]!.AsArray().Single()!;
            Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)entry["mediaType"]);
            Assert.Equal((string)entry["digest"]!, result.Digest);
            var nested = JsonNode.Parse(blobs["blobs/sha256/" + ((string)entry["digest"]!)["sha256:".Length..]])!;
            Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(nested).Select(m => $"{m["platform"]!["os"]}/{m["platform"]!["architecture"]}").Order());
        }

        [Fact]
        public void Should_Load_The_Image_With_Its_Platform_When_One_Foreign_Platform_Is_Loaded()
        {
            // Given
            bed.Require();
            var cake = bed.Cake();
            var image = $"cake-multiarch-engine-load-{bed.Suffix}:arm64";
            var context = bed.Context("FROM scratch\nARG TARGETARCH\nCOPY ${TARGETARCH}/busybox /bin/busybox\n");

            // When
            cake.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform("linux/arm64").WithTag(image).WithLoad());

            // Then
            var (code, platform) = TestBed.Run("docker", "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", image);
            Assert.True(code == 0, platform);
            Assert.Equal("linux/arm64", platform.Trim());
        }

        [Fact]
        public void Should_Build_Only_The_Named_Stage_When_Target_Is_Set()
        {
            // Given
            bed.Require();
            var cake = bed.Cake();
            var output = Path.Combine(bed.WorkDirectory, $"target-{Guid.NewGuid():N}");
            var context = bed.Context("FROM scratch AS first\nCOPY first.txt /\n\nFROM scratch AS second\nCOPY second.txt /\n", ("first.txt", "first"), ("second.txt", "second"));

            // When
            cake.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform("linux/amd64").WithTarget("first").WithOutput(BuildOutput.LocalFolder(output)));

            // Then
            Assert.Equal(["first.txt"], Directory.GetFiles(output).Select(Path.GetFileName));
            Assert.Contains("BuildxBuild: building target 'first' for linux/amd64", cake.Log.All, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Copy_From_The_Named_Context_When_A_Build_Context_Is_Given()
        {
            // Given
            bed.Require();
            var cake = bed.Cake();
            var output = Path.Combine(bed.WorkDirectory, $"named-{Guid.NewGuid():N}");
            var extra = Path.Combine(bed.WorkDirectory, $"extra-{Guid.NewGuid():N}");
            Directory.CreateDirectory(extra);
            File.WriteAllText(Path.Combine(extra, "greeting.txt"), "from the named context " + bed.Suffix);
            var context = bed.Context("FROM scratch\nCOPY --from=extra greeting.txt /greeting.txt\n");

            // When
            cake.Context.BuildxBuild(context, s =>
            {
                s.WithBuilder("default").WithPlatform("linux/amd64").WithOutput(BuildOutput.LocalFolder(output));
                s.BuildContexts["extra"] = extra;
            });

            // Then
            Assert.Equal("from the named context " + bed.Suffix, File.ReadAllText(Path.Combine(output, "greeting.txt")));
        }

        [Fact]
        public void Should_Report_The_Steps_Cached_When_The_Registry_Cache_Is_Imported_After_A_Prune()
        {
            // Given: steps no build has run before (a fresh token), exported with mode=max.
            bed.Require();
            var token = Guid.NewGuid().ToString("N");
            var context = bed.Context(UnameDockerfile.Replace("uname -m > /arch", $"echo {token} > /token; /bin/busybox uname -m > /arch", StringComparison.Ordinal));
            var cache = bed.Image("cache", "buildcache-" + token[..8]);
            var cold = bed.Cake();
            cold.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform(TwoPlatforms).WithTag(bed.Image("cached", token[..8])).WithPush()
                .WithCacheTo(CacheEntry.Registry(cache, CacheMode.Max)).Progress = BuildProgress.Plain);
            var (pruneCode, pruned) = TestBed.Run("docker", "buildx", "prune", "--builder", "default", "-af");
            Assert.True(pruneCode == 0, pruned);

            // When
            var warm = bed.Cake();
            warm.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform(TwoPlatforms).WithTag(bed.Image("cached", token[..8])).WithPush()
                .WithCacheFrom(CacheEntry.Registry(cache)).Progress = BuildProgress.Plain);

            // Then: BuildKit prints "#N CACHED" for each step it did not run.
            Assert.Equal([false, false], RunSteps(cold.Log.All).Select(s => s.Cached));
            Assert.Equal([true, true], RunSteps(warm.Log.All).Select(s => s.Cached));
            Assert.Contains($"importing cache manifest from {cache}", warm.Log.All, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Warn_Before_The_Build_And_Pass_On_BuildKits_Error_When_The_Stage_Does_Not_Declare_TargetArch()
        {
            // Given: $TARGETARCH is empty after FROM without ARG, so COPY looks for /busybox.
            bed.Require();
            var cake = bed.Cake();
            var context = bed.Context("FROM scratch\nCOPY ${TARGETARCH}/busybox /bin/busybox\n");

            // When
            var error = Assert.Throws<CakeException>(() => cake.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform(TwoPlatforms).WithTag(bed.Image("trap-no-arg")).WithPush()));

            // Then
            var log = cake.Log.Lines.Select(l => l.Text).ToList();
            var warning = log.FindIndex(l => l.Contains("COPY uses $TARGETARCH in the stage that starts at line 1, which does not declare 'ARG TARGETARCH'.", StringComparison.Ordinal));
            Assert.True(warning >= 0, string.Join("\n", log));
            var start = log.FindIndex(l => l.StartsWith("BuildxBuild: building ", StringComparison.Ordinal));
            Assert.InRange(warning, 0, start - 1);
            Assert.Equal(Cake.Core.Diagnostics.LogLevel.Warning, cake.Log.Lines[warning].Level);
            Assert.StartsWith("BuildxBuild: docker buildx build failed with exit code 1. docker said:", error.Message, StringComparison.Ordinal);
            Assert.Contains("\"/busybox\": not found", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Build_But_Fail_The_Deep_Verification_When_The_Stage_Defaults_TargetArch_To_Amd64()
        {
            // Given: ARG TARGETARCH=amd64 overrides the automatic value, so arm64 gets amd64's busybox.
            bed.Require();
            var cake = bed.Cake();
            var context = bed.Context("FROM scratch\nARG TARGETARCH=amd64\nCOPY ${TARGETARCH}/busybox /bin/busybox\n");
            var image = bed.Image("trap-default");
            var result = cake.Context.BuildxBuild(context, s => s.WithBuilder("default").WithPlatform(TwoPlatforms).WithTag(image).WithPush());
            var log = cake.Log.Lines.ToList();
            var warning = log.FindIndex(l => l.Text.Contains("gives BuildKit's automatic argument TARGETARCH a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'amd64' and its binaries.", StringComparison.Ordinal));
            Assert.InRange(warning, 0, log.FindIndex(l => l.Text.StartsWith("BuildxBuild: building ", StringComparison.Ordinal)) - 1);
            Assert.Equal(Cake.Core.Diagnostics.LogLevel.Warning, log[warning].Level);
            var settings = new VerifyManifestSettings { Deep = true };
            settings.ExpectedPlatforms.Add(Platform.Parse("linux/amd64"));
            settings.ExpectedPlatforms.Add(Platform.Parse("linux/arm64"));

            // When
            var error = Assert.Throws<CakeException>(() => cake.Context.VerifyManifest(result, settings));

            // Then
            var lines = error.Message.Split(System.Environment.NewLine);
            Assert.Equal($"VerifyManifest: {image[..image.LastIndexOf(':')]}@{result.Digest} failed 1 check:", lines[0]);
            Assert.StartsWith("  - linux/arm64: 1 of 1 ELF files are built for amd64, not arm64: /bin/busybox (amd64).", lines[1], StringComparison.Ordinal);
            Assert.Equal(2, lines.Length);
        }

        private static List<(string Step, bool Cached)> RunSteps(string log)
        {
            var lines = log.Split('\n');
            return lines
                .Select(l => Regex.Match(l, @"^#(\d+) \[[^\]]*\] RUN "))
                .Where(m => m.Success)
                .Select(m => m.Groups[1].Value)
                .Distinct()
                .Select(id => (id, lines.Contains($"#{id} CACHED")))
                .ToList();
        }

        private static Dictionary<string, string> ReadTar(string path)
        {
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            using var reader = new TarReader(File.OpenRead(path));
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is { } data && entry.Length < 64 * 1024)
                {
                    using var text = new StreamReader(data);
                    entries[entry.Name.TrimStart('.', '/')] = text.ReadToEnd();
                }
            }

            return entries;
        }
    }
}
