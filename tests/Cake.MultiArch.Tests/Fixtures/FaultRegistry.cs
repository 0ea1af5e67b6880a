using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// A registry of the test suite's own: a real HTTP/1.1 server on a TcpListener at 127.0.0.1:0
/// (not a mock of the client) serving manifests and blobs derived from the real fixtures, with
/// faults a real registry can't be made to produce on demand: 429/503 with Retry-After,
/// connection resets, truncated, trickled and stalled bodies, silent servers, invalid JSON,
/// digest mismatches, oversized bodies, redirect loops and hanging token endpoints.
/// Every connection serves one request (<c>Connection: close</c>), so each fault is seen alone.
/// </summary>
internal sealed class FaultRegistry : IDisposable
{
    private static readonly string IndexFixture = TestPaths.ReadFixture("registry/podman-oci-index.json");
    private static readonly string ManifestFixture = TestPaths.ReadFixture("registry/podman-oci-manifest-arm64.json");
    private static readonly string ConfigFixture = TestPaths.ReadFixture("registry/podman-oci-config-arm64.json");

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, (string ContentType, byte[] Body)> _content = new(StringComparer.Ordinal);
    private readonly List<Func<FaultRequest, FaultReply?>> _faults = [];
    private readonly List<FaultRequest> _requests = [];
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private long _bytesSent;

    public FaultRegistry()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    /// <summary>Gets the port.</summary>
    public int Port { get; }

    /// <summary>Gets <c>127.0.0.1:PORT</c> (plain HTTP, as loopback is for the client).</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Gets the requests that reached the server, in order.</summary>
    public IReadOnlyList<FaultRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Gets how many body bytes the server managed to send (to show a client stopped reading).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Runs an action and asserts it took less than a bound: the bound proves "no hang", not speed.</summary>
    public static async Task<T> Within<T>(TimeSpan bound, Func<Task<T>> act)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await act();
        Assert.True(clock.Elapsed < bound, $"took {clock.Elapsed}, more than {bound}");
        return result;
    }

    /// <summary>The sha256 digest of bytes.</summary>
    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A gzip tar layer holding one executable, <c>/bin/app</c>.</summary>
    public static byte[] Layer(byte[] executable)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./bin/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "./bin/app")
            {
                DataStream = new MemoryStream(executable),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            });
        }

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return output.ToArray();
    }

    /// <summary>Stores a manifest under its digest (and a tag).</summary>
    public string PutManifest(string repository, string? tag, string mediaType, byte[] body)
    {
        var digest = Digest(body);
        _content[$"/v2/{repository}/manifests/{digest}"] = (mediaType, body);
        if (tag is not null)
        {
            _content[$"/v2/{repository}/manifests/{tag}"] = (mediaType, body);
        }

        return digest;
    }

    /// <summary>Stores a blob under its digest.</summary>
    public string PutBlob(string repository, byte[] body)
    {
        var digest = Digest(body);
        _content[$"/v2/{repository}/blobs/{digest}"] = ("application/octet-stream", body);
        return digest;
    }

    /// <summary>
    /// Pushes an image made from the real podman fixtures: per platform, the real config with its
    /// architecture set and the real manifest with its config and one layer replaced; then the
    /// real OCI index with its entries pointing at them.
    /// </summary>
    /// <returns>The index digest and each platform's manifest digest.</returns>
    public (string Index, string[] Manifests) PushImage(string repository, string tag, params (string Architecture, byte[] Layer)[] platforms)
    {
        var manifests = platforms.Select(p => PushManifest(repository, p.Architecture, p.Layer)).ToArray();
        var index = JsonNode.Parse(IndexFixture)!;
        var template = index["manifests"]![0]!.ToJsonString();
        var entries = new JsonArray();
        for (var i = 0; i < platforms.Length; i++)
        {
            var entry = JsonNode.Parse(template)!;
            entry["digest"] = manifests[i].Digest;
            entry["size"] = manifests[i].Size;
            entry["platform"]!["architecture"] = platforms[i].Architecture;
            entries.Add(entry);
        }

        index["manifests"] = entries;
        return (PutManifest(repository, tag, Cake.MultiArch.Registry.MediaTypes.OciIndex, Encoding.UTF8.GetBytes(index.ToJsonString())), manifests.Select(m => m.Digest).ToArray());
    }

    /// <summary>Pushes one platform's manifest (see <see cref="PushImage"/>).</summary>
    public (string Digest, int Size) PushManifest(string repository, string architecture, byte[] layer, string? tag = null)
    {
        var config = JsonNode.Parse(ConfigFixture)!;
        config["architecture"] = architecture;
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var manifest = JsonNode.Parse(ManifestFixture)!;
        manifest["config"]!["digest"] = PutBlob(repository, configBytes);
        manifest["config"]!["size"] = configBytes.Length;
        var layers = manifest["layers"]!.AsArray();
        layers.RemoveAt(1);
        layers[0]!["digest"] = PutBlob(repository, layer);
        layers[0]!["size"] = layer.Length;
        var bytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return (PutManifest(repository, tag, Cake.MultiArch.Registry.MediaTypes.OciManifest, bytes), bytes.Length);
    }

    /// <summary>
    /// Makes the registry writable the way promotion writes: manifest PUTs (by digest or tag,
    /// answered 201 with Docker-Content-Digest) and cross-repository blob mounts (201). The
    /// repositories listed serve the referrers API (distribution-spec 1.1: <c>GET
    /// /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> lists the manifests pushed there whose
    /// <c>subject</c> is the digest, and a PUT of such a manifest answers <c>OCI-Subject</c>); the
    /// others answer that route 404, as Debian's registry 2.8 does.
    /// </summary>
    public FaultRegistry AcceptPushes(params string[] referrersApiRepositories) => Fault(request =>
    {
        if (request.Method == "PUT" && Split(request.Path, "/manifests/") is var (repository, reference))
        {
            var bytes = Encoding.UTF8.GetBytes(request.Body);
            var digest = PutManifest(repository, reference.StartsWith("sha256:", StringComparison.Ordinal) ? null : reference, request.Headers["Content-Type"], bytes);
            var subject = JsonNode.Parse(bytes)?["subject"]?["digest"]?.GetValue<string>();
            return subject is not null && referrersApiRepositories.Contains(repository)
                ? FaultReply.Status(201, null, null, ("Docker-Content-Digest", digest), ("OCI-Subject", subject))
                : FaultReply.Status(201, null, null, ("Docker-Content-Digest", digest));
        }

        if (request.Method == "POST" && request.Path.EndsWith("/blobs/uploads/", StringComparison.Ordinal) && request.Query.Contains("mount=", StringComparison.Ordinal))
        {
            var into = request.Path["/v2/".Length..^"/blobs/uploads/".Length];
            var query = request.Query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
            if (!_content.TryGetValue($"/v2/{query["from"]}/blobs/{query["mount"]}", out var blob))
            {
                return FaultReply.Status(404);
            }

            _content[$"/v2/{into}/blobs/{query["mount"]}"] = blob;
            return FaultReply.Status(201, null, null, ("Location", $"/v2/{into}/blobs/{query["mount"]}"), ("Docker-Content-Digest", query["mount"]));
        }

        if (request.Method == "GET" && Split(request.Path, "/referrers/") is var (repo, subjectDigest) && referrersApiRepositories.Contains(repo))
        {
            return FaultReply.Ok(Cake.MultiArch.Registry.MediaTypes.OciIndex, Encoding.UTF8.GetBytes(ReferrersOf(repo, subjectDigest).ToJsonString()));
        }

        return null;
    });

    /// <summary>The referrers list a registry serving the API gives for a digest: every manifest stored in the repository whose <c>subject</c> is it.</summary>
    public JsonObject ReferrersOf(string repository, string digest)
    {
        var manifests = new JsonArray();
        foreach (var (path, (contentType, body)) in _content.Where(c => c.Key.StartsWith($"/v2/{repository}/manifests/sha256:", StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var document = JsonNode.Parse(body)!;
            if (document["subject"]?["digest"]?.GetValue<string>() == digest)
            {
                var entry = new JsonObject { ["mediaType"] = contentType, ["digest"] = path[(path.LastIndexOf('/') + 1)..], ["size"] = body.Length };
                if ((document["artifactType"] ?? document["config"]?["mediaType"])?.GetValue<string>() is { } type)
                {
                    entry["artifactType"] = type;
                }

                if (document["annotations"] is JsonObject annotations)
                {
                    entry["annotations"] = annotations.DeepClone();
                }

                manifests.Add(entry);
            }
        }

        return new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = Cake.MultiArch.Registry.MediaTypes.OciIndex, ["manifests"] = manifests };
    }

    /// <summary>Gets what is stored under a path (<c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>), or <see langword="null"/>.</summary>
    public byte[]? Stored(string path) => _content.TryGetValue(path, out var content) ? content.Body : null;

    private static (string Repository, string Reference)? Split(string path, string kind)
    {
        var at = path.LastIndexOf(kind, StringComparison.Ordinal);
        return path.StartsWith("/v2/", StringComparison.Ordinal) && at > 4 ? (path[4..at], path[(at + kind.Length)..]) : null;
    }

    /// <summary>Adds a fault: the first rule that answers (non-null) decides the reply.</summary>
    public FaultRegistry Fault(Func<FaultRequest, FaultReply?> rule)
    {
        lock (_faults)
        {
            _faults.Add(rule);
        }

        return this;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var request = await ReadRequestAsync(stream);
            if (request is null)
            {
                return;
            }

            FaultReply? reply = null;
            lock (_faults)
            {
                foreach (var rule in _faults)
                {
                    if ((reply = rule(request)) is not null)
                    {
                        break;
                    }
                }
            }

            reply ??= _content.TryGetValue(request.Path, out var content)
                ? FaultReply.Ok(content.ContentType, content.Body, ("Docker-Content-Digest", Digest(content.Body)))
                : FaultReply.Status(404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"u8.ToArray());
            await SendAsync(client, stream, request, reply);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away (it timed out or stopped reading): that is what is tested.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task<FaultRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0 || head.Count > 65536)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = string.Empty;
        if (headers.TryGetValue("Content-Length", out var length) && int.TryParse(length, out var n) && n > 0)
        {
            var buffer = new byte[n];
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            body = Encoding.UTF8.GetString(buffer);
        }

        var target = parts[1];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        FaultRequest request;
        lock (_requests)
        {
            request = new FaultRequest(parts[0], q < 0 ? target : target[..q], q < 0 ? string.Empty : target[(q + 1)..], headers, body, _requests.Count + 1);
            _requests.Add(request);
        }

        return request;
    }

    private static bool EndsWithBlankLine(List<byte> head) =>
        head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';

    private async Task SendAsync(TcpClient client, NetworkStream stream, FaultRequest request, FaultReply reply)
    {
        var token = _stop.Token;
        switch (reply.Kind)
        {
            case FaultKind.Silent:
                await Task.Delay(Timeout.Infinite, token);
                return;
            case FaultKind.Reset:
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
        }

        var declared = reply.DeclaredLength ?? reply.Body.Length;
        var head = new StringBuilder($"HTTP/1.1 {reply.Code} {ReasonPhrase(reply.Code)}\r\n");
        if (reply.ContentType is not null)
        {
            head.Append("Content-Type: ").Append(reply.ContentType).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(declared).Append("\r\nConnection: close\r\n");
        foreach (var (name, value) in reply.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);
        await stream.FlushAsync(token);
        if (request.Method == "HEAD")
        {
            return;
        }

        switch (reply.Kind)
        {
            case FaultKind.Normal:
                await stream.WriteAsync(reply.Body, token);
                Interlocked.Add(ref _bytesSent, reply.Body.Length);
                break;
            case FaultKind.Truncated:
                await stream.WriteAsync(reply.Body.AsMemory(0, reply.SendBytes), token);
                Interlocked.Add(ref _bytesSent, reply.SendBytes);
                await stream.FlushAsync(token);
                break;
            case FaultKind.Stalled:
                await stream.WriteAsync(reply.Body.AsMemory(0, reply.SendBytes), token);
                Interlocked.Add(ref _bytesSent, reply.SendBytes);
                await stream.FlushAsync(token);
                await Task.Delay(Timeout.Infinite, token);
                break;
            case FaultKind.Trickle:
                foreach (var b in reply.Body)
                {
                    await stream.WriteAsync(new[] { b }, token);
                    await stream.FlushAsync(token);
                    Interlocked.Increment(ref _bytesSent);
                    await Task.Delay(reply.Interval, token);
                }

                break;
            case FaultKind.Endless:
                var zeros = new byte[65536];
                for (long sent = 0; sent < declared; sent += zeros.Length)
                {
                    await stream.WriteAsync(zeros, token);
                    Interlocked.Add(ref _bytesSent, zeros.Length);
                }

                break;
        }
    }

    private static string ReasonPhrase(int code) => code switch
    {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
}

/// <summary>A request the fault registry received.</summary>
internal sealed record FaultRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, int Number);

/// <summary>How the fault registry answers.</summary>
internal enum FaultKind
{
    Normal,
    Truncated,
    Stalled,
    Trickle,
    Endless,
    Silent,
    Reset,
}

/// <summary>One answer of the fault registry.</summary>
internal sealed record FaultReply(FaultKind Kind, int Code, string? ContentType, byte[] Body, (string Name, string Value)[] Headers)
{
    public int SendBytes { get; init; }

    public long? DeclaredLength { get; init; }

    public TimeSpan Interval { get; init; }

    public static FaultReply Ok(string contentType, byte[] body, params (string Name, string Value)[] headers) => new(FaultKind.Normal, 200, contentType, body, headers);

    public static FaultReply Status(int code, string? contentType = null, byte[]? body = null, params (string Name, string Value)[] headers) => new(FaultKind.Normal, code, contentType, body ?? [], headers);

    /// <summary>Declares the whole body's length, sends <paramref name="sendBytes"/> of it and closes the connection.</summary>
    public static FaultReply Truncated(string contentType, byte[] body, int sendBytes) => new(FaultKind.Truncated, 200, contentType, body, []) { SendBytes = sendBytes };

    /// <summary>Sends the headers and <paramref name="sendBytes"/> of the body, then nothing, the connection open.</summary>
    public static FaultReply Stalled(string contentType, byte[] body, int sendBytes) => new(FaultKind.Stalled, 200, contentType, body, []) { SendBytes = sendBytes };

    /// <summary>Sends the body one byte every <paramref name="interval"/>.</summary>
    public static FaultReply Trickle(string contentType, byte[] body, TimeSpan interval) => new(FaultKind.Trickle, 200, contentType, body, []) { Interval = interval };

    /// <summary>Declares <paramref name="length"/> bytes and streams zeros until the client stops reading.</summary>
    public static FaultReply Endless(int code, string contentType, long length) => new(FaultKind.Endless, code, contentType, [], []) { DeclaredLength = length };

    /// <summary>Accepts the request and never answers.</summary>
    public static FaultReply Silent { get; } = new(FaultKind.Silent, 0, null, [], []);

    /// <summary>Resets the connection (TCP RST) without answering.</summary>
    public static FaultReply Reset { get; } = new(FaultKind.Reset, 0, null, [], []);
}
