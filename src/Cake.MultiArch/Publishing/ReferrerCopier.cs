using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Copies the OCI referrers of a digest (distribution-spec 1.1) into another repository, so the
/// artifacts attached to a promoted image (SBOMs, signatures, attestations pushed with a
/// <c>subject</c>) are found there too. The source is asked through the referrers API; where it
/// answers 404 (Debian's registry 2.8) the referrers tag schema's index (<c>sha256-&lt;hex&gt;</c>)
/// is read instead. Each referrer is copied byte for byte (its <c>subject</c> keeps naming the same
/// digest); a target that serves the referrers API lists them itself, another gets them appended to
/// its referrers tag (entries someone else put there are kept). Referrers of referrers follow.
/// </summary>
/// <param name="client">The registry client.</param>
/// <param name="copier">The copier of the promotion (its blob and manifest counts include these).</param>
/// <param name="log">The log each subject's copy is written to.</param>
internal sealed class ReferrerCopier(IRegistryWriteClient client, ImageCopier copier, ICakeLog log)
{
    /// <summary>Copies the referrers of the digest, of each manifest of its index, and of each copied referrer.</summary>
    /// <param name="source">The source repository.</param>
    /// <param name="target">The target repository.</param>
    /// <param name="manifest">The promoted manifest or index.</param>
    /// <param name="alias">The alias, for messages and the log.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>How many referrers were copied.</returns>
    /// <exception cref="CakeException">A request failed, or the target's referrers tag holds something else than an image index.</exception>
    public async Task<int> CopyAsync(ImageReference source, ImageReference target, ManifestResult manifest, string alias, CancellationToken cancellationToken)
    {
        var subjects = new Queue<string>([manifest.Digest, .. manifest.IsIndex ? manifest.ToIndex().Manifests.Select(m => m.Digest) : []]);
        var seen = new HashSet<string>(subjects, StringComparer.Ordinal);
        var copied = 0;
        while (subjects.TryDequeue(out var subject))
        {
            var listing = await ListAsync(source, subject, cancellationToken).ConfigureAwait(false);
            if (listing.Digests.Count == 0)
            {
                continue;
            }

            var descriptors = new List<JsonObject>();
            foreach (var digest in listing.Digests)
            {
                var referrer = await client.GetManifestAsync(source, digest, cancellationToken).ConfigureAwait(false);
                await copier.CopyAsync(source, target, referrer, cancellationToken).ConfigureAwait(false);
                descriptors.Add(ReferrersIndex.DescriptorOf(referrer));
                if (seen.Add(digest))
                {
                    subjects.Enqueue(digest);
                }
            }

            var listed = await ListInTargetAsync(target, subject, listing, descriptors, alias, cancellationToken).ConfigureAwait(false);
            var count = descriptors.Count;
            log.Write(Verbosity.Normal, LogLevel.Information, "{0}", $"{alias}: copied {count} referrer{(count == 1 ? string.Empty : "s")} of {subject} from {source.Registry}/{source.Repository} ({listing.How}) to {target.Registry}/{target.Repository} ({listed}): {string.Join(", ", descriptors.Select(Describe))}");
            copied += count;
        }

        return copied;
    }

    private static string Describe(JsonObject descriptor) =>
        descriptor["artifactType"] is JsonValue type ? $"{descriptor["digest"]} ({type})" : $"{descriptor["digest"]}";

    // The referrers API, else (404) the referrers tag schema; a tag that is not an image index means none.
    private async Task<Listing> ListAsync(ImageReference source, string subject, CancellationToken cancellationToken)
    {
        var referrers = await client.GetReferrersAsync(source, subject, cancellationToken).ConfigureAwait(false);
        if (referrers is not null)
        {
            return new Listing(referrers.Select(r => r.Digest).Distinct(StringComparer.Ordinal).ToArray(), "listed by the referrers API", null);
        }

        var tag = ReferrersIndex.Tag(subject);
        if (await client.HeadManifestAsync(source, tag, cancellationToken).ConfigureAwait(false) is null)
        {
            return new Listing([], string.Empty, null);
        }

        var index = await client.GetManifestAsync(source, tag, cancellationToken).ConfigureAwait(false);
        if (!index.IsIndex)
        {
            log.Write(Verbosity.Verbose, LogLevel.Verbose, "{0}", $"the tag {source.Registry}/{source.Repository}:{tag} holds a {index.MediaType}, not the referrers tag schema's image index: no referrers of {subject} are taken from it");
            return new Listing([], string.Empty, null);
        }

        var digests = index.ToIndex().Manifests.Select(m => m.Digest).Where(RegistryClient.IsDigest).Distinct(StringComparer.Ordinal).ToArray();
        return new Listing(digests, $"listed by its tag {tag}", index);
    }

    // A target that serves the referrers API lists what was pushed with a subject itself; else its
    // referrers tag gets the new entries (the source's index unchanged when the target has none).
    private async Task<string> ListInTargetAsync(ImageReference target, string subject, Listing listing, IReadOnlyList<JsonObject> descriptors, string alias, CancellationToken cancellationToken)
    {
        if (await client.GetReferrersAsync(target, subject, cancellationToken).ConfigureAwait(false) is not null)
        {
            return "listed by its referrers API";
        }

        var tag = ReferrersIndex.Tag(subject);
        var existing = await client.HeadManifestAsync(target, tag, cancellationToken).ConfigureAwait(false) is null
            ? null
            : await client.GetManifestAsync(target, tag, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !existing.IsIndex)
        {
            throw new CakeException($"{alias}: the referrers tag {target.Registry}/{target.Repository}:{tag} holds a {existing.MediaType} ({existing.Digest}); expected the image index of the referrers tag schema ({ReferrersIndex.Spec}). Nothing was written to it and no tag was moved: remove or rename that tag, then promote again.");
        }

        if (existing is null && listing.SourceIndex is { } sourceIndex)
        {
            await client.PutManifestAsync(target, tag, sourceIndex.MediaType, sourceIndex.Bytes, cancellationToken).ConfigureAwait(false);
            return $"its tag {tag} made, a copy of the source's";
        }

        var merged = ReferrersIndex.Merge(existing?.Bytes, descriptors, $"the referrers tag {target.Registry}/{target.Repository}:{tag}");
        if (merged is null)
        {
            return $"its tag {tag} already listed them";
        }

        await client.PutManifestAsync(target, tag, MediaTypes.OciIndex, merged, cancellationToken).ConfigureAwait(false);
        var kept = existing?.ToIndex().Manifests.Count ?? 0;
        return existing is null ? $"its tag {tag} made" : $"appended to its tag {tag}, {kept} entr{(kept == 1 ? "y" : "ies")} kept";
    }

    /// <summary>The referrers of one subject in the source.</summary>
    /// <param name="Digests">Their digests.</param>
    /// <param name="How">How they were found, for the log.</param>
    /// <param name="SourceIndex">The referrers tag's index, when they were found through it.</param>
    private sealed record Listing(IReadOnlyList<string> Digests, string How, ManifestResult? SourceIndex);
}
