using System.Text;
using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using CsCheck;
using NSubstitute;

namespace Cake.MultiArch.Tests.Registry;

/// <summary>
/// Property tests: no input makes the registry JSON models, VerifyManifest's reading of them, the
/// docker config.json reader or the challenge parser throw anything but their documented
/// <see cref="CakeException"/>. Inputs are random bytes, random JSON built from the keys these
/// documents use, and random mutations of the real fixtures.
/// </summary>
public sealed class RegistryJsonPropertyTests
{
    private static readonly string[] Keys =
    [
        "schemaVersion", "mediaType", "manifests", "config", "layers", "digest", "size", "platform", "os", "architecture", "variant",
        "annotations", "vnd.docker.reference.type", "vnd.docker.reference.digest", "in-toto.io/predicate-type", "token", "access_token",
    ];

    private static readonly string[] Strings =
    [
        "\"sha256:" + new string('a', 64) + "\"", "\"sha256:\"", "\"\"", "\"../x\"", "\"" + MediaTypes.OciIndex + "\"", "\"" + MediaTypes.OciManifest + "\"",
        "\"application/vnd.oci.image.layer.v1.tar+gzip\"", "\"linux\"", "\"arm64\"", "\"amd64\"", "\"v8\"", "\"unknown\"", "\"attestation-manifest\"",
    ];

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (1, Gen.OneOf("null", "true", "false", "-1", "0", "1e999", "9223372036854775808", "2")),
        (1, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (2, Gen.OneOf(Strings)),
        (1, Gen.String[0, 12].Select(s => TestJson.Quote(s))));

    /// <summary>Random JSON documents shaped like registry documents: objects with their keys, arrays, scalars of every type.</summary>
    private static readonly Gen<string> Json = Gen.Recursive<string>((depth, json) => depth >= 4
        ? Scalar
        : Gen.Frequency(
            (2, Scalar),
            (3, Gen.Select(Gen.OneOf(Keys), json).Array[0, 5].Select(pairs => "{" + string.Join(",", pairs.Select(p => TestJson.Quote(p.Item1) + ":" + p.Item2)) + "}")),
            (2, json.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]"))));

    private static readonly byte[][] RealDocuments =
    [
        File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-index.json")),
        File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-manifest-arm64.json")),
        File.ReadAllBytes(TestPaths.Fixture("registry/podman-docker-manifest-list.json")),
        File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-config-arm64.json")),
        File.ReadAllBytes(TestPaths.Fixture("buildx/imagetools-inspect-raw.json")),
    ];

    /// <summary>A real document with a few bytes changed, removed or inserted.</summary>
    private static readonly Gen<byte[]> Mutated =
        Gen.Select(Gen.Int[0, RealDocuments.Length - 1], Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 6], (which, edits) =>
        {
            var bytes = RealDocuments[which].ToList();
            foreach (var (kind, at, value) in edits)
            {
                var i = at % Math.Max(1, bytes.Count);
                switch (kind)
                {
                    case 0 when bytes.Count > 0:
                        bytes[i] = value;
                        break;
                    case 1 when bytes.Count > 0:
                        bytes.RemoveAt(i);
                        break;
                    default:
                        bytes.Insert(i, value);
                        break;
                }
            }

            return bytes.ToArray();
        });

    private static readonly Gen<byte[]> AnyDocument = Gen.Frequency(
        (3, Json.Select(Encoding.UTF8.GetBytes)),
        (2, Mutated),
        (1, Gen.Byte.Array[0, 64]));

    private static void OnlyCakeException(Action act)
    {
        try
        {
            act();
        }
        catch (CakeException)
        {
        }
    }

    public sealed class TheManifestResultModels
    {
        [Fact]
        public void Should_Read_Any_Bytes_As_An_Index_Or_Throw_Only_CakeException()
        {
            AnyDocument.Sample(bytes => OnlyCakeException(() =>
            {
                var index = new ManifestResult(MediaTypes.OciIndex, "sha256:x", bytes).ToIndex();
                Assert.All(index.Manifests, m => Assert.NotNull(m.Digest));
                _ = index.Manifests.Select(m => (m.IsAttestation, m.Platform?.ToString())).ToArray();
            }), iter: 3000);
        }

        [Fact]
        public void Should_Read_Any_Bytes_As_A_Manifest_Or_Throw_Only_CakeException()
        {
            AnyDocument.Sample(bytes => OnlyCakeException(() =>
            {
                var manifest = new ManifestResult(MediaTypes.OciManifest, "sha256:x", bytes).ToManifest();
                Assert.False(string.IsNullOrEmpty(manifest.Config.Digest));
                Assert.All(manifest.Layers, l => Assert.False(string.IsNullOrEmpty(l.Digest)));
            }), iter: 3000);
        }

        [Fact]
        public void Should_Read_Any_Bytes_As_A_Config_Or_Throw_Only_CakeException()
        {
            AnyDocument.Sample(bytes => OnlyCakeException(() => OciJson.ReadConfig(bytes, "the config")), iter: 3000);
        }

        [Fact]
        public void Should_Parse_Any_Challenge_Without_Throwing()
        {
            Gen.Frequency((3, Gen.String), (1, Gen.OneOf("realm=\"", "realm=\"a\\", "=", ",,=,", "realm=\"x\",service"))).Sample(text => _ = RegistryAuthenticator.ParseChallenge(text), iter: 3000);
        }
    }

    public sealed class TheVerifyManifestRunner
    {
        [Fact]
        public void Should_Report_Or_Throw_Only_CakeException_For_Any_Documents_The_Registry_Serves()
        {
            // Given: a registry seam serving random documents as the index, every manifest and every config
            Gen.Select(Json, Json, AnyDocument).Sample(documents =>
            {
                var (index, manifest, config) = documents;
                var client = Substitute.For<IRegistryClient>();
                client.GetManifestAsync(Arg.Any<ImageReference>(), "1", Arg.Any<CancellationToken>()).Returns(new ManifestResult(MediaTypes.OciIndex, "sha256:" + new string('a', 64), Encoding.UTF8.GetBytes(index)));
                client.GetManifestAsync(Arg.Any<ImageReference>(), Arg.Is<string>(d => d != "1"), Arg.Any<CancellationToken>()).Returns(new ManifestResult(MediaTypes.OciManifest, "sha256:" + new string('b', 64), Encoding.UTF8.GetBytes(manifest)));
                client.GetBlobAsync(Arg.Any<ImageReference>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(config);
                var runner = new VerifyManifestRunner(new RecordingLog().Log, _ => client);
                var settings = new VerifyManifestSettings { Image = "127.0.0.1:5000/app:1", ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Registry = { UseDockerConfig = false } };

                // When / Then
                OnlyCakeException(() => _ = runner.RunAsync(settings, CancellationToken.None).GetAwaiter().GetResult());
            }, iter: 600);
        }
    }

    public sealed class TheDockerConfigReader
    {
        private static readonly Gen<string> ConfigJson = Gen.Recursive<string>((depth, json) => depth >= 3
            ? Gen.Frequency((3, Scalar), (2, Gen.OneOf("\"dXNlcjpwdw==\"", "\"bm9jb2xvbg==\"", "\"!!\"", "\"OnB3\"", "\"//79\"")))
            : Gen.Frequency(
                (1, Scalar),
                (3, Gen.Select(Gen.OneOf("auths", "credHelpers", "auth", "identitytoken", "ghcr.io", "https://ghcr.io/v1/", "username"), json).Array[0, 4]
                    .Select(pairs => "{" + string.Join(",", pairs.Select(p => TestJson.Quote(p.Item1) + ":" + p.Item2)) + "}")),
                (1, json.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]"))));

        [Fact]
        public void Should_Read_Any_Config_Or_Throw_Only_CakeException()
        {
            using var dir = new TempDirectory();
            var count = 0;
            Gen.Frequency((4, ConfigJson), (1, Gen.String[0, 40])).Sample(json =>
            {
                var folder = dir.Combine("c" + Interlocked.Increment(ref count));
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "config.json"), json);
                var reader = new DockerConfigCredentials(folder) { HelperDirectory = Path.Combine(folder, "no-helpers") };
                OnlyCakeException(() => _ = reader.Find("ghcr.io"));
            }, iter: 1500);
        }
    }
}
