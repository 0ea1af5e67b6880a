using System.Collections.Concurrent;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>Copies a manifest tree (index → manifests → config and layers) between repositories, byte for byte, children first, skipping what the target has.</summary>
internal sealed class ImageCopier(IRegistryWriteClient client, bool mount)
{
    private readonly ConcurrentDictionary<string, Task> _blobs = new(StringComparer.Ordinal);
    private int _present;
    private int _mounted;
    private int _uploaded;
    private int _manifests;

    public int Present => _present;

    public int Mounted => _mounted;

    public int Uploaded => _uploaded;

    public int Manifests => _manifests;

    /// <summary>Makes <paramref name="manifest"/> (already read from <paramref name="source"/>) exist by digest in <paramref name="target"/>.</summary>
    public async Task CopyAsync(ImageReference source, ImageReference target, ManifestResult manifest, CancellationToken cancellationToken)
    {
        if (await client.HeadManifestAsync(target, manifest.Digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        if (manifest.IsIndex)
        {
            await Parallel.ForEachAsync(manifest.ToIndex().Manifests, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (child, token) =>
            {
                var bytes = await client.GetManifestAsync(source, child.Digest, token).ConfigureAwait(false);
                await CopyAsync(source, target, bytes, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        else
        {
            var image = manifest.ToManifest();
            await Parallel.ForEachAsync(image.Layers.Prepend(image.Config), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (blob, token) =>
                await _blobs.GetOrAdd(target + "@" + blob.Digest, _ => CopyBlobAsync(source, target, blob.Digest, token)).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await client.PutManifestAsync(target, manifest.Digest, manifest.MediaType, manifest.Bytes, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _manifests);
    }

    private async Task CopyBlobAsync(ImageReference source, ImageReference target, string digest, CancellationToken cancellationToken)
    {
        var how = await client.CopyBlobAsync(source, target, digest, mount, cancellationToken).ConfigureAwait(false);
        if (how == BlobTransfer.Present)
        {
            Interlocked.Increment(ref _present);
        }
        else if (how == BlobTransfer.Mounted)
        {
            Interlocked.Increment(ref _mounted);
        }
        else
        {
            Interlocked.Increment(ref _uploaded);
        }
    }
}
