using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// The real build engine for the BuildEngineTests: dockerd's <c>default</c> builder (driver
/// docker, containerd image store, QEMU for arm64) and one Debian docker-registry on a free
/// loopback port shared by the collection. Writes tiny build contexts (<c>FROM scratch</c> + a
/// static busybox per <c>$TARGETARCH</c>) and removes what the builds left in the image store.
/// </summary>
public sealed class EngineBed : IAsyncLifetime
{
    /// <summary>The Accept header value for an image index or a Docker manifest list.</summary>
    public const string IndexAccept = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>The Accept header value for one platform's image manifest.</summary>
    public const string ManifestAccept = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

    private readonly TempDirectory _dir = new();
    private readonly ConcurrentDictionary<string, Lazy<object>> _shared = new(StringComparer.Ordinal);
    private Process? _registry;

    /// <summary>Gets a suffix that makes this run's names unique on the shared engine.</summary>
    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Gets why the bed could not be made, or <see langword="null"/> when it is ready.</summary>
    public string? Missing { get; private set; }

    /// <summary>Gets the registry (<c>127.0.0.1:PORT</c>).</summary>
    public string Registry { get; private set; } = string.Empty;

    /// <summary>Gets the folder the tests work in.</summary>
    public string WorkDirectory => _dir.Path;

    public void Require()
    {
        if (Missing is not null)
        {
            TestPaths.SkipOrFail(Missing);
        }
    }

    public async ValueTask InitializeAsync()
    {
        Missing = FindMissing();
        if (Missing is not null)
        {
            return;
        }

        var port = FreePort();
        var config = _dir.WriteFile("registry.yml", $"""
            version: 0.1
            log:
              level: warn
            storage:
              inmemory:
            http:
              addr: 127.0.0.1:{port}
            """);
        _registry = Process.Start(new ProcessStartInfo("/usr/bin/docker-registry", ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.OutputDataReceived += (_, _) => { };
        _registry.BeginErrorReadLine();
        _registry.BeginOutputReadLine();
        Registry = $"127.0.0.1:{port}";
        await WaitForRegistryAsync(Registry);
    }

    public ValueTask DisposeAsync()
    {
        if (Registry.Length > 0)
        {
            // Pushes and runs leave the images in the containerd store: remove ours only.
            var (_, images) = TestBed.Run("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}");
            var ours = images.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(i => i.StartsWith(Registry + "/", StringComparison.Ordinal) || i.Contains(Suffix, StringComparison.Ordinal))
                .ToArray();
            if (ours.Length > 0)
            {
                TestBed.Run("docker", ["image", "rm", "-f", .. ours]);
            }
        }

        try
        {
            _registry?.Kill(entireProcessTree: true);
            _registry?.Dispose();
        }
        catch (InvalidOperationException)
        {
        }

        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Gets an image name in this run's own repository of the registry.</summary>
    /// <param name="name">The short name.</param>
    /// <param name="tag">The tag.</param>
    /// <returns><c>127.0.0.1:PORT/engine-SUFFIX/NAME:TAG</c>.</returns>
    public string Image(string name, string tag = "1") => $"{Registry}/engine-{Suffix}/{name}:{tag}";

    /// <summary>
    /// Writes a build context: <c>amd64/busybox</c> and <c>arm64/busybox</c> (static binaries for
    /// each platform), the Dockerfile, and any other files.
    /// </summary>
    /// <param name="dockerfile">The Dockerfile's text.</param>
    /// <param name="files">More files, relative to the context.</param>
    /// <returns>The context folder.</returns>
    public string Context(string dockerfile, params (string Path, string Text)[] files)
    {
        var context = _dir.Combine("ctx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(context, "amd64"));
        Directory.CreateDirectory(Path.Combine(context, "arm64"));
        File.Copy("/bin/busybox", Path.Combine(context, "amd64", "busybox"));
        File.Copy(TestBed.Arm64Busybox, Path.Combine(context, "arm64", "busybox"));
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(context, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        return context;
    }

    /// <summary>Makes a Cake context (real process runner, recording log) working in the bed's folder.</summary>
    /// <returns>The context.</returns>
    internal TestCakeContext Cake() => new(_dir.Path);

    /// <summary>Makes a value once per collection (a build several tests look at) and hands out the same one.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The value's name.</param>
    /// <param name="make">Makes it.</param>
    /// <returns>The value.</returns>
    public T Shared<T>(string key, Func<T> make)
        where T : class =>
        (T)_shared.GetOrAdd(key, _ => new Lazy<object>(() => make())).Value;

    /// <summary>GETs a manifest from the bed's registry.</summary>
    /// <param name="repositoryAndReference">Such as <c>engine-x/app/manifests/1</c>'s <c>engine-x/app</c> and <c>1</c>, joined as <c>engine-x/app:1</c> or <c>engine-x/app@sha256:…</c>.</param>
    /// <param name="accept">The Accept header.</param>
    /// <returns>The Content-Type, the Docker-Content-Digest header, the sha256 of the body, and the body as JSON.</returns>
    public async Task<Manifest> GetManifestAsync(string repositoryAndReference, string accept)
    {
        var at = repositoryAndReference.IndexOf('@', StringComparison.Ordinal);
        var split = at >= 0 ? at : repositoryAndReference.LastIndexOf(':');
        var repository = repositoryAndReference[..split];
        var reference = repositoryAndReference[(split + 1)..];
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Registry}/v2/{repository}/manifests/{reference}");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Manifest(
            response.Content.Headers.ContentType?.MediaType ?? string.Empty,
            response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.Single() : string.Empty,
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body)),
            System.Text.Json.Nodes.JsonNode.Parse(body)!);
    }

    /// <summary>GETs a blob (an image config, say) from the bed's registry as JSON.</summary>
    /// <param name="repository">The repository, such as <c>engine-x/app</c>.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <returns>The JSON.</returns>
    public async Task<System.Text.Json.Nodes.JsonNode> GetBlobJsonAsync(string repository, string digest)
    {
        using var http = new HttpClient();
        return System.Text.Json.Nodes.JsonNode.Parse(await http.GetByteArrayAsync($"http://{Registry}/v2/{repository}/blobs/{digest}"))!;
    }

    /// <summary>Gets the path of an image name in the registry (<c>127.0.0.1:PORT/a/b:1</c> → <c>a/b:1</c>).</summary>
    /// <param name="image">The image name.</param>
    /// <returns>The repository and reference.</returns>
    public string PathOf(string image) => image.StartsWith(Registry + "/", StringComparison.Ordinal) ? image[(Registry.Length + 1)..] : throw new ArgumentException($"{image} is not in {Registry}", nameof(image));

    /// <summary>Waits until a registry answers <c>GET /v2/</c>.</summary>
    /// <param name="registry">The registry's host:port.</param>
    /// <returns>A task.</returns>
    public static async Task WaitForRegistryAsync(string registry)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.GetAsync($"http://{registry}/v2/");
                if (response.StatusCode == HttpStatusCode.OK)
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

    private static string? FindMissing()
    {
        if (!File.Exists("/usr/bin/docker-registry"))
        {
            return "/usr/bin/docker-registry is not installed (tests/testbed/setup.sh installs docker-registry)";
        }

        if (!File.Exists("/bin/busybox") || !File.Exists(TestBed.Arm64Busybox))
        {
            return $"busybox for amd64 (/bin/busybox) or arm64 ({TestBed.Arm64Busybox}) is missing (tests/testbed/setup.sh fetches them)";
        }

        var (code, inspect) = TestBed.Run("docker", "buildx", "inspect", "default");
        if (code != 0)
        {
            return $"docker with the buildx plugin and a running dockerd are needed (tests/testbed/setup.sh installs and starts them): docker buildx inspect default said: {inspect.Trim()}";
        }

        return inspect.Contains("linux/arm64", StringComparison.Ordinal)
            ? null
            : $"the default builder does not list linux/arm64 (QEMU is not registered; tests/testbed/setup.sh registers qemu-aarch64): {inspect.Trim()}";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A manifest as the registry served it.</summary>
/// <param name="ContentType">The Content-Type header.</param>
/// <param name="DigestHeader">The Docker-Content-Digest header.</param>
/// <param name="BodyDigest">The sha256 of the body.</param>
/// <param name="Json">The body.</param>
public sealed record Manifest(string ContentType, string DigestHeader, string BodyDigest, System.Text.Json.Nodes.JsonNode Json);

/// <summary>The engine tests share one registry and run one at a time (the engine has 2 cores).</summary>
[CollectionDefinition("engine", DisableParallelization = true)]
public sealed class EngineCollection : ICollectionFixture<EngineBed>
{
}
