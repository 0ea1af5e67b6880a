using Cake.Core.Diagnostics;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// The verification a cold process rehearses while its first pushing build runs (see
/// <see cref="FirstUseRehearsal"/>): buildx's metadata for a two-platform push is read and the image
/// verified through the real registry client, served by a <see cref="MemoryRegistry"/> under the
/// reserved name <c>rehearsal.invalid</c>, so that the code the real verification runs (the client
/// over HttpClient, the JSON models, the platform checks, the result) is compiled by then.
/// </summary>
internal static class VerifyRehearsal
{
    /// <summary>Reads the metadata of a build that pushed the in-memory image, and verifies that image.</summary>
    /// <returns>The verification's result (it passes: the tests hold it to that, so it rehearses the path a good image takes).</returns>
    internal static Task<VerifyManifestResult> VerifyAsync()
    {
        var registry = new MemoryRegistry();
        var (digest, size) = registry.AddTwoPlatformImage("1");
        var metadata = $$$"""{"containerimage.digest":"{{{digest}}}","containerimage.descriptor":{"mediaType":"{{{MemoryRegistry.IndexType}}}","digest":"{{{digest}}}","size":{{{size}}}},"image.name":"rehearsal.invalid/app:1"}""";
        var build = BuildxBuildResult.Parse(metadata, "the rehearsal's metadata").WithPushed(true);
        return new VerifyManifestRunner(new NullLog(), _ => new RegistryClient(new RegistryClientOptions { MaxAttempts = 1 }, registry)).RunAsync(build, null, CancellationToken.None);
    }
}
