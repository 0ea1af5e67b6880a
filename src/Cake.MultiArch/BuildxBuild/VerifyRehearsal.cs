using Cake.Core.Diagnostics;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// The verification a cold process rehearses while its first pushing build runs (see
/// <see cref="FirstUseRehearsal"/>): buildx's metadata for a two-platform push is read and the image
/// verified through the real registry client, served by a <see cref="MemoryRegistry"/> under the
/// reserved name <c>rehearsal.invalid</c>, so that the code the real verification runs (the client
/// over HttpClient and its HTTP/1.1 connection, the JSON models, the platform checks, the result)
/// is compiled by then.
/// </summary>
internal static class VerifyRehearsal
{
    /// <summary>The in-memory registry's name (a reserved domain: nothing resolves it).</summary>
    internal const string Host = "rehearsal.invalid";

    /// <summary>Reads the metadata of a build that pushed the in-memory image, and verifies that image.</summary>
    /// <returns>The verification's result (it passes: the tests hold it to that, so it rehearses the path a good image takes).</returns>
    internal static Task<VerifyManifestResult> VerifyAsync()
    {
        var registry = new MemoryRegistry();
        var (digest, size) = registry.AddTwoPlatformImage("1");
        var metadata = $$$"""{"containerimage.digest":"{{{digest}}}","containerimage.descriptor":{"mediaType":"{{{MemoryRegistry.IndexType}}}","digest":"{{{digest}}}","size":{{{size}}}},"image.name":"{{{Host}}}/app:1"}""";
        var build = BuildxBuildResult.Parse(metadata, "the rehearsal's metadata").WithPushed(true);
        return new VerifyManifestRunner(new NullLog(), _ => new RegistryClient(Options(), Connection(registry))).RunAsync(build, null, CancellationToken.None);
    }

    /// <summary>The client options of a rehearsal: one try, and plain HTTP to the in-memory registry.</summary>
    /// <returns>The options.</returns>
    internal static RegistryClientOptions Options()
    {
        var options = new RegistryClientOptions { MaxAttempts = 1 };
        options.InsecureRegistries.Add(Host);
        return options;
    }

    /// <summary>
    /// A handler made as the run's shared pool is, connected to the in-memory registry by a
    /// <see cref="MemoryConnection"/>: the HTTP/1.1 path the real verification takes over a socket
    /// (the connection pool, request writing, response parsing) is compiled too, with no socket.
    /// </summary>
    /// <param name="registry">The registry.</param>
    /// <returns>The handler (the client that takes it disposes it).</returns>
    internal static SocketsHttpHandler Connection(MemoryRegistry registry)
    {
        var handler = RegistryTransport.NewHandler();
        handler.ConnectCallback = MemoryConnection.Connect(registry);
        return handler;
    }
}
