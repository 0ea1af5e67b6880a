using System.Text;
using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Registry;

/// <summary>
/// The registry client against <see cref="FaultRegistry"/>, a real HTTP server on loopback that
/// misbehaves on purpose. Each case asserts the exact message and an upper bound on the time
/// taken: the bound proves "no hang", not speed.
/// </summary>
public sealed class RegistryClientFaultTests : IDisposable
{
    private static readonly byte[] Manifest = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-manifest-arm64.json"));
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly FaultRegistry _registry = new();
    private readonly List<TimeSpan> _waits = [];

    public RegistryClientFaultTests()
    {
        _registry.PutManifest("fault/app", "1", MediaTypes.OciManifest, Manifest);
    }

    private string Url(string path) => $"http://{_registry.Host}{path}";

    private ImageReference Repo => ImageReference.Parse($"{_registry.Host}/fault/app:1");

    private RegistryClient Client(TimeSpan? timeout = null, int attempts = 2, TimeSpan? idle = null, TimeSpan? layer = null) =>
        new(new RegistryClientOptions
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            MaxAttempts = attempts,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            ReadIdleTimeout = idle ?? TimeSpan.FromSeconds(5),
            LayerTimeout = layer ?? TimeSpan.FromSeconds(30),
        })
        {
            Delay = (wait, token) =>
            {
                lock (_waits)
                {
                    _waits.Add(wait);
                }

                return Task.Delay(wait, token);
            },
        };

    private static Task<CakeException> FailsWithin(TimeSpan bound, Func<Task> act) =>
        FaultRegistry.Within(bound, () => Assert.ThrowsAsync<CakeException>(act));

    public void Dispose() => _registry.Dispose();

    public sealed class TheTransport : IDisposable
    {
        private readonly RegistryClientFaultTests _t = new();

        public void Dispose() => _t.Dispose();

        [Fact]
        public async Task Should_Honour_Retry_After_On_429_Then_Succeed()
        {
            // Given
            _t._registry.Fault(r => r.Number == 1 ? FaultReply.Status(429, null, null, ("Retry-After", "1")) : null);
            using var client = _t.Client();

            // When
            var result = await FaultRegistry.Within(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal(FaultRegistry.Digest(Manifest), result.Digest);
            Assert.Equal([TimeSpan.FromSeconds(1)], _t._waits);
            Assert.Equal(2, _t._registry.Requests.Count);
        }

        [Fact]
        public async Task Should_Give_Up_At_Once_When_Retry_After_Is_Past_The_Request_Timeout()
        {
            // Given: 503 asking for a 10 s wait (MaxBackoff), with 3 s of RequestTimeout
            _t._registry.Fault(_ => FaultReply.Status(503, "application/json", "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"busy\"}]}"u8.ToArray(), ("Retry-After", "120")));
            using var client = _t.Client(TimeSpan.FromSeconds(3), attempts: 4);

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(3), () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} gave up for {_t._registry.Host} after 1 attempt: the next try would wait 10 s, past the request timeout of 3 s (last: GET {_t.Url("/v2/fault/app/manifests/1")} returned 503 Service Unavailable). Raise RequestTimeout, or try again when the registry is less busy.", ex.Message);
            Assert.Single(_t._registry.Requests);
        }

        [Fact]
        public async Task Should_Report_The_Registrys_Error_After_The_Last_503()
        {
            // Given
            _t._registry.Fault(_ => FaultReply.Status(503, "application/json", "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"busy\"}]}"u8.ToArray()));
            using var client = _t.Client(attempts: 3);

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} returned 503 Service Unavailable: UNAVAILABLE: busy.", ex.Message);
            Assert.Equal(3, _t._registry.Requests.Count);
            Assert.Equal([TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)], _t._waits);
        }

        [Theory]
        [InlineData("a reset connection")]
        [InlineData("a body cut short (758 bytes declared, 100 sent)")]
        [InlineData("a 503 without Retry-After")]
        [InlineData("a try that never answers")]
        public async Task Should_Retry_A_Transient_Fault_Then_Succeed(string fault)
        {
            // Given: the first try meets the fault, the second is served
            var reply = fault switch
            {
                "a reset connection" => FaultReply.Reset,
                "a 503 without Retry-After" => FaultReply.Status(503),
                "a try that never answers" => FaultReply.Silent,
                _ => FaultReply.Truncated(MediaTypes.OciManifest, Manifest, 100),
            };
            _t._registry.Fault(r => r.Number == 1 ? reply : null);
            using var client = new RegistryClient(new RegistryClientOptions { Timeout = TimeSpan.FromSeconds(10), AttemptTimeout = TimeSpan.FromSeconds(2) });

            // When
            var result = await FaultRegistry.Within(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal(FaultRegistry.Digest(Manifest), result.Digest);
            Assert.Equal(2, _t._registry.Requests.Count);
        }

        [Fact]
        public async Task Should_Say_So_When_Every_Connection_Is_Reset()
        {
            // Given
            _t._registry.Fault(_ => FaultReply.Reset);
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.StartsWith($"GET {_t.Url("/v2/fault/app/manifests/1")} failed after 2 attempts: ", ex.Message);
            Assert.Equal(2, _t._registry.Requests.Count);
        }

        [Fact]
        public async Task Should_Name_The_Cut_Body_When_Every_Try_Is_Truncated()
        {
            // Given
            _t._registry.Fault(_ => FaultReply.Truncated(MediaTypes.OciManifest, Manifest, 100));
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} failed after 2 attempts: The response ended prematurely, with at least 658 additional bytes expected. (ResponseEnded). Check that {_t._registry.Host} is up and reachable (proxy, firewall, DNS), then run again.", ex.Message);
        }

        [Fact]
        public async Task Should_Bound_A_Trickled_Body_By_The_Request_Timeout()
        {
            // Given: one byte every 100 ms (76 s for the manifest)
            _t._registry.Fault(_ => FaultReply.Trickle(MediaTypes.OciManifest, Manifest, TimeSpan.FromMilliseconds(100)));
            using var client = _t.Client(TimeSpan.FromSeconds(2));

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(10), () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} (manifest '1') timed out for {_t._registry.Host}; expected an answer within 2 s (RequestTimeout; 2 s per try), found none after 1 attempt. Check that {_t._registry.Host} is up and serves the registry API, or raise RequestTimeout.", ex.Message);
        }

        [Fact]
        public async Task Should_Bound_A_Silent_Registry_By_The_Request_Timeout()
        {
            // Given: the connection is accepted and the request read, but nothing is answered
            _t._registry.Fault(_ => FaultReply.Silent);
            using var client = _t.Client(TimeSpan.FromSeconds(2), attempts: 4);

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(10), () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} (manifest '1') timed out for {_t._registry.Host}; expected an answer within 2 s (RequestTimeout; 2 s per try), found none after 1 attempt. Check that {_t._registry.Host} is up and serves the registry API, or raise RequestTimeout.", ex.Message);
        }

        [Fact]
        public async Task Should_Fail_A_Silent_Registry_Well_Under_A_Minute_With_The_Defaults()
        {
            // Given: the default options (30 s in all, 10 s per try, 4 attempts)
            _t._registry.Fault(_ => FaultReply.Silent);
            using var client = new RegistryClient(new RegistryClientOptions());

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(45), () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} (manifest '1') timed out for {_t._registry.Host}; expected an answer within 30 s (RequestTimeout; 10 s per try), found none after 3 attempts. Check that {_t._registry.Host} is up and serves the registry API, or raise RequestTimeout.", ex.Message);
            Assert.Equal(3, _t._registry.Requests.Count);
        }

        [Fact]
        public async Task Should_Name_A_Hanging_Token_Endpoint()
        {
            // Given: the registry asks for a bearer token from an endpoint that never answers
            _t._registry.Fault(r => r.Path == "/token" ? FaultReply.Silent : null);
            _t._registry.Fault(r => r.Headers.ContainsKey("Authorization") ? null : FaultReply.Status(401, null, null, ("WWW-Authenticate", $"Bearer realm=\"{_t.Url("/token")}\",service=\"fault\"")));
            using var client = _t.Client(TimeSpan.FromSeconds(5)); // room for the 401 round trip on a busy machine

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(15), () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/token?service=fault&scope=repository%3Afault%2Fapp%3Apull")} (bearer token for {_t._registry.Host}) timed out for {_t._registry.Host}; expected an answer within 5 s (RequestTimeout; 5 s per try), found none after 1 attempt. Check that {_t._registry.Host} is up and serves the registry API, or raise RequestTimeout.", ex.Message);
        }

        [Fact]
        public async Task Should_Refuse_A_Token_Endpoint_Answering_Html()
        {
            // Given
            _t._registry.Fault(r => r.Path == "/token" ? FaultReply.Ok("text/html", "<html><body>Sign in</body></html>"u8.ToArray()) : null);
            _t._registry.Fault(r => r.Headers.ContainsKey("Authorization") ? null : FaultReply.Status(401, null, null, ("WWW-Authenticate", $"Bearer realm=\"{_t.Url("/token")}\"")));
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/token")} returned 'text/html' that is not JSON ('<' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0.); expected a JSON object with 'token' or 'access_token'. Check the realm in the registry's WWW-Authenticate header (a proxy or login page answering in its place does this).", ex.Message);
        }

        [Fact]
        public async Task Should_Refuse_A_Redirect_Loop()
        {
            // Given
            _t._registry.Fault(r => r.Path.StartsWith("/v2/", StringComparison.Ordinal) ? FaultReply.Status(307, null, null, ("Location", "/loop")) : null);
            _t._registry.Fault(r => r.Path == "/loop" ? FaultReply.Status(302, null, null, ("Location", "/loop")) : null);
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} was redirected more than 5 times (the last to {_t.Url("/loop")}); expected the content within 5 redirects. A redirect loop between the registry and its storage or proxy does this: check their configuration.", ex.Message);
            Assert.Equal(6, _t._registry.Requests.Count);
        }

        [Theory]
        [InlineData("text/html", "<html><body>Not Found</body></html>", false)]
        [InlineData("text/plain", "404 page not found", false)]
        [InlineData("application/json", "", true)]
        public async Task Should_Tell_A_Web_Server_From_A_Registry_When_A_Manifest_Is_Not_Found(string contentType, string body, bool registryHeader)
        {
            // Given: a 404 with no registry error code, from a web server (no API header) or from a registry
            (string, string)[] headers = registryHeader ? [("Docker-Distribution-API-Version", "registry/2.0")] : [];
            _t._registry.Fault(_ => FaultReply.Status(404, contentType, System.Text.Encoding.UTF8.GetBytes(body), headers));
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            var hint = registryHeader
                ? $"Check the repository and tag of '{_t._registry.Host}/fault/app:1'."
                : $"'{_t._registry.Host}' answered like a web server, not a container registry (no Docker-Distribution-API-Version header, no registry error in the body); expected the OCI distribution API under /v2/. Check the registry's address (host and port) in '{_t._registry.Host}/fault/app:1'.";
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} returned 404 Not Found. {hint}", ex.Message);
        }

        [Fact]
        public async Task Should_Read_At_Most_64_KiB_Of_A_200_MB_Error_Body()
        {
            // Given: a 404 declaring 200 MB of body
            _t._registry.Fault(_ => FaultReply.Endless(404, "text/html", 200L * 1024 * 1024));
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} returned 404 Not Found. '{_t._registry.Host}' answered like a web server, not a container registry (no Docker-Distribution-API-Version header, no registry error in the body); expected the OCI distribution API under /v2/. Check the registry's address (host and port) in '{_t._registry.Host}/fault/app:1'.", ex.Message);
            Assert.True(_t._registry.BytesSent < 50L * 1024 * 1024, $"the server sent {_t._registry.BytesSent} bytes: the client read the whole body");
        }

        [Fact]
        public async Task Should_Refuse_An_Oversized_Manifest_Without_Reading_It()
        {
            // Given: 200 OK declaring 200 MB
            _t._registry.Fault(_ => FaultReply.Endless(200, MediaTypes.OciManifest, 200L * 1024 * 1024));
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} returned 209715200 bytes; a manifest or config over 4194304 bytes is refused.", ex.Message);
            Assert.True(_t._registry.BytesSent < 50L * 1024 * 1024, $"the server sent {_t._registry.BytesSent} bytes");
        }

        [Fact]
        public async Task Should_Refuse_A_Manifest_Whose_Header_Digest_Disagrees()
        {
            // Given
            var wrong = "sha256:" + new string('0', 64);
            _t._registry.Fault(_ => FaultReply.Ok(MediaTypes.OciManifest, Manifest, ("Docker-Content-Digest", wrong)));
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "1", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/manifests/1")} returned content whose digest is {FaultRegistry.Digest(Manifest)}, but its Docker-Content-Digest header says {wrong}.", ex.Message);
            Assert.Single(_t._registry.Requests);
        }

        [Fact]
        public async Task Should_Refuse_A_Blob_Whose_Bytes_Are_Not_Its_Digest()
        {
            // Given: the config's address serves the manifest's bytes
            var config = "sha256:dfe46a2d22a9247ddcc95051bd1777994bf6cc8abf0e94779046432e29a8b0ab";
            _t._registry.Fault(r => r.Path.EndsWith(config, StringComparison.Ordinal) ? FaultReply.Ok("application/octet-stream", Manifest) : null);
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetBlobAsync(_t.Repo, config, TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/blobs/" + config)} returned content whose digest is {FaultRegistry.Digest(Manifest)}; expected {config}.", ex.Message);
        }

        [Fact]
        public async Task Should_Refuse_A_Reference_That_Is_Neither_A_Tag_Nor_A_Digest_Before_Any_Request()
        {
            // Given
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => client.GetManifestAsync(_t.Repo, "../../secret", TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"Registry: '../../secret' is not a tag or digest for {_t._registry.Host}/fault/app:1/manifests; expected a tag of [A-Za-z0-9_.-] or 'sha256:' followed by 64 hex digits.", ex.Message);
            Assert.Empty(_t._registry.Requests);
        }
    }

    public sealed class TheLayerStream : IDisposable
    {
        private readonly RegistryClientFaultTests _t = new();
        private readonly byte[] _layer = FaultRegistry.Layer(File.ReadAllBytes("/bin/sh"));

        public void Dispose() => _t.Dispose();

        private async Task ReadToEndAsync(RegistryClient client, string digest)
        {
            await using var stream = await client.OpenBlobAsync(_t.Repo, digest, TestContext.Current.CancellationToken);
            await stream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);
        }

        [Fact]
        public async Task Should_Stop_A_Stalled_Layer_After_The_Idle_Limit()
        {
            // Given: the headers and 100 bytes, then nothing
            var digest = FaultRegistry.Digest(_layer);
            _t._registry.Fault(r => r.Path.EndsWith(digest, StringComparison.Ordinal) ? FaultReply.Stalled("application/octet-stream", _layer, 100) : null);
            using var client = _t.Client(idle: TimeSpan.FromSeconds(1));

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(10), () => ReadToEndAsync(client, digest));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/blobs/" + digest)} stalled: no bytes for 1 s (ReadIdleTimeout) after 100 bytes. Check that the registry is up, or raise ReadIdleTimeout.", ex.Message);
        }

        [Fact]
        public async Task Should_Stop_A_Trickled_Layer_At_The_Layer_Timeout()
        {
            // Given: one byte every 50 ms: never idle for 1 s, never done in 2 s
            var digest = FaultRegistry.Digest(_layer);
            _t._registry.Fault(r => r.Path.EndsWith(digest, StringComparison.Ordinal) ? FaultReply.Trickle("application/octet-stream", _layer, TimeSpan.FromMilliseconds(50)) : null);
            using var client = _t.Client(idle: TimeSpan.FromSeconds(1), layer: TimeSpan.FromSeconds(2));

            // When
            var ex = await FailsWithin(TimeSpan.FromSeconds(10), () => ReadToEndAsync(client, digest));

            // Then
            Assert.Matches($"^GET {System.Text.RegularExpressions.Regex.Escape(_t.Url("/v2/fault/app/blobs/" + digest))} did not finish within 2 s \\(LayerTimeout\\); [0-9]+ bytes had arrived\\. Check the registry's bandwidth, or raise LayerTimeout\\.$", ex.Message);
        }

        [Fact]
        public async Task Should_Name_A_Layer_Cut_Short()
        {
            // Given: the whole length declared, 100 bytes sent, the connection closed
            var digest = FaultRegistry.Digest(_layer);
            _t._registry.Fault(r => r.Path.EndsWith(digest, StringComparison.Ordinal) ? FaultReply.Truncated("application/octet-stream", _layer, 100) : null);
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => ReadToEndAsync(client, digest));

            // Then
            // .NET counts the missing bytes from what its buffer had asked for: at least the rest.
            Assert.Matches($"^GET {System.Text.RegularExpressions.Regex.Escape(_t.Url("/v2/fault/app/blobs/" + digest))} was cut after 100 bytes: The response ended prematurely, with at least [0-9]+ additional bytes expected\\. \\(ResponseEnded\\)\\. Check the registry and the network, then run again\\.$", ex.Message);
        }

        [Fact]
        public async Task Should_Verify_The_Digest_Of_A_Streamed_Layer()
        {
            // Given: another layer's bytes at this digest
            var digest = FaultRegistry.Digest(_layer);
            var other = FaultRegistry.Layer(Encoding.UTF8.GetBytes("#!/bin/sh\necho not the layer\n"));
            _t._registry.Fault(r => r.Path.EndsWith(digest, StringComparison.Ordinal) ? FaultReply.Ok("application/octet-stream", other) : null);
            using var client = _t.Client();

            // When
            var ex = await FailsWithin(Bound, () => ReadToEndAsync(client, digest));

            // Then
            Assert.Equal($"GET {_t.Url("/v2/fault/app/blobs/" + digest)} returned content whose digest is {FaultRegistry.Digest(other)}; expected {digest}.", ex.Message);
        }
    }
}
