using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Registry;

/// <summary>The registry client's policy, over a scripted HTTP handler serving the real registry fixtures.</summary>
public sealed class RegistryClientTests
{
    private static readonly byte[] Index = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-index.json"));
    private static readonly byte[] Manifest = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-manifest-arm64.json"));
    private static readonly byte[] List = File.ReadAllBytes(TestPaths.Fixture("registry/podman-docker-manifest-list.json"));
    private static readonly byte[] Config = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-config-arm64.json"));
    private static readonly string ManifestDigest = "sha256:867ce1caa2f07802f0823661cb553fa3258b9299b7795a4177ff269935c22a5b";
    private static readonly ImageReference Repo = ImageReference.Parse("registry.example.com/team/app:1");
    private static readonly ImageReference LocalRepo = ImageReference.Parse("127.0.0.1:5001/team/app:1");

    private static (RegistryClient Client, ScriptedHandler Handler, List<TimeSpan> Waits) Client(Func<HttpRequestMessage, int, HttpResponseMessage> answer, RegistryClientOptions? options = null)
    {
        var handler = new ScriptedHandler(answer);
        var waits = new List<TimeSpan>();
        var client = new RegistryClient(options ?? new RegistryClientOptions(), handler) { Delay = (t, _) => { waits.Add(t); return Task.CompletedTask; } };
        return (client, handler, waits);
    }

    [Fact]
    public async Task Should_Ask_With_The_Explicit_Accept_List_And_Dispatch_On_Content_Type()
    {
        var (client, handler, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, Index, MediaTypes.OciIndex));
        var result = await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);
        Assert.True(result.IsIndex);
        Assert.Equal(MediaTypes.OciIndex, result.MediaType);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Index)), result.Digest);
        Assert.Equal(["linux/amd64", "linux/arm64"], result.ToIndex().Manifests.Select(m => m.Platform!.ToString()));
        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://registry.example.com/v2/team/app/manifests/1", request.Uri.ToString());
        Assert.Equal("application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json", request.Accept);
    }

    [Fact]
    public async Task Should_Make_Its_Http_Client_On_The_First_Request_Only()
    {
        // Given: a client, asked nothing yet (what a check that needed no registry leaves behind)
        var (client, handler, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, Index, MediaTypes.OciIndex));
        Assert.False(client.IsConnected);
        Assert.True(client.IsPlainHttp("localhost:5000"));
        Assert.False(client.IsConnected);

        // When
        await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);
        await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);

        // Then
        Assert.True(client.IsConnected);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Should_Make_No_Http_Client_When_The_Access_Settings_Make_A_Client_That_Is_Never_Asked()
    {
        // Given
        var access = new RegistryAccess { Username = "u", Password = "p", InsecureRegistries = { "10.0.0.5:5000" } };

        // When
        using var client = access.CreateClient();

        // Then
        Assert.False(client.IsConnected);
        Assert.True(client.IsPlainHttp("10.0.0.5:5000"));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Should_Use_Plain_Http_Only_For_Loopback_And_Listed_Registries()
    {
        var (client, handler, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, List, MediaTypes.DockerManifestList));
        await client.GetManifestAsync(LocalRepo, "1", TestContext.Current.CancellationToken);
        Assert.Equal("http://127.0.0.1:5001/v2/team/app/manifests/1", handler.Requests[0].Uri.ToString());
        Assert.True(client.IsPlainHttp("localhost:5000"));
        Assert.True(client.IsPlainHttp("[::1]:5000"));
        Assert.False(client.IsPlainHttp("10.0.0.5:5000"));
        var options = new RegistryClientOptions { InsecureRegistries = { "10.0.0.5:5000" } };
        Assert.True(new RegistryClient(options).IsPlainHttp("10.0.0.5:5000"));
    }

    [Fact]
    public async Task Should_Fall_Back_To_The_Documents_Media_Type_When_Served_As_Json()
    {
        var (client, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, List, "application/json"));
        var result = await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);
        Assert.Equal(MediaTypes.DockerManifestList, result.MediaType);
    }

    [Fact]
    public async Task Should_Refuse_A_Manifest_Whose_Digest_Does_Not_Match()
    {
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Manifest).Replace("1036395", "1036396", StringComparison.Ordinal));
        var (client, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, altered, MediaTypes.OciManifest));
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, ManifestDigest, TestContext.Current.CancellationToken));
        Assert.StartsWith($"GET https://registry.example.com/v2/team/app/manifests/{ManifestDigest} returned content whose digest is sha256:", ex.Message);
        Assert.EndsWith($"; expected {ManifestDigest}. The registry or a proxy altered the manifest.", ex.Message);
    }

    [Fact]
    public async Task Should_Accept_The_Real_Manifest_By_Its_Digest_And_Check_The_Header()
    {
        var (client, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, Manifest, MediaTypes.OciManifest, r => r.Headers.Add("Docker-Content-Digest", ManifestDigest)));
        var result = await client.GetManifestAsync(Repo, ManifestDigest, TestContext.Current.CancellationToken);
        Assert.Equal(ManifestDigest, result.Digest);
        Assert.Equal(2, result.ToManifest().Layers.Count);

        var (lying, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, Manifest, MediaTypes.OciManifest, r => r.Headers.Add("Docker-Content-Digest", "sha256:" + new string('0', 64))));
        var ex = await Assert.ThrowsAsync<CakeException>(() => lying.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken));
        Assert.Equal($"GET https://registry.example.com/v2/team/app/manifests/1 returned content whose digest is {ManifestDigest}, but its Docker-Content-Digest header says sha256:{new string('0', 64)}.", ex.Message);
    }

    [Fact]
    public async Task Should_Verify_Blobs_Whole_And_Streamed()
    {
        const string configDigest = "sha256:dfe46a2d22a9247ddcc95051bd1777994bf6cc8abf0e94779046432e29a8b0ab";
        var (client, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, Config, "application/octet-stream"));
        Assert.Equal(Config, await client.GetBlobAsync(Repo, configDigest, TestContext.Current.CancellationToken));
        await using (var stream = await client.OpenBlobAsync(Repo, configDigest, TestContext.Current.CancellationToken))
        {
            await stream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);
        }

        var wrong = "sha256:" + new string('1', 64);
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetBlobAsync(Repo, wrong, TestContext.Current.CancellationToken));
        Assert.Equal($"GET https://registry.example.com/v2/team/app/blobs/{wrong} returned content whose digest is {configDigest}; expected {wrong}.", ex.Message);
        await using var streamed = await client.OpenBlobAsync(Repo, wrong, TestContext.Current.CancellationToken);
        var streamedError = await Assert.ThrowsAsync<CakeException>(() => streamed.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken));
        Assert.Equal(ex.Message, streamedError.Message);
    }

    [Theory]
    [InlineData("realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\"", "https://auth.docker.io/token", "registry.docker.io", "repository:library/alpine:pull")]
    [InlineData("realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:o/a:pull,push\"", "https://ghcr.io/token", "ghcr.io", "repository:o/a:pull,push")]
    [InlineData("realm=https://r.example.com/auth, service=r.example.com", "https://r.example.com/auth", "r.example.com", null)]
    public void Should_Parse_Bearer_Challenges(string parameter, string realm, string service, string? scope)
    {
        var parsed = RegistryAuthenticator.ParseChallenge(parameter);
        Assert.Equal(realm, parsed["realm"]);
        Assert.Equal(service, parsed["service"]);
        Assert.Equal(scope, parsed.GetValueOrDefault("scope"));
    }

    [Fact]
    public async Task Should_Get_A_Pull_Scoped_Token_With_Basic_Credentials_And_Reuse_It()
    {
        var (client, handler, _) = Client((request, n) => request.RequestUri!.Host switch
        {
            "auth.example.com" => ScriptedHandler.Respond(HttpStatusCode.OK, "{\"token\":\"tok-123\"}"u8.ToArray(), "application/json"),
            _ when request.Headers.Authorization?.ToString() == "Bearer tok-123" => ScriptedHandler.Respond(HttpStatusCode.OK, Index, MediaTypes.OciIndex),
            _ => ScriptedHandler.Respond(HttpStatusCode.Unauthorized, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"u8.ToArray(), "application/json",
                r => r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Bearer", "realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:team/app:pull,push\""))),
        }, new RegistryClientOptions { Credential = new RegistryCredential("ci", "p@ss") });

        await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);
        await client.GetManifestAsync(Repo, "2", TestContext.Current.CancellationToken);

        var requests = handler.Requests;
        Assert.Equal(4, requests.Count);
        Assert.Null(requests[0].Authorization);
        Assert.Equal("https://auth.example.com/token?service=registry.example.com&scope=repository%3Ateam%2Fapp%3Apull", requests[1].Uri.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String("ci:p@ss"u8.ToArray()), requests[1].Authorization);
        Assert.Equal("Bearer tok-123", requests[2].Authorization);
        Assert.Equal("Bearer tok-123", requests[3].Authorization);
    }

    [Fact]
    public async Task Should_Exchange_An_Identity_Token_For_An_Access_Token()
    {
        string? form = null;
        var (client, handler, _) = Client((request, n) =>
        {
            if (request.RequestUri!.Host == "auth.example.com")
            {
                form = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
                return ScriptedHandler.Respond(HttpStatusCode.OK, "{\"access_token\":\"acc-9\",\"refresh_token\":\"r2\"}"u8.ToArray(), "application/json");
            }

            return request.Headers.Authorization?.ToString() == "Bearer acc-9"
                ? ScriptedHandler.Respond(HttpStatusCode.OK, Index, MediaTypes.OciIndex)
                : ScriptedHandler.Respond(HttpStatusCode.Unauthorized, null, null, r => r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Bearer", "realm=\"https://auth.example.com/token\",service=\"registry.example.com\"")));
        }, new RegistryClientOptions { Credential = new RegistryCredential("<token>", string.Empty) { IdentityToken = "refresh-abc" } });

        await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpMethod.Post, handler.Requests[1].Method);
        Assert.Null(handler.Requests[1].Authorization);
        Assert.Equal("grant_type=refresh_token&refresh_token=refresh-abc&service=registry.example.com&scope=repository%3Ateam%2Fapp%3Apull&client_id=cake-multiarch", form);
        Assert.Equal("Bearer acc-9", handler.Requests[2].Authorization);
    }

    [Fact]
    public async Task Should_Answer_A_Basic_Challenge_And_Report_A_Refusal_Without_The_Password()
    {
        var (client, handler, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.Unauthorized, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}"u8.ToArray(), "application/json",
            r => r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"registry\""))), new RegistryClientOptions { Credential = new RegistryCredential("ci", "wrong-pass-77") });
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken));
        Assert.Equal("GET https://registry.example.com/v2/team/app/manifests/1 returned 401 Unauthorized: UNAUTHORIZED: authentication required. The credential for 'registry.example.com' (user 'ci') was refused.", ex.Message);
        Assert.Equal([null, "Basic " + Convert.ToBase64String("ci:wrong-pass-77"u8.ToArray())], handler.Requests.Select(r => r.Authorization));
        Assert.Equal("ci:[REDACTED]", new RegistryCredential("ci", "wrong-pass-77").ToString());
    }

    [Fact]
    public async Task Should_Ask_The_Credential_Provider_Once_Per_Registry()
    {
        // Given: a registry that refuses every credential, and a provider (a credential helper is a process) counting its calls
        var asked = new List<string>();
        var (client, handler, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.Unauthorized, null, null, r => r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"r\""))),
            new RegistryClientOptions { CredentialProvider = registry => { lock (asked) { asked.Add(registry); } return new RegistryCredential("ci", "pw"); } });

        // When: two requests, each answered by a challenge and a refusal (whose message names the user)
        var first = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "2", TestContext.Current.CancellationToken));

        // Then
        Assert.Equal(["registry.example.com"], asked);
        Assert.EndsWith("The credential for 'registry.example.com' (user 'ci') was refused.", first.Message);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task Should_Not_Send_Authorization_To_Another_Host_On_A_Redirect()
    {
        const string configDigest = "sha256:dfe46a2d22a9247ddcc95051bd1777994bf6cc8abf0e94779046432e29a8b0ab";
        var (client, handler, _) = Client((request, n) => request.RequestUri!.Host switch
        {
            "cdn.example.net" => ScriptedHandler.Respond(HttpStatusCode.OK, Config, "application/octet-stream"),
            _ when request.Headers.Authorization is null => ScriptedHandler.Respond(HttpStatusCode.Unauthorized, null, null, r => r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"r\""))),
            _ => ScriptedHandler.Respond(HttpStatusCode.TemporaryRedirect, null, null, r => r.Headers.Location = new Uri("https://cdn.example.net/blobs/abc?sig=1")),
        }, new RegistryClientOptions { Credential = new RegistryCredential("ci", "pw") });

        var bytes = await client.GetBlobAsync(Repo, configDigest, TestContext.Current.CancellationToken);

        Assert.Equal(Config, bytes);
        Assert.Equal(["registry.example.com", "registry.example.com", "cdn.example.net"], handler.Requests.Select(r => r.Uri.Host));
        Assert.NotNull(handler.Requests[1].Authorization);
        Assert.Null(handler.Requests[2].Authorization);
    }

    [Fact]
    public async Task Should_Retry_429_And_5xx_Honouring_Retry_After()
    {
        var (client, handler, waits) = Client((_, n) => n switch
        {
            1 => ScriptedHandler.Respond(HttpStatusCode.TooManyRequests, null, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3))),
            2 => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable),
            3 => ScriptedHandler.Respond(HttpStatusCode.BadGateway, null, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10))),
            _ => ScriptedHandler.Respond(HttpStatusCode.OK, Index, MediaTypes.OciIndex),
        });
        await client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken);
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10)], waits);
    }

    [Fact]
    public async Task Should_Give_Up_After_The_Bound_With_The_Registrys_Error()
    {
        var (client, handler, waits) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"service unavailable\"}]}"u8.ToArray(), "application/json"), new RegistryClientOptions { MaxAttempts = 3 });
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken));
        Assert.Equal("GET https://registry.example.com/v2/team/app/manifests/1 returned 503 Service Unavailable: UNAVAILABLE: service unavailable.", ex.Message);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], waits);
    }

    [Fact]
    public async Task Should_Retry_Connection_Failures_Then_Say_So()
    {
        var (client, handler, _) = Client((_, _) => throw new HttpRequestException("Connection refused (registry.example.com:443)"), new RegistryClientOptions { MaxAttempts = 2 });
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken));
        Assert.Equal("GET https://registry.example.com/v2/team/app/manifests/1 failed after 2 attempts: Connection refused (registry.example.com:443). Check that registry.example.com is up and reachable (proxy, firewall, DNS), then run again.", ex.Message);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Should_Name_The_Reference_On_Manifest_Unknown()
    {
        var (client, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.NotFound, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"9\"}}]}"u8.ToArray(), "application/json"));
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "9", TestContext.Current.CancellationToken));
        Assert.Equal("GET https://registry.example.com/v2/team/app/manifests/9 returned 404 Not Found: MANIFEST_UNKNOWN: manifest unknown. Check the repository and tag of 'registry.example.com/team/app:1'.", ex.Message);
    }

    [Fact]
    public async Task Should_Head_A_Manifest_And_Say_When_It_Is_Not_There()
    {
        var (client, handler, _) = Client((request, _) => request.RequestUri!.AbsolutePath.EndsWith("/1", StringComparison.Ordinal)
            ? ScriptedHandler.Respond(HttpStatusCode.OK, null, MediaTypes.OciIndex, r => { r.Headers.Add("Docker-Content-Digest", ManifestDigest); r.Content.Headers.ContentLength = 491; })
            : ScriptedHandler.Respond(HttpStatusCode.NotFound));
        var found = await client.HeadManifestAsync(Repo, "1", TestContext.Current.CancellationToken);
        Assert.Equal((MediaTypes.OciIndex, ManifestDigest, 491L), (found!.MediaType, found.Digest, found.Size));
        Assert.Null(await client.HeadManifestAsync(Repo, "2", TestContext.Current.CancellationToken));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Head, r.Method));
    }

    [Fact]
    public async Task Should_Refuse_An_Oversized_Manifest()
    {
        var (client, _, _) = Client((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, new byte[2048], MediaTypes.OciManifest), new RegistryClientOptions { MaxDocumentBytes = 1024 });
        var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetManifestAsync(Repo, "1", TestContext.Current.CancellationToken));
        Assert.Equal("GET https://registry.example.com/v2/team/app/manifests/1 returned 2048 bytes; a manifest or config over 1024 bytes is refused.", ex.Message);
    }
}
