using System.Net;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docs;

/// <summary>What a tag of the test bed's registry (127.0.0.1:5000) points at, as the documentation examples' tests check it.</summary>
internal static class TestBedTags
{
    /// <summary>The test bed's registry.</summary>
    public const string Registry = "127.0.0.1:5000";

    /// <summary>Reads the digest a tag points at.</summary>
    /// <param name="repository">The repository, such as <c>docs-1234/app</c>.</param>
    /// <param name="tag">The tag.</param>
    /// <returns>The digest, or <see langword="null"/> when the registry does not have the tag.</returns>
    public static async Task<string?> DigestAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{Registry}/v2/{repository}/manifests/{tag}");
        request.Headers.TryAddWithoutValidation("Accept", EngineBed.IndexAccept);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? response.Headers.GetValues("Docker-Content-Digest").Single() : null;
    }
}
