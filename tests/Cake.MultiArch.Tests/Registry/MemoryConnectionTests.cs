using System.Net;
using System.Text;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Tests.Registry;

/// <summary>
/// The in-memory HTTP/1.1 connection the verification rehearsal gives the shared pool's kind of
/// handler (MemoryConnection): the handler must parse what it writes back as it parses a
/// registry's answers over a socket, or the rehearsal compiles nothing of that path.
/// </summary>
public sealed class MemoryConnectionTests
{
    [Fact]
    public async Task Should_Answer_A_Manifest_Get_With_Its_Status_Headers_And_Bytes()
    {
        // Given
        var registry = new MemoryRegistry();
        var (digest, size) = registry.AddTwoPlatformImage("1");
        using var http = new HttpClient(VerifyRehearsal.Connection(registry));

        // When
        using var response = await http.GetAsync(new Uri("http://rehearsal.invalid/v2/app/manifests/1"), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        // Then
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.Equal(MemoryRegistry.IndexType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(digest, Assert.Single(response.Headers.GetValues("Docker-Content-Digest")));
        Assert.Equal(digest, RegistryClient.Sha256(body));
        Assert.Contains("\"manifests\"", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Keep_One_Connection_Alive_For_A_Head_A_Miss_And_A_Get()
    {
        // Given: a connect callback that counts the connections the handler opens
        var registry = new MemoryRegistry();
        var (digest, size) = registry.AddTwoPlatformImage("1");
        var opened = 0;
        using var handler = RegistryTransport.NewHandler();
        var connect = MemoryConnection.Connect(registry);
        handler.ConnectCallback = (context, token) =>
        {
            _ = Interlocked.Increment(ref opened);
            return connect(context, token);
        };
        using var http = new HttpClient(handler);
        var token = TestContext.Current.CancellationToken;

        // When
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "http://rehearsal.invalid/v2/app/manifests/1"), token);
        using var miss = await http.GetAsync(new Uri("http://rehearsal.invalid/v2/app/manifests/2"), token);
        using var get = await http.GetAsync(new Uri($"http://rehearsal.invalid/v2/app/manifests/{digest}"), token);

        // Then: HEAD has the length and no body, the miss is a 404 with none, the GET has the bytes
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(size, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(token));
        Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
        Assert.Empty(await miss.Content.ReadAsByteArrayAsync(token));
        Assert.Equal(size, (await get.Content.ReadAsByteArrayAsync(token)).Length);
        Assert.Equal(1, opened);
    }

    [Fact]
    public async Task Should_End_A_Waiting_Read_With_Nothing_When_Closed()
    {
        // Given: a read waiting for an answer that will never come
        var connection = new MemoryConnection(new MemoryRegistry());
        var read = connection.ReadAsync(new byte[16], TestContext.Current.CancellationToken).AsTask();
        Assert.False(read.IsCompleted);

        // When
        await connection.DisposeAsync();

        // Then
        Assert.Equal(0, await read.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }
}
