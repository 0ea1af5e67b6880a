using System.Text.Json;
using System.Text.Json.Serialization;
using Cake.Core;
using Cake.MultiArch.Json;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// What one per-platform job pushed, written as a small JSON file that CI artifacts carry to the
/// merge job: repository, platform, the platform manifest's digest, its attestation manifest's
/// digest, the builder and the time.
/// </summary>
/// <param name="Repository">The repository pushed to, <c>registry/path</c> (no tag, no digest).</param>
/// <param name="Platform">The platform built.</param>
/// <param name="Digest">The platform manifest's digest.</param>
/// <param name="AttestationDigest">Its attestation manifest's digest, or <see langword="null"/> when the build made none.</param>
/// <param name="Builder">The buildx builder (or runner) that built it, for the record.</param>
/// <param name="Time">When it was pushed.</param>
public sealed record PublishRecord(string Repository, Platform Platform, string Digest, string? AttestationDigest, string? Builder, DateTimeOffset Time)
{
    /// <summary>The value of the record's <c>kind</c> field, which tells a record from any other JSON file.</summary>
    public const string Kind = "cake-multiarch/publish-record/v1";

    /// <summary>Renders the record as JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        // Indented: the record is written for people to read as well.
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, new Dto { Kind = Kind, Repository = Repository, Platform = Platform.ToString(), Digest = Digest, AttestationDigest = AttestationDigest, Builder = Builder, Time = Time }, MultiArchJsonContext.Default.Dto);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses a record, with errors that name the file.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">The file, for messages.</param>
    /// <returns>The record.</returns>
    /// <exception cref="CakeException">The text is not a publish record; the message names the file and the field.</exception>
    public static PublishRecord Parse(string json, string source)
    {
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, MultiArchJsonContext.Default.Dto);
        }
        catch (JsonException ex)
        {
            throw Invalid(source, $"it is not valid JSON ({ex.Message})");
        }

        if (dto is null || dto.Kind != Kind)
        {
            throw Invalid(source, $"its 'kind' is {(dto?.Kind is null ? "missing" : $"'{dto.Kind}'")}, not '{Kind}'");
        }

        if (!ImageReference.TryParse(dto.Repository, out var repository) || repository.Tag is not null || repository.Digest is not null)
        {
            throw Invalid(source, $"its 'repository' is '{dto.Repository}', not a repository such as 'registry.example.com/team/app'");
        }

        if (Cake.MultiArch.Platforms.Platform.TryParseCore(dto.Platform, out var platform) is { } platformError)
        {
            throw Invalid(source, $"its 'platform' is invalid: {platformError}");
        }

        if (!IsDigest(dto.Digest))
        {
            throw Invalid(source, $"its 'digest' is '{dto.Digest}', not 'sha256:' and 64 hex digits");
        }

        if (dto.AttestationDigest is not null && !IsDigest(dto.AttestationDigest))
        {
            throw Invalid(source, $"its 'attestationDigest' is '{dto.AttestationDigest}', not 'sha256:' and 64 hex digits");
        }

        return new PublishRecord($"{repository.Registry}/{repository.Repository}", platform, dto.Digest!, dto.AttestationDigest, dto.Builder, dto.Time ?? DateTimeOffset.MinValue);
    }

    /// <summary>Gets the file name a job writes its record to: <c>linux-arm64.json</c>, <c>linux-arm-v7.json</c>.</summary>
    /// <param name="platform">The platform.</param>
    /// <returns>The file name.</returns>
    public static string FileNameFor(Platform platform) => platform.ToString().Replace('/', '-') + ".json";

    private static bool IsDigest(string? value) =>
        value is { Length: 71 } && value.StartsWith("sha256:", StringComparison.Ordinal) && value[7..].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static CakeException Invalid(string source, string why) =>
        new($"MergeImages: the record '{source}' is not a publish record: {why}; expected the JSON that Publish-Platform (WritePublishRecord) writes. Remove the file from the records folder, or write it again.");

    /// <summary>The record as JSON spells it (<see cref="Kind"/> first).</summary>
    internal sealed class Dto
    {
        [JsonPropertyName("kind")]
        public string? Kind { get; set; }

        [JsonPropertyName("repository")]
        public string? Repository { get; set; }

        [JsonPropertyName("platform")]
        public string? Platform { get; set; }

        [JsonPropertyName("digest")]
        public string? Digest { get; set; }

        [JsonPropertyName("attestationDigest")]
        public string? AttestationDigest { get; set; }

        [JsonPropertyName("builder")]
        public string? Builder { get; set; }

        [JsonPropertyName("time")]
        public DateTimeOffset? Time { get; set; }
    }
}
