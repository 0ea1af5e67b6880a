using System.Net;
using System.Text;
using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Registry;

/// <summary>The registry client's writes over a scripted HTTP handler: push-scoped tokens, byte-for-byte manifests, HEAD first, mount and its upload fallback, retried bodies.</summary>
public sealed class RegistryClientWritesTests
{
    private static readonly byte[] Manifest = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-manifest-arm64.json"));
    private static readonly string ManifestDigest = "sha256:867ce1caa2f07802f0823661cb553fa3258b9299b7795a4177ff269935c22a5b";
    private static readonly byte[] Blob = Encoding.UTF8.GetBytes("layer bytes");
    private static readonly string BlobDigest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Blob));
    private static readonly ImageReference Target = ImageReference.Parse("registry.example.com/team/app");
    private static readonly ImageReference Source = ImageReference.Parse("registry.example.com/team/src");

    private static (RegistryClient Client, ScriptedHandler Handler, List<string> Bodies) Client(Func<HttpRequestMessage, int, HttpResponseMessage> answer, RegistryClientOptions? options = null)
    {
        var bodies = new List<string>();
        var handler = new ScriptedHandler((request, n) =>
        {
            bodies.Add(request.Content is null ? string.Empty : $"{request.Content.Headers.ContentType}|{request.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
            return answer(request, n);
        });
        return (new RegistryClient(options ?? new RegistryClientOptions(), handler) { Delay = (_, _) => Task.CompletedTask }, handler, bodies);
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, Action<HttpResponseMessage>? headers = null) => ScriptedHandler.Respond(status, headers: headers);

    public sealed class ThePutManifestAsyncMethod
    {
        [Fact]
        public async Task Should_Send_The_Bytes_Unchanged_With_The_Media_Type()
        {
            // Given
            var (client, handler, bodies) = Client((_, _) => Respond(HttpStatusCode.Created, r => r.Headers.Add("Docker-Content-Digest", ManifestDigest)));

            // When
            var digest = await client.PutManifestAsync(Target, "1.0", MediaTypes.OciManifest, Manifest, TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(ManifestDigest, digest);
            Assert.Equal((HttpMethod.Put, "https://registry.example.com/v2/team/app/manifests/1.0"), (handler.Requests[0].Method, handler.Requests[0].Uri.ToString()));
            Assert.Equal(MediaTypes.OciManifest + "|" + Encoding.UTF8.GetString(Manifest), bodies[0]);
        }

        [Fact]
        public async Task Should_Fail_When_The_Registry_Stores_Another_Digest()
        {
            // Given
            var other = "sha256:" + new string('f', 64);
            var (client, _, _) = Client((_, _) => Respond(HttpStatusCode.Created, r => r.Headers.Add("Docker-Content-Digest", other)));

            // When
            var ex = await Assert.ThrowsAsync<CakeException>(() => client.PutManifestAsync(Target, ManifestDigest, MediaTypes.OciManifest, Manifest, TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"PUT https://registry.example.com/v2/team/app/manifests/{ManifestDigest} stored the manifest as {other}; expected {ManifestDigest}. The registry rewrote the manifest: it cannot be published byte for byte there.", ex.Message);
        }

        [Fact]
        public async Task Should_Resend_The_Body_When_Retrying_After_A_503()
        {
            // Given
            var (client, handler, bodies) = Client((_, n) => n == 1 ? Respond(HttpStatusCode.ServiceUnavailable) : Respond(HttpStatusCode.Created));

            // When
            await client.PutManifestAsync(Target, ManifestDigest, MediaTypes.OciManifest, Manifest, TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(2, handler.Requests.Count);
            Assert.Equal(bodies[0], bodies[1]);
            Assert.EndsWith(Encoding.UTF8.GetString(Manifest), bodies[1], StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Ask_For_A_Push_Scoped_Token_And_Keep_The_Password_Out_Of_Errors()
        {
            // Given: a bearer challenge, then a token endpoint that refuses the credential
            var (client, handler, _) = Client(
                (request, _) => request.RequestUri!.Host == "auth.example.com"
                    ? ScriptedHandler.Respond(HttpStatusCode.Unauthorized, Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}"), "application/json")
                    : Respond(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:team/app:pull\"")),
                new RegistryClientOptions { Credential = new RegistryCredential("cake", "hunter2-secret") });

            // When
            var ex = await Assert.ThrowsAsync<CakeException>(() => client.PutManifestAsync(Target, "1.0", MediaTypes.OciManifest, Manifest, TestContext.Current.CancellationToken));

            // Then
            Assert.Equal("https://auth.example.com/token?service=registry.example.com&scope=repository%3Ateam%2Fapp%3Apull%2Cpush", handler.Requests[1].Uri.ToString());
            Assert.Equal("GET https://auth.example.com/token?service=registry.example.com&scope=repository%3Ateam%2Fapp%3Apull%2Cpush returned 401 Unauthorized: UNAUTHORIZED: bad credentials. The credential for 'registry.example.com' (user 'cake') was refused.", ex.Message);
            Assert.DoesNotContain("hunter2-secret", ex.ToString(), StringComparison.Ordinal);
        }
    }

    public sealed class TheCopyBlobAsyncMethod
    {
        [Fact]
        public async Task Should_Send_Nothing_When_The_Target_Has_The_Blob()
        {
            // Given
            var (client, handler, _) = Client((_, _) => Respond(HttpStatusCode.OK));

            // When
            var how = await client.CopyBlobAsync(Source, Target, BlobDigest, cancellationToken: TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(BlobTransfer.Present, how);
            Assert.Equal([$"HEAD https://registry.example.com/v2/team/app/blobs/{BlobDigest}"], handler.Requests.Select(r => $"{r.Method} {r.Uri}"));
        }

        [Fact]
        public async Task Should_Mount_From_The_Source_Repository_With_Pull_Scope_On_It()
        {
            // Given
            var (client, handler, _) = Client((request, _) => request.Method == HttpMethod.Head ? Respond(HttpStatusCode.NotFound)
                : request.RequestUri!.Host == "auth.example.com" ? ScriptedHandler.Respond(HttpStatusCode.OK, Encoding.UTF8.GetBytes("{\"token\":\"t0k3n\"}"), "application/json")
                : request.Headers.Authorization is null ? Respond(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.example.com/token\",service=\"r\""))
                : Respond(HttpStatusCode.Created));

            // When
            var how = await client.CopyBlobAsync(Source, Target, BlobDigest, cancellationToken: TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(BlobTransfer.Mounted, how);
            Assert.Equal(
                [
                    $"HEAD https://registry.example.com/v2/team/app/blobs/{BlobDigest}",
                    $"POST https://registry.example.com/v2/team/app/blobs/uploads/?mount={Uri.EscapeDataString(BlobDigest)}&from=team%2Fsrc",
                    "GET https://auth.example.com/token?service=r&scope=repository%3Ateam%2Fapp%3Apull%2Cpush&scope=repository%3Ateam%2Fsrc%3Apull",
                    $"POST https://registry.example.com/v2/team/app/blobs/uploads/?mount={Uri.EscapeDataString(BlobDigest)}&from=team%2Fsrc",
                ],
                handler.Requests.Select(r => $"{r.Method} {r.Uri}"));
            Assert.Equal("Bearer t0k3n", handler.Requests[3].Authorization);
        }

        [Fact]
        public async Task Should_Upload_Into_The_Session_The_Registry_Opened_When_It_Refuses_The_Mount()
        {
            // Given
            var (client, handler, bodies) = Client((request, _) => request.Method == HttpMethod.Head ? Respond(HttpStatusCode.NotFound)
                : request.Method == HttpMethod.Post ? Respond(HttpStatusCode.Accepted, r => r.Headers.Location = new Uri("/v2/team/app/blobs/uploads/abc?_state=x", UriKind.Relative))
                : request.Method == HttpMethod.Get ? ScriptedHandler.Respond(HttpStatusCode.OK, Blob, "application/octet-stream")
                : Respond(HttpStatusCode.Created, r => r.Headers.Add("Docker-Content-Digest", BlobDigest)));

            // When
            var how = await client.CopyBlobAsync(Source, Target, BlobDigest, cancellationToken: TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(BlobTransfer.Uploaded, how);
            Assert.Equal(
                [
                    $"HEAD https://registry.example.com/v2/team/app/blobs/{BlobDigest}",
                    $"POST https://registry.example.com/v2/team/app/blobs/uploads/?mount={Uri.EscapeDataString(BlobDigest)}&from=team%2Fsrc",
                    $"GET https://registry.example.com/v2/team/src/blobs/{BlobDigest}",
                    $"PUT https://registry.example.com/v2/team/app/blobs/uploads/abc?_state=x&digest={Uri.EscapeDataString(BlobDigest)}",
                ],
                handler.Requests.Select(r => $"{r.Method} {r.Uri}"));
            Assert.Equal("application/octet-stream|layer bytes", bodies[3]);
        }

        [Fact]
        public async Task Should_Start_A_Monolithic_Upload_Across_Registries()
        {
            // Given
            var other = ImageReference.Parse("mirror.example.com/team/app");
            var (client, handler, _) = Client((request, _) => request.Method == HttpMethod.Head ? Respond(HttpStatusCode.NotFound)
                : request.Method == HttpMethod.Post ? Respond(HttpStatusCode.Accepted, r => r.Headers.Location = new Uri("https://mirror.example.com/v2/team/app/blobs/uploads/u1"))
                : request.Method == HttpMethod.Get ? ScriptedHandler.Respond(HttpStatusCode.OK, Blob, "application/octet-stream")
                : Respond(HttpStatusCode.Created));

            // When
            var how = await client.CopyBlobAsync(Source, other, BlobDigest, cancellationToken: TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(BlobTransfer.Uploaded, how);
            Assert.Equal(
                [
                    $"HEAD https://mirror.example.com/v2/team/app/blobs/{BlobDigest}",
                    $"GET https://registry.example.com/v2/team/src/blobs/{BlobDigest}",
                    "POST https://mirror.example.com/v2/team/app/blobs/uploads/",
                    $"PUT https://mirror.example.com/v2/team/app/blobs/uploads/u1?digest={Uri.EscapeDataString(BlobDigest)}",
                ],
                handler.Requests.Select(r => $"{r.Method} {r.Uri}"));
        }
    }
}
