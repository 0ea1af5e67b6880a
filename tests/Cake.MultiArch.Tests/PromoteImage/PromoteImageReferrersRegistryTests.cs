using System.Text.Json.Nodes;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.Tests.Publishing;

namespace Cake.MultiArch.Tests.PromoteImage;

/// <summary>
/// PromoteImage copies the OCI referrers of a digest, for real: oras 1.2 attaches artifacts in
/// the RegistryBed's registry (Debian's docker-registry 2.8, which answers the referrers API 404,
/// so oras keeps the list in the referrers tag <c>sha256-&lt;hex&gt;</c>), the image is promoted
/// into another repository and another registry, and <c>oras discover</c> finds them there.
/// </summary>
public sealed class PromoteImageReferrersRegistryTests
{
    private const string OtherRegistry = "127.0.0.1:5000";
    private const string SbomType = "application/vnd.cake-multiarch.test.sbom+json";
    private const string ScanType = "application/vnd.cake-multiarch.test.scan+json";

    [Collection("registry")]
    public sealed class ThePromoteImageMethod(RegistryBed bed)
    {
        private readonly PublishedImages _t = new(bed);

        [Fact]
        public async Task Should_Copy_Attached_Artifacts_And_Keep_The_Referrers_Someone_Else_Attached_In_The_Target()
        {
            // Given: two artifacts on the index and one on the arm64 manifest in the source; the
            // target repository has the image already, with an artifact of its own attached
            RequireOras();
            var (index, _, arm64) = await _t.GoodDigestsAsync();
            var suffix = PublishedImages.Suffix();
            var source = $"{bed.Open}/cma/ref-src-{suffix}";
            var target = $"{bed.Open}/cma/ref-dst-{suffix}";
            var other = $"{OtherRegistry}/cma-ref-{suffix}";
            using var dir = new TempDirectory();
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{index}", Tags = { source + ":1", target + ":0" } });
            var sbom = Attach(dir, $"{source}@{index}", SbomType, "sbom.json", "{\"spdxVersion\":\"SPDX-2.3\"}");
            var scan = Attach(dir, $"{source}@{index}", ScanType, "scan.json", "{\"findings\":[]}");
            var arm64Sbom = Attach(dir, $"{source}@{arm64}", SbomType, "arm64.json", "{\"spdxVersion\":\"SPDX-2.3\",\"arm64\":true}");
            var foreign = Attach(dir, $"{target}@{index}", "application/vnd.someone-else.note", "note.txt", "not ours");
            var log = new RecordingLog();

            // When
            var result = new PromoteImageRunner(log.Log).Run(new PromoteImageSettings { Source = $"{source}@{index}", Tags = { target + ":1", other + ":1" } });

            // Then: oras finds them in both places, the target's own artifact kept
            Assert.Equal(6, result.ReferrersCopied);
            Assert.Equal([foreign, sbom, scan], Discover($"{target}@{index}").Select(r => r.Digest));
            Assert.Equal([(sbom, SbomType), (scan, ScanType)], Discover($"{other}@{index}"));
            Assert.Equal([(arm64Sbom, SbomType)], Discover($"{target}@{arm64}"));
            Assert.Equal([(arm64Sbom, SbomType)], Discover($"{other}@{arm64}"));
            var tag = index.Replace(':', '-');
            Assert.Contains($"PromoteImage: copied 2 referrers of {index} from {source} (listed by its tag {tag}) to {target} (appended to its tag {tag}, 1 entry kept): {sbom} ({SbomType}), {scan} ({ScanType})", log.All, StringComparison.Ordinal);
            Assert.Contains($"PromoteImage: copied 2 referrers of {index} from {bed.Open}/cma/ref-src-{suffix} (listed by its tag {tag}) to {other} (its tag {tag} made, a copy of the source's): {sbom} ({SbomType}), {scan} ({ScanType})", log.All, StringComparison.Ordinal);
            Assert.Contains($"PromoteImage: copied 1 referrer of {arm64} from {bed.Open}/cma/ref-src-{suffix} (listed by its tag {arm64.Replace(':', '-')}) to {bed.Open}/cma/ref-dst-{suffix} (its tag {arm64.Replace(':', '-')} made, a copy of the source's): {arm64Sbom} ({SbomType})", log.All, StringComparison.Ordinal);

            // The copy is byte for byte: the referrer's subject is still the promoted digest.
            var (_, copied) = await bed.GetAsync(bed.Open, $"cma/ref-dst-{suffix}/manifests/{sbom}", MediaTypes.OciManifest);
            Assert.Equal(sbom, RegistryBed.Digest(copied));
            Assert.Equal(index, JsonNode.Parse(copied)!["subject"]!["digest"]!.GetValue<string>());
        }

        [Fact]
        public async Task Should_Leave_The_Referrers_Tag_Alone_When_Promoted_Again()
        {
            // Given: a promoted copy with its referrer
            RequireOras();
            var (index, _, _) = await _t.GoodDigestsAsync();
            var suffix = PublishedImages.Suffix();
            var source = $"{bed.Open}/cma/ref-again-src-{suffix}";
            var target = $"{bed.Open}/cma/ref-again-dst-{suffix}";
            using var dir = new TempDirectory();
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{index}", Tags = { source + ":1" } });
            var sbom = Attach(dir, $"{source}@{index}", SbomType, "sbom.json", "{}");
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{source}@{index}", Tags = { target + ":1" } });
            var tag = index.Replace(':', '-');
            var (_, before) = await bed.GetAsync(bed.Open, $"cma/ref-again-dst-{suffix}/manifests/{tag}", MediaTypes.OciIndex);
            var log = new RecordingLog();

            // When
            var again = new PromoteImageRunner(log.Log).Run(new PromoteImageSettings { Source = $"{source}@{index}", Tags = { target + ":1" } });

            // Then
            var (_, after) = await bed.GetAsync(bed.Open, $"cma/ref-again-dst-{suffix}/manifests/{tag}", MediaTypes.OciIndex);
            Assert.Equal(before, after);
            Assert.Equal(1, again.ReferrersCopied);
            Assert.Contains($"PromoteImage: copied 1 referrer of {index} from {source} (listed by its tag {tag}) to {target} (its tag {tag} already listed them): {sbom} ({SbomType})", log.All, StringComparison.Ordinal);
            Assert.Equal([(sbom, SbomType)], Discover($"{target}@{index}"));
        }
    }

    private static void RequireOras()
    {
        if (!File.Exists("/usr/bin/oras"))
        {
            TestPaths.SkipOrFail("oras is not installed (tests/testbed/setup.sh installs oras 1.2)");
        }
    }

    private static string Attach(TempDirectory dir, string subject, string artifactType, string file, string content)
    {
        dir.WriteFile(file, content);
        var (code, output) = TestBed.RunIn("/usr/bin/oras", dir.Path, new Dictionary<string, string>(), "attach", "--plain-http", "--artifact-type", artifactType, subject, file);
        Assert.True(code == 0, output);
        var digest = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("Digest: ", StringComparison.Ordinal))["Digest: ".Length..];
        return digest;
    }

    private static (string Digest, string ArtifactType)[] Discover(string subject)
    {
        var (code, output) = TestBed.Run("/usr/bin/oras", "discover", "--plain-http", "--format", "json", subject);
        Assert.True(code == 0, output);
        var json = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!;
        return json["manifests"]!.AsArray().Select(m => (m!["digest"]!.GetValue<string>(), m["artifactType"]!.GetValue<string>())).ToArray();
    }
}
