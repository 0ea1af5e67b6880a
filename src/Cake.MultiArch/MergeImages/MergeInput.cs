using System.Text.Json.Nodes;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.MergeImages;

/// <summary>One input of a merge: a digest given in <c>Images</c>, or a publish record (which names its platform and attestation).</summary>
/// <param name="Source">Where it came from (the entry or the record's file), for messages.</param>
/// <param name="Digest">The digest pushed.</param>
/// <param name="Platform">The record's platform, or <see langword="null"/> for a digest.</param>
/// <param name="Attestation">The record's attestation digest, or <see langword="null"/>.</param>
internal sealed record MergeInput(string Source, string Digest, Platform? Platform, string? Attestation);

/// <summary>One platform of the index to write: its manifest's descriptor and its attestation's, as read from the registry.</summary>
/// <param name="Platform">The platform.</param>
/// <param name="Source">The input it came from.</param>
/// <param name="Digest">The platform manifest's digest.</param>
/// <param name="Descriptor">The descriptor written into the index.</param>
/// <param name="Attestation">The attestation manifest's digest, or <see langword="null"/>.</param>
/// <param name="AttestationDescriptor">The attestation's descriptor, or <see langword="null"/>.</param>
internal sealed record MergePart(Platform Platform, string Source, string Digest, JsonNode Descriptor, string? Attestation, JsonNode? AttestationDescriptor);
