using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Json;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Pushes an OCI image layout folder (what <c>--output type=oci,dest=DIR,tar=false</c> writes) to a
/// repository by digest, no tag: blobs first (HEAD, then a monolithic upload), then each manifest
/// by digest, children before the index. This is how a build by digest works with buildx's
/// <c>docker</c> driver, which refuses <c>push-by-digest</c> ("currently not implemented for docker driver").
/// </summary>
internal static class OciLayoutPusher
{
    /// <summary>Pushes the layout's one image and returns the repository pinned by its digest.</summary>
    public static async Task<ImageReference> PushAsync(IRegistryWriteClient client, string layout, ImageReference repository, CancellationToken cancellationToken)
    {
        var indexFile = Path.Combine(layout, "index.json");
        if (!File.Exists(indexFile))
        {
            throw new CakeException($"PushOciLayout: the folder '{layout}' has no index.json; expected an OCI image layout (buildx --output type=oci,dest=…,tar=false).");
        }

        var top = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(indexFile, cancellationToken).ConfigureAwait(false), MultiArchJsonContext.Default.ImageIndex)?.Manifests ?? [];
        if (top.Count != 1)
        {
            throw new CakeException($"PushOciLayout: '{indexFile}' lists {top.Count} images; expected exactly 1 (one build's result).");
        }

        await PushAsync(client, layout, repository, top[0], cancellationToken).ConfigureAwait(false);
        return repository.WithDigest(top[0].Digest);
    }

    private static async Task PushAsync(IRegistryWriteClient client, string layout, ImageReference repository, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(BlobPath(layout, descriptor.Digest), cancellationToken).ConfigureAwait(false);
        var mediaType = descriptor.MediaType ?? MediaTypes.OciManifest;
        var children = MediaTypes.IsIndex(mediaType)
            ? JsonSerializer.Deserialize(bytes, MultiArchJsonContext.Default.ImageIndex)!.Manifests
            : [];
        foreach (var child in children)
        {
            await PushAsync(client, layout, repository, child, cancellationToken).ConfigureAwait(false);
        }

        if (!MediaTypes.IsIndex(mediaType))
        {
            var manifest = JsonSerializer.Deserialize(bytes, MultiArchJsonContext.Default.ImageManifest)!;
            foreach (var blob in manifest.Layers.Prepend(manifest.Config))
            {
                var path = BlobPath(layout, blob.Digest);
                await client.UploadBlobAsync(repository, blob.Digest, () => File.OpenRead(path), cancellationToken).ConfigureAwait(false);
            }
        }

        await client.PutManifestAsync(repository, descriptor.Digest, mediaType, bytes, cancellationToken).ConfigureAwait(false);
    }

    private static string BlobPath(string layout, string digest)
    {
        var path = Path.Combine(layout, "blobs", "sha256", digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest);
        return File.Exists(path) ? path : throw new CakeException($"PushOciLayout: the layout '{layout}' lacks the blob {digest}; expected every blob the manifests name under blobs/sha256/.");
    }
}
