using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// Two real registries (Debian's docker-registry on free loopback ports: one open, one with
/// htpasswd basic auth) filled with real images that podman makes from local rootfs tarballs
/// (busybox-static for amd64 and arm64): a good OCI index, a Docker manifest list, an index with
/// an attestation entry, a single-platform manifest, an index missing arm64, and the trap: an
/// index whose arm64 entry holds amd64 binaries.
/// </summary>
public sealed class RegistryBed : IAsyncLifetime
{
    public const string User = "cake";
    public const string Password = "s3cret-registry-pass";

    private readonly List<Process> _registries = [];
    private readonly TempDirectory _dir = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Gets why the bed could not be made, or <see langword="null"/> when it is ready.</summary>
    public string? Missing { get; private set; }

    /// <summary>Gets the open registry (<c>127.0.0.1:PORT</c>).</summary>
    public string Open { get; private set; } = string.Empty;

    /// <summary>Gets the registry that needs basic auth.</summary>
    public string Authenticated { get; private set; } = string.Empty;

    public string Good => $"{Open}/cma/good:oci";

    public string DockerList => $"{Open}/cma/good:v2s2";

    public string Attested => $"{Open}/cma/attested:1";

    public string Single => $"{Open}/cma/single:arm64";

    public string MissingArm64 => $"{Open}/cma/missing:1";

    public string Trap => $"{Open}/cma/trap:1";

    public string GoodWithAuth => $"{Authenticated}/cma/good:oci";

    public void Require()
    {
        if (Missing is not null)
        {
            TestPaths.SkipOrFail(Missing);
        }
    }

    public async ValueTask InitializeAsync()
    {
        foreach (var tool in new[] { "/usr/bin/docker-registry", "/usr/bin/podman", "/usr/bin/htpasswd" })
        {
            if (!File.Exists(tool))
            {
                Missing = $"{tool} is not installed (tests/testbed/setup.sh installs docker-registry, podman and apache2-utils)";
                return;
            }
        }

        if (!File.Exists(TestBed.Arm64Busybox) || !File.Exists("/bin/busybox"))
        {
            Missing = $"busybox for amd64 (/bin/busybox) or arm64 ({TestBed.Arm64Busybox}) is missing (tests/testbed/setup.sh fetches them)";
            return;
        }

        Open = StartRegistry("open", auth: false);
        Authenticated = StartRegistry("auth", auth: true);
        await WaitForAsync(Open, auth: false);
        await WaitForAsync(Authenticated, auth: true);

        var amd64 = Rootfs("amd64", "/bin/busybox");
        var arm64 = Rootfs("arm64", TestBed.Arm64Busybox);
        var baseName = $"localhost/cma-base-{_suffix}";
        Podman("import", "--arch", "amd64", amd64, baseName + ":amd64");
        Podman("import", "--arch", "arm64", arm64, baseName + ":arm64");
        Podman("import", "--arch", "arm64", amd64, baseName + ":trap"); // amd64 binaries, labelled arm64

        PushIndex(Good, "oci", baseName + ":amd64", baseName + ":arm64");
        PushIndex(DockerList, "v2s2", baseName + ":amd64", baseName + ":arm64");
        PushIndex(MissingArm64, "oci", baseName + ":amd64");
        PushIndex(Trap, "oci", baseName + ":amd64", baseName + ":trap");
        Podman("push", "--tls-verify=false", baseName + ":arm64", "docker://" + Single);
        PushIndex(GoodWithAuth, "oci", baseName + ":amd64", baseName + ":arm64");
        await PushAttestedAsync();
    }

    public ValueTask DisposeAsync()
    {
        foreach (var registry in _registries)
        {
            try
            {
                registry.Kill(entireProcessTree: true);
                registry.Dispose();
            }
            catch (InvalidOperationException)
            {
            }
        }

        Run("podman", "rmi", "-f", $"localhost/cma-base-{_suffix}:amd64", $"localhost/cma-base-{_suffix}:arm64", $"localhost/cma-base-{_suffix}:trap");
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads a registry's bytes directly, for assertions.</summary>
    public async Task<(string ContentType, byte[] Body)> GetAsync(string registry, string path, string accept)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{registry}/v2/{path}");
        request.Headers.Accept.ParseAdd(accept);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (response.Content.Headers.ContentType?.MediaType ?? string.Empty, await response.Content.ReadAsByteArrayAsync());
    }

    private void PushIndex(string target, string format, params string[] images)
    {
        var list = $"localhost/cma-list-{_suffix}-{Guid.NewGuid():N}";
        Podman("manifest", "create", list);
        foreach (var image in images)
        {
            Podman("manifest", "add", list, "containers-storage:" + image);
        }

        var creds = target.StartsWith(Authenticated + "/", StringComparison.Ordinal) && Authenticated.Length > 0 ? new[] { "--creds", $"{User}:{Password}" } : [];
        Podman(["manifest", "push", "--tls-verify=false", "--all", "--format", format, .. creds, list, "docker://" + target]);
        Run("podman", "manifest", "rm", list);
    }

    // An index in buildx's shape: the good platforms plus an attestation manifest
    // (vnd.docker.reference.type=attestation-manifest, unknown/unknown) for the arm64 image.
    private async Task PushAttestedAsync()
    {
        var (_, indexBytes) = await GetAsync(Open, "cma/good/manifests/oci", "application/vnd.oci.image.index.v1+json");
        var index = System.Text.Json.Nodes.JsonNode.Parse(indexBytes)!.AsObject();
        var manifests = index["manifests"]!.AsArray();
        var arm64Digest = manifests.First(m => (string?)m!["platform"]!["architecture"] == "arm64")!["digest"]!.GetValue<string>();
        var amd64Digest = manifests.First(m => (string?)m!["platform"]!["architecture"] == "amd64")!["digest"]!.GetValue<string>();

        using var http = new HttpClient();
        foreach (var platformDigest in new[] { amd64Digest, arm64Digest })
        {
            await CopyManifestAsync(http, "cma/good", "cma/attested", platformDigest);
        }

        var statement = Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://slsa.dev/provenance/v0.2\",\"subject\":[],\"predicate\":{}}");
        var statementDigest = await PushBlobAsync(http, "cma/attested", statement);
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{{}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{statementDigest}\"]}}}}");
        var configDigest = await PushBlobAsync(http, "cma/attested", config);
        var attestation = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{configDigest}\",\"size\":{config.Length}}},"
            + $"\"layers\":[{{\"mediaType\":\"application/vnd.in-toto+json\",\"digest\":\"{statementDigest}\",\"size\":{statement.Length},\"annotations\":{{\"in-toto.io/predicate-type\":\"https://slsa.dev/provenance/v0.2\"}}}}]}}");
        var attestationDigest = await PutManifestAsync(http, "cma/attested", Digest(attestation), attestation, "application/vnd.oci.image.manifest.v1+json");
        manifests.Add(System.Text.Json.Nodes.JsonNode.Parse(
            $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{attestationDigest}\",\"size\":{attestation.Length},\"annotations\":{{\"vnd.docker.reference.digest\":\"{arm64Digest}\",\"vnd.docker.reference.type\":\"attestation-manifest\"}},\"platform\":{{\"architecture\":\"unknown\",\"os\":\"unknown\"}}}}"));
        var newIndex = Encoding.UTF8.GetBytes(index.ToJsonString());
        await PutManifestAsync(http, "cma/attested", "1", newIndex, "application/vnd.oci.image.index.v1+json");
    }

    private async Task CopyManifestAsync(HttpClient http, string from, string to, string digest)
    {
        var (type, bytes) = await GetAsync(Open, $"{from}/manifests/{digest}", "application/vnd.oci.image.manifest.v1+json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(bytes)!;
        foreach (var blob in manifest["layers"]!.AsArray().Append(manifest["config"]))
        {
            var blobDigest = blob!["digest"]!.GetValue<string>();
            using var mount = await http.PostAsync($"http://{Open}/v2/{to}/blobs/uploads/?mount={blobDigest}&from={from}", null);
            if (mount.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"mounting {blobDigest} into {to} returned {mount.StatusCode}");
            }
        }

        await PutManifestAsync(http, to, digest, bytes, type);
    }

    /// <summary>Uploads a blob into the open registry (monolithic upload) and returns its digest.</summary>
    public async Task<string> PushBlobAsync(HttpClient http, string repository, byte[] bytes)
    {
        var digest = Digest(bytes);
        using var start = await http.PostAsync($"http://{Open}/v2/{repository}/blobs/uploads/", null);
        var location = start.Headers.Location!;
        var upload = new Uri(location.IsAbsoluteUri ? location : new Uri($"http://{Open}{location}"), string.Empty);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync($"{upload}{separator}digest={digest}", content);
        put.EnsureSuccessStatusCode();
        return digest;
    }

    /// <summary>Puts a manifest or index into the open registry and returns its digest.</summary>
    public async Task<string> PutManifestAsync(HttpClient http, string repository, string reference, byte[] bytes, string mediaType)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await http.PutAsync($"http://{Open}/v2/{repository}/manifests/{reference}", content);
        if (!put.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {repository}/manifests/{reference} returned {put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        }

        return Digest(bytes);
    }

    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private string Rootfs(string name, string busybox)
    {
        var root = _dir.Combine("rootfs-" + name);
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.Copy(busybox, Path.Combine(root, "bin", "busybox"));
        File.WriteAllText(Path.Combine(root, "bin", "hello.sh"), "#!/bin/sh\necho hello\n");
        File.SetUnixFileMode(Path.Combine(root, "bin", "hello.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tar = _dir.Combine($"rootfs-{name}.tar");
        var (code, output) = Run("tar", "-C", root, "-cf", tar, ".");
        return code == 0 ? tar : throw new InvalidOperationException("tar failed: " + output);
    }

    private string StartRegistry(string name, bool auth)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log:")
            .AppendLine("  level: warn")
            .AppendLine("storage:")
            .AppendLine("  inmemory: {}")
            .AppendLine("  delete:")
            .AppendLine("    enabled: true")
            .AppendLine("http:")
            .AppendLine($"  addr: 127.0.0.1:{port}");
        if (auth)
        {
            var (code, htpasswd) = Run("htpasswd", "-Bbn", User, Password);
            if (code != 0)
            {
                throw new InvalidOperationException("htpasswd failed: " + htpasswd);
            }

            File.WriteAllText(_dir.Combine("htpasswd"), htpasswd.Trim() + "\n");
            config.AppendLine("auth:").AppendLine("  htpasswd:").AppendLine("    realm: cake-multiarch-test").AppendLine($"    path: {_dir.Combine("htpasswd")}");
        }

        var file = _dir.WriteFile($"registry-{name}.yml", config.ToString());
        var process = Process.Start(new ProcessStartInfo("/usr/bin/docker-registry", ["serve", file]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _registries.Add(process);
        return $"127.0.0.1:{port}";
    }

    private static async Task WaitForAsync(string registry, bool auth)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.GetAsync($"http://{registry}/v2/");
                if (response.StatusCode == (auth ? HttpStatusCode.Unauthorized : HttpStatusCode.OK))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"the registry at {registry} did not start");
    }

    private static void Podman(params string[] arguments)
    {
        var (code, output) = Run("podman", arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"podman {string.Join(' ', arguments)} failed ({code}): {output}");
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments) => TestBed.Run(file, arguments);
}

[CollectionDefinition("registry")]
public sealed class RegistryCollection : ICollectionFixture<RegistryBed>
{
}
