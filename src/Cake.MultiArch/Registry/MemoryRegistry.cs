using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Cake.MultiArch.Registry;

/// <summary>
/// A registry held in memory, answering the distribution API's manifest and blob reads
/// (<c>GET</c>/<c>HEAD /v2/NAME/manifests/REFERENCE</c> and <c>/v2/NAME/blobs/DIGEST</c>) as an
/// <see cref="HttpMessageHandler"/> behind the real <see cref="RegistryClient"/>: the rehearsals
/// (<see cref="BuildxBuild.VerifyRehearsal"/>, <see cref="BuildxBuild.PreflightRehearsal"/>) run the
/// client's whole path without a connection.
/// </summary>
internal sealed class MemoryRegistry : HttpMessageHandler
{
    /// <summary>The media type of an OCI image index.</summary>
    public const string IndexType = "application/vnd.oci.image.index.v1+json";

    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private readonly Dictionary<string, (byte[] Bytes, string MediaType)> _manifests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds an image for linux/amd64 and linux/arm64, each with a provenance attestation manifest,
    /// as buildx pushes one, under a tag (the repository is not told apart).
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The index's digest and size.</returns>
    public (string Digest, int Size) AddTwoPlatformImage(string tag)
    {
        var empty = Blob("""{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[]}}""");
        var entries = new List<string>();
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var config = Blob($$$"""{"architecture":"{{{arch}}}","os":"linux","config":{"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":[]}}""");
            var image = Manifest(ManifestType, $$$"""{"schemaVersion":2,"mediaType":"{{{ManifestType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},"layers":[]}""");
            var statement = Blob($$$"""{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{"name":"pkg:docker/rehearsal.invalid/app@1?platform=linux%2F{{{arch}}}","digest":{"sha256":"{{{image.Digest[7..]}}}"}}],"predicate":{}}""");
            var attestation = Manifest(ManifestType, $$$"""{"schemaVersion":2,"mediaType":"{{{ManifestType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{empty.Digest}}}","size":{{{empty.Size}}}},"layers":[{"mediaType":"application/vnd.in-toto+json","digest":"{{{statement.Digest}}}","size":{{{statement.Size}}},"annotations":{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v0.2"}}]}""");
            entries.Add($$$"""{"mediaType":"{{{ManifestType}}}","digest":"{{{image.Digest}}}","size":{{{image.Size}}},"platform":{"architecture":"{{{arch}}}","os":"linux"}}""");
            entries.Add($$$"""{"mediaType":"{{{ManifestType}}}","digest":"{{{attestation.Digest}}}","size":{{{attestation.Size}}},"annotations":{"vnd.docker.reference.digest":"{{{image.Digest}}}","vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}""");
        }

        var index = Manifest(IndexType, $$$"""{"schemaVersion":2,"mediaType":"{{{IndexType}}}","manifests":[{{{string.Join(",", entries)}}}]}""");
        _manifests[tag] = _manifests[index.Digest];
        return index;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var segments = request.RequestUri!.AbsolutePath.Split('/');
        var key = Uri.UnescapeDataString(segments[^1]);
        var (bytes, mediaType) = segments.Length > 2 ? segments[^2] switch
        {
            "manifests" when _manifests.TryGetValue(key, out var m) => (m.Bytes, m.MediaType),
            "blobs" when _blobs.TryGetValue(key, out var b) => (b, "application/octet-stream"),
            _ => (null, null),
        } : (null, null);
        var response = new HttpResponseMessage(bytes is null ? HttpStatusCode.NotFound : HttpStatusCode.OK) { RequestMessage = request };
        response.Headers.Add("Docker-Distribution-API-Version", "registry/2.0");
        if (bytes is not null)
        {
            response.Content = new ByteArrayContent(request.Method == HttpMethod.Head ? [] : bytes);
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType!);
            response.Content.Headers.ContentLength = bytes.Length;
            response.Headers.Add("Docker-Content-Digest", RegistryClient.Sha256(bytes));
        }

        return Task.FromResult(response);
    }

    private (string Digest, int Size) Blob(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var digest = RegistryClient.Sha256(bytes);
        _blobs[digest] = bytes;
        return (digest, bytes.Length);
    }

    private (string Digest, int Size) Manifest(string mediaType, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var digest = RegistryClient.Sha256(bytes);
        _manifests[digest] = (bytes, mediaType);
        return (digest, bytes.Length);
    }
}
