using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// The OCI referrers tag schema (distribution-spec 1.1, "Referrers Tag Schema" and "Pushing
/// Manifests with Subject"): the tag that names a digest's referrers list, the descriptor a
/// referrer gets in it, and the merge of new referrers into a list someone else may have written.
/// </summary>
internal static class ReferrersIndex
{
    /// <summary>The spec's section, for messages.</summary>
    internal const string Spec = "https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema";

    // Media types keep their '+' as oras and the registries write them (the default escapes it as \u002B).
    private static readonly JsonSerializerOptions Written = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The referrers tag of a digest: the algorithm truncated to 32 characters, <c>-</c>, the
    /// encoded part truncated to 64, every character a tag may not hold replaced by <c>-</c>.
    /// </summary>
    /// <param name="digest">The subject's digest (<c>algorithm:encoded</c>).</param>
    /// <returns>The tag, such as <c>sha256-&lt;hex&gt;</c>.</returns>
    public static string Tag(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        var algorithm = digest[..colon];
        var encoded = digest[(colon + 1)..];
        var tag = algorithm[..Math.Min(32, algorithm.Length)] + "-" + encoded[..Math.Min(64, encoded.Length)];
        return string.Concat(tag.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-'));
    }

    /// <summary>
    /// The descriptor of a referrer in a referrers list: media type, digest, size, the
    /// <c>artifactType</c> (the manifest's own, else its config's media type; an index without
    /// one has none) and every annotation of the manifest.
    /// </summary>
    /// <param name="referrer">The referrer's manifest or index.</param>
    /// <returns>The descriptor.</returns>
    public static JsonObject DescriptorOf(ManifestResult referrer)
    {
        var document = Parse(referrer.Bytes, $"the referrer {referrer.Digest}");
        var descriptor = new JsonObject
        {
            ["mediaType"] = referrer.MediaType,
            ["digest"] = referrer.Digest,
            ["size"] = referrer.Bytes.Length,
        };
        var artifactType = Text(document["artifactType"]) is { Length: > 0 } own ? own : referrer.IsIndex ? null : Text(document["config"]?["mediaType"]);
        if (artifactType is not null)
        {
            descriptor["artifactType"] = artifactType;
        }

        if (document["annotations"] is JsonObject annotations)
        {
            descriptor["annotations"] = annotations.DeepClone();
        }

        return descriptor;
    }

    /// <summary>Appends the referrers a list does not hold yet (by digest), keeping every entry it has and its other fields.</summary>
    /// <param name="existing">The list's bytes, or <see langword="null"/> when the tag does not exist (an empty list).</param>
    /// <param name="referrers">The descriptors to add.</param>
    /// <param name="subject">What the list is, for messages.</param>
    /// <returns>The new list's bytes, or <see langword="null"/> when it already held every referrer.</returns>
    /// <exception cref="CakeException">The existing list is not an image index.</exception>
    public static byte[]? Merge(byte[]? existing, IEnumerable<JsonObject> referrers, string subject)
    {
        var index = existing is null
            ? new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray() }
            : Parse(existing, subject);
        if (index["manifests"] is not JsonArray manifests)
        {
            throw new CakeException($"{subject} has no 'manifests' list; expected the image index of the referrers tag schema ({Spec}).");
        }

        var present = manifests.Select(m => Text(m?["digest"])).ToHashSet(StringComparer.Ordinal);
        var added = 0;
        foreach (var referrer in referrers.Where(r => present.Add(Text(r["digest"]))))
        {
            manifests.Add(referrer.DeepClone());
            added++;
        }

        return added == 0 ? null : Encoding.UTF8.GetBytes(index.ToJsonString(Written));
    }

    private static JsonObject Parse(byte[] bytes, string subject)
    {
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new CakeException($"{subject} is not a JSON object; expected an OCI manifest or index ({Spec}).");
        }
        catch (JsonException ex)
        {
            throw new CakeException($"{subject} is not valid JSON ({ex.Message}); expected an OCI manifest or index ({Spec}).", ex);
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
