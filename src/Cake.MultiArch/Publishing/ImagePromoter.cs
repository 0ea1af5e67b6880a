using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Puts a digest under tags (PromoteImage, and MergeImages after its verification): the manifest
/// bytes are copied unchanged into each tag's repository (children first, blobs mounted when the
/// registry allows it) with cosign's signature tags and the OCI referrers of the digest, and a tag
/// already at the digest is left alone.
/// </summary>
/// <param name="log">The log each tag's change is written to.</param>
internal sealed class ImagePromoter(ICakeLog log)
{
    /// <summary>Copies the digest into each tag's repository (children first) and points each tag at it.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="source">The source, pinned by digest.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="mount">Whether blobs are mounted across repositories.</param>
    /// <param name="alias">The alias, for messages and the log.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    public async Task<PromoteImageResult> PromoteAsync(IRegistryWriteClient client, ImageReference source, IReadOnlyList<ImageReference> tags, bool mount, string alias, CancellationToken cancellationToken)
    {
        ManifestResult manifest;
        try
        {
            manifest = await client.GetManifestAsync(source, source.Digest!, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex)
        {
            throw new CakeException($"{alias}: the source {source} could not be read; expected a digest the registry has, found: {ex.Message} Push it first (BuildxBuild by digest, or MergeImages).", ex);
        }

        var copier = new ImageCopier(client, mount);
        var signatureTags = 0;
        var referrers = 0;
        foreach (var target in tags.Select(t => t.WithDigest(manifest.Digest)).DistinctBy(t => (t.Registry, t.Repository)).Where(t => t.Registry != source.Registry || t.Repository != source.Repository))
        {
            await copier.CopyAsync(source, target, manifest, cancellationToken).ConfigureAwait(false);
            signatureTags += await new SignatureCopier(client, copier, log).CopyAsync(source, target, manifest, alias, cancellationToken).ConfigureAwait(false);
            referrers += await new ReferrerCopier(client, copier, log).CopyAsync(source, target, manifest, alias, cancellationToken).ConfigureAwait(false);
        }

        var changes = new List<TagChange>();
        foreach (var tag in tags)
        {
            var change = await MoveTagAsync(client, tag, manifest, cancellationToken).ConfigureAwait(false);
            log.Write(Verbosity.Normal, LogLevel.Information, "{0}", $"{alias}: {change}");
            changes.Add(change);
        }

        return new PromoteImageResult(source.ToString(), manifest.Digest, manifest.MediaType, changes, copier.Present, copier.Mounted, copier.Uploaded, copier.Manifests)
        {
            SignatureTagsCopied = signatureTags,
            ReferrersCopied = referrers,
        };
    }

    private static async Task<TagChange> MoveTagAsync(IRegistryWriteClient client, ImageReference tag, ManifestResult manifest, CancellationToken cancellationToken)
    {
        var old = await client.HeadManifestAsync(tag, tag.Tag!, cancellationToken).ConfigureAwait(false);
        if (old?.Digest == manifest.Digest)
        {
            return new TagChange(tag.ToString(), old.Digest, manifest.Digest, TagChangeKind.Unchanged);
        }

        await client.PutManifestAsync(tag, tag.Tag!, manifest.MediaType, manifest.Bytes, cancellationToken).ConfigureAwait(false);
        return new TagChange(tag.ToString(), old?.Digest, manifest.Digest, old is null ? TagChangeKind.Created : TagChangeKind.Moved);
    }
}
