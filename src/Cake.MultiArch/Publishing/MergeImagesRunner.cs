using System.Text;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Composes one OCI index from per-platform results (pure HTTP, no docker): every platform
/// manifest once, each attestation manifest beside the manifest it describes, nothing re-wrapped;
/// refuses duplicates and anything but the expected platforms before writing; pushes the index by
/// digest, verifies it, and only then promotes it to the tags.
/// </summary>
public sealed class MergeImagesRunner
{
    private const string Alias = "MergeImages";
    private readonly ICakeLog _log;
    private readonly Func<RegistryAccessSettings, IRegistryWriteClient> _clientFactory;
    private readonly Cake.Core.IO.DirectoryPath? _workingDirectory;

    /// <summary>Initializes a new instance of the <see cref="MergeImagesRunner"/> class with the HTTP registry client.</summary>
    /// <param name="log">The log.</param>
    /// <param name="workingDirectory">The folder a relative <c>RecordsDirectory</c> is taken from (default: the process's current directory).</param>
    public MergeImagesRunner(ICakeLog log, Cake.Core.IO.DirectoryPath? workingDirectory = null)
        : this(log, settings => settings.CreateClient())
    {
        _workingDirectory = workingDirectory;
    }

    /// <summary>Initializes a new instance of the <see cref="MergeImagesRunner"/> class with a registry client of the caller's.</summary>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes a registry client for the settings (called for the merge and for the verification).</param>
    public MergeImagesRunner(ICakeLog log, Func<RegistryAccessSettings, IRegistryWriteClient> clientFactory)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clientFactory = clientFactory ?? throw new ArgumentNullException(nameof(clientFactory));
    }

    /// <summary>Merges, pushes, verifies and promotes.</summary>
    /// <param name="settings">The settings (not changed); a relative <c>RecordsDirectory</c> is taken from the current directory.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings or records, a missing digest, duplicate or missing platforms (all before any write), or a failed verification (no tag moved).</exception>
    public MergeImagesResult Run(MergeImagesSettings settings) => RunAsync(settings).GetAwaiter().GetResult();

    /// <summary>Merges, pushes, verifies and promotes.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">See <see cref="Run"/>.</exception>
    public async Task<MergeImagesResult> RunAsync(MergeImagesSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (repository, tags, inputs) = Validate(settings);
        var expected = settings.ExpectedPlatforms.ToArray();
        CheckRecordPlatforms(inputs, expected, RecordsFolder(settings));

        var client = _clientFactory(settings);
        try
        {
            var parts = new List<Part>();
            foreach (var input in inputs)
            {
                parts.AddRange(await ReadInputAsync(client, repository, input, cancellationToken).ConfigureAwait(false));
            }

            CheckCoverage(parts, expected);
            var ordered = expected.Select(p => parts.Single(part => part.Platform == p)).ToArray();
            var bytes = Compose(ordered, settings.Annotations);
            var index = repository.WithDigest(RegistryClient.Sha256(bytes));
            await client.PutManifestAsync(index, index.Digest!, MediaTypes.OciIndex, bytes, cancellationToken).ConfigureAwait(false);
            _log.Write(Verbosity.Normal, LogLevel.Information, "{0}", $"{Alias}: pushed {index} ({string.Join(", ", ordered.Select(p => $"{p.Platform} {p.Digest}{(p.Attestation is null ? string.Empty : " + attestation " + p.Attestation)}"))})");

            VerifyManifestResult? report = null;
            if (settings.Verify)
            {
                var verifier = new VerifyManifestRunner(_log, _ => _clientFactory(settings));
                report = await verifier.RunAsync(settings.ToVerifySettings(index.ToString(), expected, settings.Deep), cancellationToken).ConfigureAwait(false);
                if (!report.Passed)
                {
                    throw new CakeException($"{Alias}: the merged index {index} failed verification, so no tag was moved; expected every check to pass, found {report.Problems.Count} problem{(report.Problems.Count == 1 ? string.Empty : "s")}:" + System.Environment.NewLine
                        + string.Join(System.Environment.NewLine, report.Problems.Select(p => "  - " + p)));
                }
            }

            PromoteImageResult? promotion = null;
            if (tags.Count > 0)
            {
                promotion = await new PromoteImageRunner(_log).PromoteAsync(client, index, tags, settings.UseBlobMount, Alias, cancellationToken).ConfigureAwait(false);
            }

            return new MergeImagesResult(index.ToString(), index.Digest!, ordered.Select(p => new PushedPlatform(p.Platform, p.Digest, p.Attestation)).ToArray(), report, promotion);
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }

    /// <summary>Reads the publish records of a folder (<c>*.json</c>, by name), each checked to belong to the repository.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="repository">The repository, <c>registry/path</c>.</param>
    /// <returns>The records with their files.</returns>
    /// <exception cref="CakeException">The folder is missing or empty, or a file is not a record or is another repository's.</exception>
    public static IReadOnlyList<(string File, PublishRecord Record)> ReadRecords(string folder, string repository)
    {
        if (!Directory.Exists(folder))
        {
            throw new CakeException($"{Alias}: the records folder '{folder}' does not exist; expected a folder of *.json records written by Publish-Platform. Download the per-platform jobs' artifacts there first.");
        }

        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new CakeException($"{Alias}: the records folder '{folder}' holds no *.json record; expected one per platform, written by Publish-Platform. Check that the per-platform jobs ran and uploaded their records.");
        }

        var records = new List<(string, PublishRecord)>();
        foreach (var file in files)
        {
            var record = PublishRecord.Parse(File.ReadAllText(file), file);
            if (record.Repository != repository)
            {
                throw new CakeException($"{Alias}: the record '{file}' is for repository '{record.Repository}'; expected '{repository}'. Remove it from the records folder, or merge it into its own repository.");
            }

            records.Add((file, record));
        }

        return records;
    }

    private string? RecordsFolder(MergeImagesSettings settings) =>
        settings.RecordsDirectory is null ? null : _workingDirectory is null ? Path.GetFullPath(settings.RecordsDirectory.FullPath) : settings.RecordsDirectory.MakeAbsolute(_workingDirectory).FullPath;

    private (ImageReference Repository, List<ImageReference> Tags, List<Input> Inputs) Validate(MergeImagesSettings settings)
    {
        var problems = new List<string>();
        ImageReference? repository = null;
        if (string.IsNullOrWhiteSpace(settings.Repository))
        {
            problems.Add($"{Alias}: Repository is not set; expected a repository such as 'registry.example.com/team/app', found nothing. Set the repository the per-platform images were pushed to.");
        }
        else if (ImageReference.TryParseCore(settings.Repository, out repository) is { } error)
        {
            problems.Add($"{Alias}: Repository '{settings.Repository}' is invalid; expected a repository such as 'registry.example.com/team/app', found: {error}");
        }
        else if (repository!.Tag is not null || repository.Digest is not null)
        {
            problems.Add($"{Alias}: Repository '{settings.Repository}' names a {(repository.Digest is null ? "tag" : "digest")}; expected the repository alone, such as '{repository.Registry}/{repository.Repository}'. Put tags in Tags.");
            repository = null;
        }

        if (settings.ExpectedPlatforms.Count == 0)
        {
            problems.Add($"{Alias}: ExpectedPlatforms is empty; expected the platforms the index must hold, such as linux/amd64 and linux/arm64, found none. List every platform the jobs build.");
        }

        foreach (var duplicate in PlatformList.Duplicates(settings.ExpectedPlatforms))
        {
            problems.Add($"{Alias}: ExpectedPlatforms lists '{duplicate}' more than once (after normalisation); expected each platform once. Remove the repeat.");
        }

        if (settings.Images.Count == 0 && settings.RecordsDirectory is null)
        {
            problems.Add($"{Alias}: no input is set; expected Images (digests) or RecordsDirectory (a folder of publish records), found neither. Pass the per-platform digests or the records folder.");
        }

        var inputs = new List<Input>();
        foreach (var image in settings.Images)
        {
            var text = image?.StartsWith("sha256:", StringComparison.Ordinal) == true && repository is not null ? $"{repository.Registry}/{repository.Repository}@{image}" : image;
            if (ImageReference.TryParseCore(text, out var reference) is { } error)
            {
                problems.Add($"{Alias}: Images has an invalid entry '{image}'; expected 'sha256:…' or 'registry/repository@sha256:…', found: {error}");
            }
            else if (reference!.Digest is null)
            {
                problems.Add($"{Alias}: Images has '{image}', which is not pinned by digest; expected 'sha256:…' or 'registry/repository@sha256:…'. Use the digest the per-platform build returned.");
            }
            else if (repository is not null && (reference.Registry != repository.Registry || reference.Repository != repository.Repository))
            {
                problems.Add($"{Alias}: Images has '{image}' from repository '{reference.Registry}/{reference.Repository}'; expected '{repository.Registry}/{repository.Repository}'. Push every platform to the same repository (or promote it there first).");
            }
            else if (inputs.Any(i => i.Digest == reference.Digest))
            {
                problems.Add($"{Alias}: Images lists '{reference.Digest}' more than once; expected each result once. Remove the repeat.");
            }
            else
            {
                inputs.Add(new Input(image!, reference.Digest, null, null));
            }
        }

        foreach (var (key, _) in settings.Annotations.Where(a => string.IsNullOrWhiteSpace(a.Key)))
        {
            problems.Add($"{Alias}: Annotations has an empty key '{key}'; expected a key such as 'org.opencontainers.image.source'. Remove the entry or name it.");
        }

        var tags = PromoteImageRunner.ResolveTags(Alias, repository, settings.Tags, problems);
        settings.ValidateAccess(Alias, problems);
        if (problems.Count > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, problems));
        }

        if (RecordsFolder(settings) is { } folder)
        {
            foreach (var (file, record) in ReadRecords(folder, $"{repository!.Registry}/{repository.Repository}"))
            {
                inputs.Add(new Input(file, record.Digest, record.Platform, record.AttestationDigest));
            }
        }

        return (repository!, tags, inputs);
    }

    // Records name their platforms: their duplicates and gaps are refused before any request.
    private static void CheckRecordPlatforms(List<Input> inputs, Platform[] expected, string? folder)
    {
        var records = inputs.Where(i => i.Platform is not null).ToArray();
        foreach (var group in records.GroupBy(r => r.Platform!.Value).Where(g => g.Count() > 1))
        {
            throw new CakeException($"{Alias}: the records '{group.First().Source}' and '{group.Skip(1).First().Source}' both hold platform '{group.Key}'; expected one record per platform. Remove the stale one (a re-run job writes a new record).");
        }

        foreach (var record in records.Where(r => !expected.Contains(r.Platform!.Value)))
        {
            throw new CakeException($"{Alias}: the record '{record.Source}' holds platform '{record.Platform}', which is not expected; expected exactly {PlatformList.Format(expected)}. Add it to the platforms, or remove the record.");
        }

        if (inputs.Count == records.Length)
        {
            foreach (var platform in expected.Where(p => !records.Any(r => r.Platform == p)))
            {
                throw new CakeException($"{Alias}: no record holds platform '{platform}'{(folder is null ? string.Empty : $" in '{folder}'")}; expected one record for each of {PlatformList.Format(expected)}. Check that the {platform} job ran and uploaded its record.");
            }
        }
    }

    private static void CheckCoverage(List<Part> parts, Platform[] expected)
    {
        foreach (var group in parts.GroupBy(p => p.Platform).Where(g => g.Count() > 1))
        {
            throw new CakeException($"{Alias}: platform '{group.Key}' comes from both '{group.First().Source}' and '{group.Skip(1).First().Source}'; expected each platform once. Drop one of them.");
        }

        foreach (var part in parts.Where(p => !expected.Contains(p.Platform)))
        {
            throw new CakeException($"{Alias}: platform '{part.Platform}' from '{part.Source}' is not expected; expected exactly {PlatformList.Format(expected)}. Add it to ExpectedPlatforms, or remove the input.");
        }

        var missing = expected.Where(p => !parts.Any(part => part.Platform == p)).ToArray();
        if (missing.Length > 0)
        {
            throw new CakeException($"{Alias}: no input holds {PlatformList.Format(missing)}; expected exactly {PlatformList.Format(expected)}, found {(parts.Count == 0 ? "none" : PlatformList.Format(parts.Select(p => p.Platform)))}. Build the missing platform{(missing.Length == 1 ? string.Empty : "s")} first.");
        }
    }

    private static async Task<IEnumerable<Part>> ReadInputAsync(IRegistryWriteClient client, ImageReference repository, Input input, CancellationToken cancellationToken)
    {
        var image = repository.WithDigest(input.Digest);
        var top = await GetAsync(client, image, input.Source, "its digest", cancellationToken).ConfigureAwait(false);
        if (top.IsIndex)
        {
            var index = JsonNode.Parse(top.Bytes)!["manifests"]!.AsArray().Select(n => n!).ToArray();
            var attestations = index.Where(IsAttestation).ToArray();
            var parts = new List<Part>();
            foreach (var entry in index.Where(e => !IsAttestation(e)))
            {
                var platformText = entry["platform"] is { } p ? $"{p["os"]}/{p["architecture"]}{(p["variant"] is { } v ? "/" + v : string.Empty)}" : null;
                if (Platform.TryParseCore(platformText, out var platform) is { } error)
                {
                    throw new CakeException($"{Alias}: the index {image} (from '{input.Source}') has an entry with platform '{platformText}'; expected os/architecture such as linux/arm64. {error}");
                }

                var digest = (string)entry["digest"]!;
                var attestation = attestations.FirstOrDefault(a => (string?)a["annotations"]?["vnd.docker.reference.digest"] == digest);
                parts.Add(new Part(platform, input.Source, digest, entry.DeepClone(), (string?)attestation?["digest"], attestation?.DeepClone()));
            }

            if (input.Platform is { } recorded && (parts.Count != 1 || parts[0].Platform != recorded))
            {
                throw new CakeException($"{Alias}: the record '{input.Source}' says {recorded}, but {image} holds {PlatformList.Format(parts.Select(p => p.Platform))}; expected the record's platform only. Write the record from the build it describes.");
            }

            return parts;
        }

        var (configPlatform, config) = await PushedPlatform.ConfigPlatformAsync(client, image, top, Alias, cancellationToken).ConfigureAwait(false);
        if (input.Platform is { } expected && expected != configPlatform)
        {
            throw new CakeException($"{Alias}: the record '{input.Source}' says {expected}, but the config of {image} says {configPlatform}; expected them to agree. Write the record from the build it describes.");
        }

        var platformNode = new JsonObject { ["architecture"] = config.Architecture, ["os"] = config.Os };
        if (!string.IsNullOrEmpty(config.Variant))
        {
            platformNode["variant"] = config.Variant;
        }

        var descriptor = new JsonObject { ["mediaType"] = top.MediaType, ["digest"] = top.Digest, ["size"] = top.Bytes.Length, ["platform"] = platformNode };
        JsonObject? attestationNode = null;
        if (input.Attestation is { } attestationDigest)
        {
            var attestationManifest = await GetAsync(client, repository.WithDigest(attestationDigest), input.Source, "its attestation digest", cancellationToken).ConfigureAwait(false);
            attestationNode = new JsonObject
            {
                ["mediaType"] = attestationManifest.MediaType,
                ["digest"] = attestationManifest.Digest,
                ["size"] = attestationManifest.Bytes.Length,
                ["annotations"] = new JsonObject { ["vnd.docker.reference.digest"] = top.Digest, ["vnd.docker.reference.type"] = "attestation-manifest" },
                ["platform"] = new JsonObject { ["architecture"] = "unknown", ["os"] = "unknown" },
            };
        }

        return [new Part(configPlatform, input.Source, top.Digest, descriptor, input.Attestation, attestationNode)];
    }

    private static async Task<ManifestResult> GetAsync(IRegistryWriteClient client, ImageReference image, string source, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetManifestAsync(image, image.Digest!, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex)
        {
            throw new CakeException($"{Alias}: {image} (from '{source}') could not be read; expected {what} to be in the registry, found: {ex.Message} Nothing was written.", ex);
        }
    }

    private static bool IsAttestation(JsonNode entry) =>
        (string?)entry["annotations"]?["vnd.docker.reference.type"] == "attestation-manifest";

    private static byte[] Compose(IEnumerable<Part> parts, IDictionary<string, string> annotations)
    {
        var manifests = new JsonArray();
        foreach (var part in parts)
        {
            manifests.Add(part.Descriptor);
            if (part.AttestationDescriptor is not null)
            {
                manifests.Add(part.AttestationDescriptor);
            }
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = manifests };
        if (annotations.Count > 0)
        {
            var node = new JsonObject();
            foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                node[key] = value;
            }

            index["annotations"] = node;
        }

        return Encoding.UTF8.GetBytes(index.ToJsonString());
    }

    private sealed record Input(string Source, string Digest, Platform? Platform, string? Attestation);

    private sealed record Part(Platform Platform, string Source, string Digest, JsonNode Descriptor, string? Attestation, JsonNode? AttestationDescriptor);
}
