using Cake.Core.Diagnostics;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Copies the cosign artefacts that belong to a digest into another repository, so a promoted
/// copy still verifies: the <c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c> and <c>.sbom</c> tags of the
/// source repository, for the index and each manifest in it (cosign's <c>--recursive</c> signs each).
/// </summary>
/// <param name="client">The registry client.</param>
/// <param name="copier">The copier of the promotion (its blob and manifest counts include these).</param>
/// <param name="log">The log each copied tag is written to.</param>
internal sealed class SignatureCopier(IRegistryWriteClient client, ImageCopier copier, ICakeLog log)
{
    /// <summary>The tag suffixes cosign stores next to a digest.</summary>
    public static readonly IReadOnlyList<string> Suffixes = [".sig", ".att", ".sbom"];

    /// <summary>Copies every cosign tag of the digest (and of its index's manifests) that the source has.</summary>
    /// <param name="source">The source repository.</param>
    /// <param name="target">The target repository.</param>
    /// <param name="manifest">The promoted manifest or index.</param>
    /// <param name="alias">The alias, for the log.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>How many tags were copied.</returns>
    public async Task<int> CopyAsync(ImageReference source, ImageReference target, ManifestResult manifest, string alias, CancellationToken cancellationToken)
    {
        var digests = new List<string> { manifest.Digest };
        if (manifest.IsIndex)
        {
            digests.AddRange(manifest.ToIndex().Manifests.Select(m => m.Digest));
        }

        var copied = 0;
        foreach (var tag in digests.SelectMany(d => Suffixes.Select(s => d.Replace(':', '-') + s)))
        {
            if (await client.HeadManifestAsync(source, tag, cancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            var artefact = await client.GetManifestAsync(source, tag, cancellationToken).ConfigureAwait(false);
            await copier.CopyAsync(source, target, artefact, cancellationToken).ConfigureAwait(false);
            var existing = await client.HeadManifestAsync(target, tag, cancellationToken).ConfigureAwait(false);
            if (existing?.Digest != artefact.Digest)
            {
                await client.PutManifestAsync(target, tag, artefact.MediaType, artefact.Bytes, cancellationToken).ConfigureAwait(false);
            }

            log.Write(Verbosity.Normal, LogLevel.Information, "{0}", $"{alias}: copied {source.Registry}/{source.Repository}:{tag} to {target.Registry}/{target.Repository}:{tag}");
            copied++;
        }

        return copied;
    }
}
