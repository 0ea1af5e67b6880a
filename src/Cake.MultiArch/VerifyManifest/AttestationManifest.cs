namespace Cake.MultiArch.VerifyManifest;

/// <summary>One attestation manifest of an index, as read: what it points at and its in-toto statements.</summary>
/// <param name="Digest">The attestation manifest's digest.</param>
/// <param name="Subject">Its <c>vnd.docker.reference.digest</c> annotation, or <see langword="null"/> when it has none.</param>
/// <param name="Statements">The statements of its <c>application/vnd.in-toto+json</c> layers.</param>
/// <param name="Problem">Why it (or one of its statements) could not be read, or <see langword="null"/>.</param>
internal sealed record AttestationManifest(string Digest, string? Subject, IReadOnlyList<AttestationStatement> Statements, string? Problem);
