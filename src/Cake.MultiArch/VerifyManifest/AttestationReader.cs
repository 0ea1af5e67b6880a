using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>Reads the attestation manifests of an index and their in-toto statements.</summary>
internal static class AttestationReader
{
    /// <summary>The media type of an in-toto statement layer.</summary>
    public const string InTotoMediaType = "application/vnd.in-toto+json";

    /// <summary>The annotation that names the platform manifest an attestation manifest describes.</summary>
    public const string ReferenceDigest = "vnd.docker.reference.digest";

    /// <summary>Reads each attestation manifest (at once); a registry failure or a damaged statement is that manifest's problem.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="reference">The image.</param>
    /// <param name="entries">The attestation entries of the index.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The manifests, in index order.</returns>
    public static async Task<IReadOnlyList<AttestationManifest>> ReadAsync(IRegistryClient client, ImageReference reference, IReadOnlyList<Descriptor> entries, CancellationToken cancellationToken) =>
        await Task.WhenAll(entries.Select(e => ReadOneAsync(client, reference, e, cancellationToken))).ConfigureAwait(false);

    /// <summary>Parses one in-toto statement (<c>https://in-toto.io/Statement/v0.1</c> or <c>v1</c>).</summary>
    /// <param name="bytes">The layer's bytes.</param>
    /// <param name="manifest">The attestation manifest's digest.</param>
    /// <param name="layer">The layer's digest.</param>
    /// <returns>The statement.</returns>
    /// <exception cref="FormatException">Not JSON, or no <c>predicateType</c> or <c>subject</c>.</exception>
    public static AttestationStatement ParseStatement(byte[] bytes, string manifest, string layer)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("predicateType", out var predicate) || predicate.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("it has no 'predicateType' string");
            }

            if (!root.TryGetProperty("subject", out var subject) || subject.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("it has no 'subject' list");
            }

            var subjects = new List<string>();
            foreach (var entry in subject.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("digest", out var digests) && digests.ValueKind == JsonValueKind.Object)
                {
                    subjects.AddRange(digests.EnumerateObject().Where(d => d.Value.ValueKind == JsonValueKind.String).Select(d => $"{d.Name}:{d.Value.GetString()}"));
                }
            }

            return new AttestationStatement(predicate.GetString()!, subjects, manifest, layer);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"it is not JSON ({ex.Message})", ex);
        }
    }

    private static async Task<AttestationManifest> ReadOneAsync(IRegistryClient client, ImageReference reference, Descriptor entry, CancellationToken cancellationToken)
    {
        var subject = entry.Annotations?.TryGetValue(ReferenceDigest, out var s) == true && !string.IsNullOrEmpty(s) ? s : null;
        var statements = new List<AttestationStatement>();
        try
        {
            var manifest = (await client.GetManifestAsync(reference, entry.Digest, cancellationToken).ConfigureAwait(false)).ToManifest();
            foreach (var layer in manifest.Layers.Where(l => l.MediaType == InTotoMediaType))
            {
                var bytes = await client.GetBlobAsync(reference, layer.Digest, cancellationToken).ConfigureAwait(false);
                try
                {
                    statements.Add(ParseStatement(bytes, entry.Digest, layer.Digest));
                }
                catch (FormatException ex)
                {
                    return new AttestationManifest(entry.Digest, subject, statements, $"its layer {layer.Digest} is not an in-toto statement: {ex.Message}; expected JSON with 'predicateType' and 'subject'");
                }
            }
        }
        catch (CakeException ex)
        {
            return new AttestationManifest(entry.Digest, subject, statements, VerifyManifestRunner.Unprefixed(ex.Message));
        }

        return new AttestationManifest(entry.Digest, subject, statements, null);
    }
}
