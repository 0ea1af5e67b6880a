using System.Security.Cryptography;
using System.Text;
using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Verifies a small two-platform image held in memory, once per process, on a thread-pool thread
/// while the first pushing build runs. A cold process JIT-compiles the code that reads a build's
/// metadata and verifies what it pushed (the JSON models, the platform checks, the result) on
/// first use; rehearsed while docker works, that code is ready when the real image is verified
/// (docs/benchmarks.md: the first VerifyManifest in a process goes from about 140 ms to 75 ms).
/// The rehearsal makes no request, starts no process, writes no file and logs nothing; whatever
/// it throws is dropped, because it can only ever cost the time it saves.
/// </summary>
internal static class VerifyRehearsal
{
    private const string IndexType = "application/vnd.oci.image.index.v1+json";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private static int _started;

    /// <summary>Starts the rehearsal on the thread pool, the first time only.</summary>
    public static void StartOnce()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    _ = await VerifyAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A rehearsal that fails has compiled less; the real verification is unaffected.
                }
            });
        }
    }

    /// <summary>Reads the metadata of a build that pushed the in-memory image, and verifies that image.</summary>
    /// <returns>The verification's result (it passes: the tests hold it to that, so it rehearses the path a good image takes).</returns>
    internal static Task<VerifyManifestResult> VerifyAsync()
    {
        var registry = new MemoryRegistry();
        var build = BuildxBuildResult.Parse(registry.Metadata, "the rehearsal's metadata").WithPushed(true);
        return new VerifyManifestRunner(new NullLog(), _ => registry).RunAsync(build, null, CancellationToken.None);
    }

    /// <summary>An image index for linux/amd64 and linux/arm64, each with its attestation manifest, as buildx pushes one.</summary>
    private sealed class MemoryRegistry : IRegistryClient
    {
        private readonly Dictionary<string, ManifestResult> _manifests = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

        public MemoryRegistry()
        {
            Empty = Blob("""{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[]}}""");
            var entries = new List<string>();
            foreach (var arch in new[] { "amd64", "arm64" })
            {
                var config = Blob($$$"""{"architecture":"{{{arch}}}","os":"linux","config":{"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":[]}}""");
                var image = Manifest(ManifestType, $$$"""{"schemaVersion":2,"mediaType":"{{{ManifestType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},"layers":[]}""");
                var statement = Blob($$$"""{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{"name":"pkg:docker/rehearsal.invalid/app@1?platform=linux%2F{{{arch}}}","digest":{"sha256":"{{{image.Digest[7..]}}}"}}],"predicate":{}}""");
                var attestation = Manifest(ManifestType, $$$"""{"schemaVersion":2,"mediaType":"{{{ManifestType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Empty.Digest}}}","size":{{{Empty.Size}}}},"layers":[{"mediaType":"application/vnd.in-toto+json","digest":"{{{statement.Digest}}}","size":{{{statement.Size}}},"annotations":{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v0.2"}}]}""");
                entries.Add($$$"""{"mediaType":"{{{ManifestType}}}","digest":"{{{image.Digest}}}","size":{{{image.Bytes.Length}}},"platform":{"architecture":"{{{arch}}}","os":"linux"}}""");
                entries.Add($$$"""{"mediaType":"{{{ManifestType}}}","digest":"{{{attestation.Digest}}}","size":{{{attestation.Bytes.Length}}},"annotations":{"vnd.docker.reference.digest":"{{{image.Digest}}}","vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}""");
            }

            var index = Manifest(IndexType, $$$"""{"schemaVersion":2,"mediaType":"{{{IndexType}}}","manifests":[{{{string.Join(",", entries)}}}]}""");
            Metadata = $$$"""{"containerimage.digest":"{{{index.Digest}}}","containerimage.descriptor":{"mediaType":"{{{IndexType}}}","digest":"{{{index.Digest}}}","size":{{{index.Bytes.Length}}}},"image.name":"rehearsal.invalid/app:1"}""";
        }

        /// <summary>Gets the config of the attestation manifests.</summary>
        private (string Digest, int Size) Empty { get; }

        /// <summary>Gets the metadata file buildx would have written for the push.</summary>
        public string Metadata { get; }

        public Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default) =>
            Task.FromResult(_manifests[reference]);

        public Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default) =>
            Task.FromResult(_manifests.TryGetValue(reference, out var m) ? new Descriptor { MediaType = m.MediaType, Digest = m.Digest, Size = m.Bytes.Length } : null);

        public Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default) =>
            Task.FromResult(_blobs[digest]);

        public Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default) =>
            Task.FromResult<Stream>(new MemoryStream(_blobs[digest], writable: false));

        private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

        private (string Digest, int Size) Blob(string json)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var digest = Digest(bytes);
            _blobs[digest] = bytes;
            return (digest, bytes.Length);
        }

        private ManifestResult Manifest(string mediaType, string json)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var manifest = new ManifestResult(mediaType, Digest(bytes), bytes);
            _manifests[manifest.Digest] = manifest;
            return manifest;
        }
    }
}
