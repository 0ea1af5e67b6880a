namespace Cake.MultiArch.VerifyManifest;

/// <summary>One in-toto statement of an attestation manifest attached to a platform (read when <see cref="VerifyManifestSettings.AttestationChecks"/> lists a check).</summary>
/// <param name="PredicateType">The statement's <c>predicateType</c>, such as <c>https://slsa.dev/provenance/v0.2</c> or <c>https://spdx.dev/Document</c>.</param>
/// <param name="Subjects">The digests the statement is about (its <c>subject</c> entries, as <c>sha256:…</c>).</param>
/// <param name="AttestationManifest">The digest of the attestation manifest holding it.</param>
/// <param name="LayerDigest">The digest of the layer (blob) holding it.</param>
public sealed record AttestationStatement(string PredicateType, IReadOnlyList<string> Subjects, string AttestationManifest, string LayerDigest)
{
    /// <inheritdoc />
    public override string ToString() => $"{PredicateType} about {(Subjects.Count == 0 ? "nothing" : string.Join(", ", Subjects))}";
}
