using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// Build secrets through the real engine (dockerd 26 + buildx 0.13, default builder): a RUN step
/// mounts the secret, proves it got the value (its sha256 must equal a build argument) and echoes
/// it; the value then appears in no Cake log line (Diagnostic), no exception, and no byte of what
/// was pushed to a real registry (index, manifests, configs, layers, provenance attestation).
/// </summary>
[Collection("registry")]
public sealed class BuildSecretsEngineTests(RegistryBed bed) : IDisposable
{
    private const string Marker = "secret-hash-ok";

    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nbm90LWEtcmVhbC1rZXktanVzdC1hLXRlc3Qtb2YtcmVkYWN0aW9u\n-----END PRIVATE KEY-----\n";

    // The step fails after the echo when FAIL is not 0, as a build that breaks would.
    private const string Dockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        SHELL ["/bin/busybox", "sh", "-c"]
        ARG EXPECTED
        ARG FAIL=0
        RUN --mount=type=secret,id=tok,required=true /bin/busybox cat /run/secrets/tok; echo; test "$(/bin/busybox sha256sum /run/secrets/tok | /bin/busybox cut -d' ' -f1)" = "$EXPECTED" && echo secret-hash-ok && test "$FAIL" = 0

        """;

    private readonly TempDirectory _dir = new();
    private readonly List<string> _localImages = [];

    public static TheoryData<string, string, bool> Cases => new()
    {
        { "single", "value", false },
        { "multi", "value", false },
        { "single", "environment", false },
        { "multi", "file", false },
        { "multi", "value", true },
        { "single", "environment", true },
        { "multi", "file", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_Keep_The_Secret_Out_Of_Logs_Errors_And_The_Pushed_Image(string shape, string source, bool fail)
    {
        // Given
        Require();
        var value = shape == "multi" ? Pem.Replace("BEGIN", "BEGIN " + source.ToUpperInvariant(), StringComparison.Ordinal) : $"one-line-{source}-secret-{Guid.NewGuid():N}";
        var context = _dir.Combine($"ctx-{shape}-{source}-{fail}");
        Directory.CreateDirectory(context);
        File.Copy("/bin/busybox", Path.Combine(context, "busybox"));
        File.WriteAllText(Path.Combine(context, "Dockerfile"), Dockerfile);
        var cake = new TestCakeContext(_dir.Path);
        var image = $"{bed.Open}/cma-secrets/{shape}-{source}-{Guid.NewGuid():N}:1";
        var metadata = _dir.Combine($"meta-{Guid.NewGuid():N}.json");
        var settings = new BuildxBuildSettings { Context = context }
            .WithPlatform("linux/amd64")
            .WithTag(image)
            .WithPush()
            .WithNoCache()
            .WithProgress(BuildProgress.Plain)
            .WithProvenance(ProvenanceMode.Max)
            .WithMetadataFile(metadata)
            .WithBuildArg("EXPECTED", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))))
            .WithBuildArg("FAIL", fail ? "1" : "0")
            .WithDockerConfig(_dir.Combine("docker-config"));
        Directory.CreateDirectory(_dir.Combine("docker-config"));
        switch (source)
        {
            case "value":
                settings.WithSecret("tok", value);
                break;
            case "environment":
                settings.EnvironmentVariables["CMA_TEST_SECRET_TOKEN"] = value;
                settings.WithSecretFromEnvironment("tok", "CMA_TEST_SECRET_TOKEN");
                break;
            default:
                File.WriteAllText(_dir.Combine("secret.txt"), value);
                settings.WithSecretFromFile("tok", _dir.Combine("secret.txt"));
                break;
        }

        _localImages.Add(image);

        // When
        var error = Record.Exception(() => { cake.Context.BuildxBuild(settings); });

        // Then: the step saw the value (its hash matched) and echoed it, redacted, line by line.
        var log = cake.Log.All;
        Assert.Contains(Marker, log, StringComparison.Ordinal);
        var lines = Lines(value);
        Assert.True(cake.Log.Lines.Count(l => l.Text.EndsWith(" [REDACTED]", StringComparison.Ordinal)) >= lines.Length, log);
        foreach (var line in lines)
        {
            Assert.DoesNotContain(line, log, StringComparison.Ordinal);
        }

        if (fail)
        {
            var ex = Assert.IsType<CakeException>(error);
            Assert.StartsWith("BuildxBuild: docker buildx build failed with exit code 1. docker said:", ex.Message, StringComparison.Ordinal);
            Assert.Contains("[REDACTED]", ex.Message, StringComparison.Ordinal);
            foreach (var line in lines)
            {
                Assert.DoesNotContain(line, ex.Message, StringComparison.Ordinal);
            }

            return;
        }

        Assert.Null(error);
        var pushed = await ReadEverythingPushedAsync(image);
        Assert.Contains(pushed, b => b.Kind == "attestation layer");
        Assert.Contains(pushed, b => b.Kind == "layer");
        foreach (var (kind, text) in pushed.Append(("metadata file", File.ReadAllText(metadata))))
        {
            Assert.DoesNotContain(value.Trim(), text, StringComparison.Ordinal);
            foreach (var line in lines)
            {
                Assert.False(text.Contains(line, StringComparison.Ordinal), $"the {kind} holds the secret line '{line[..4]}…'");
            }
        }
    }

    public void Dispose()
    {
        foreach (var image in _localImages)
        {
            TestBed.Run("docker", "image", "rm", "-f", image);
        }

        _dir.Dispose();
    }

    private void Require()
    {
        bed.Require();
        if (!File.Exists("/bin/busybox"))
        {
            TestPaths.SkipOrFail("/bin/busybox (busybox-static) is missing (tests/testbed/setup.sh installs it)");
        }

        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail($"docker with the buildx plugin is not available (tests/testbed/setup.sh installs and starts it): {output.Trim()}");
        }
    }

    private static string[] Lines(string value) =>
        value.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 4).ToArray();

    // Every blob the push left in the registry, as text: the index or manifest, each manifest,
    // each config, and each layer (gzip layers also decompressed, so text in tar entries shows).
    private async Task<List<(string Kind, string Text)>> ReadEverythingPushedAsync(string image)
    {
        const string accept = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
        var repository = image[(bed.Open.Length + 1)..image.LastIndexOf(':')];
        var found = new List<(string Kind, string Text)>();
        var pending = new Queue<(string Reference, bool Attestation)>([(image[(image.LastIndexOf(':') + 1)..], false)]);
        while (pending.Count > 0)
        {
            var (reference, attestation) = pending.Dequeue();
            var (_, body) = await bed.GetAsync(bed.Open, $"{repository}/manifests/{reference}", accept);
            found.Add(("manifest", Encoding.UTF8.GetString(body)));
            var manifest = JsonNode.Parse(body)!;
            foreach (var child in manifest["manifests"]?.AsArray() ?? [])
            {
                var isAttestation = (string?)child!["annotations"]?["vnd.docker.reference.type"] == "attestation-manifest";
                pending.Enqueue(((string)child["digest"]!, isAttestation));
            }

            if (manifest["config"] is { } config)
            {
                var (_, bytes) = await bed.GetAsync(bed.Open, $"{repository}/blobs/{(string)config["digest"]!}", "*/*");
                found.Add(("config", Encoding.UTF8.GetString(bytes)));
            }

            foreach (var layer in manifest["layers"]?.AsArray() ?? [])
            {
                var (_, bytes) = await bed.GetAsync(bed.Open, $"{repository}/blobs/{(string)layer!["digest"]!}", "*/*");
                var kind = attestation ? "attestation layer" : "layer";
                found.Add((kind, Encoding.Latin1.GetString(bytes)));
                if (((string?)layer["mediaType"] ?? string.Empty).Contains("gzip", StringComparison.Ordinal))
                {
                    using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                    using var plain = new MemoryStream();
                    await gzip.CopyToAsync(plain);
                    found.Add((kind + " (decompressed)", Encoding.Latin1.GetString(plain.ToArray())));
                }
            }
        }

        return found;
    }
}
