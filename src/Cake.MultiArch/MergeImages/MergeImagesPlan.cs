using System.Text;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.MergeImages;

/// <summary>
/// MergeImages's checks, all before anything is written: the repository, the expected platforms,
/// the inputs (digests and records), the tags and the registry access; then, once the registry
/// was read, that every expected platform comes exactly once; and the index's bytes.
/// </summary>
/// <param name="Repository">The repository every input lives in and the index is pushed to.</param>
/// <param name="Tags">The tags the verified index is promoted to.</param>
/// <param name="Inputs">The inputs, digests first, then the records.</param>
/// <param name="ExpectedPlatforms">The platforms the index must hold, in order.</param>
internal sealed record MergeImagesPlan(ImageReference Repository, IReadOnlyList<ImageReference> Tags, IReadOnlyList<MergeInput> Inputs, IReadOnlyList<Platform> ExpectedPlatforms)
{
    /// <summary>The alias messages start with.</summary>
    public const string Alias = "MergeImages";

    /// <summary>Gets the repository as records name it, <c>registry/path</c>.</summary>
    public string RepositoryName => $"{Repository.Registry}/{Repository.Repository}";

    /// <summary>Checks the settings, listing every problem at once.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The plan, with the <c>Images</c> inputs (records are added by <see cref="WithRecords"/>).</returns>
    /// <exception cref="CakeException">Every problem, one per line.</exception>
    public static MergeImagesPlan Create(MergeImagesSettings settings)
    {
        var problems = new List<string>();
        var repository = CheckRepository(settings.Repository, problems);
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

        var inputs = CheckImages(settings.Images, repository, problems);
        foreach (var (key, _) in settings.Annotations.Where(a => string.IsNullOrWhiteSpace(a.Key)))
        {
            problems.Add($"{Alias}: Annotations has an empty key '{key}'; expected a key such as 'org.opencontainers.image.source'. Remove the entry or name it.");
        }

        var tags = PromoteImagePlan.ResolveTags(Alias, repository, settings.Tags, problems);
        settings.Registry.Validate(Alias, problems);
        RegistryAccessRun.ThrowIfAny(problems);
        return new MergeImagesPlan(repository!, tags, inputs, settings.ExpectedPlatforms.ToArray());
    }

    /// <summary>Adds the records' inputs and refuses their duplicates and gaps before any request (records name their platforms).</summary>
    /// <param name="records">The records read from the folder.</param>
    /// <param name="folder">The folder, for messages, or <see langword="null"/>.</param>
    /// <returns>The plan with every input.</returns>
    /// <exception cref="CakeException">Two records hold one platform, a record holds an unexpected platform, or (records only) a platform has no record.</exception>
    public MergeImagesPlan WithRecords(IEnumerable<(string File, PublishRecord Record)> records, string? folder)
    {
        var inputs = Inputs.Concat(records.Select(r => new MergeInput(r.File, r.Record.Digest, r.Record.Platform, r.Record.AttestationDigest))).ToArray();
        var recorded = inputs.Where(i => i.Platform is not null).ToArray();
        foreach (var group in recorded.GroupBy(r => r.Platform!.Value).Where(g => g.Count() > 1))
        {
            throw new CakeException($"{Alias}: the records '{group.First().Source}' and '{group.Skip(1).First().Source}' both hold platform '{group.Key}'; expected one record per platform. Remove the stale one (a re-run job writes a new record).");
        }

        foreach (var record in recorded.Where(r => !ExpectedPlatforms.Contains(r.Platform!.Value)))
        {
            throw new CakeException($"{Alias}: the record '{record.Source}' holds platform '{record.Platform}', which is not expected; expected exactly {PlatformList.Format(ExpectedPlatforms)}. Add it to the platforms, or remove the record.");
        }

        if (inputs.Length == recorded.Length)
        {
            foreach (var platform in ExpectedPlatforms.Where(p => !recorded.Any(r => r.Platform == p)))
            {
                throw new CakeException($"{Alias}: no record holds platform '{platform}'{(folder is null ? string.Empty : $" in '{folder}'")}; expected one record for each of {PlatformList.Format(ExpectedPlatforms)}. Check that the {platform} job ran and uploaded its record.");
            }
        }

        return this with { Inputs = inputs };
    }

    /// <summary>Checks that the parts read from the registry hold exactly the expected platforms, each once, and orders them.</summary>
    /// <param name="parts">The parts.</param>
    /// <returns>The parts in the order of the expected platforms.</returns>
    /// <exception cref="CakeException">A platform comes twice, is not expected, or is missing.</exception>
    public IReadOnlyList<MergePart> Order(IReadOnlyList<MergePart> parts)
    {
        foreach (var group in parts.GroupBy(p => p.Platform).Where(g => g.Count() > 1))
        {
            throw new CakeException($"{Alias}: platform '{group.Key}' comes from both '{group.First().Source}' and '{group.Skip(1).First().Source}'; expected each platform once. Drop one of them.");
        }

        foreach (var part in parts.Where(p => !ExpectedPlatforms.Contains(p.Platform)))
        {
            throw new CakeException($"{Alias}: platform '{part.Platform}' from '{part.Source}' is not expected; expected exactly {PlatformList.Format(ExpectedPlatforms)}. Add it to ExpectedPlatforms, or remove the input.");
        }

        var missing = ExpectedPlatforms.Where(p => !parts.Any(part => part.Platform == p)).ToArray();
        if (missing.Length > 0)
        {
            throw new CakeException($"{Alias}: no input holds {PlatformList.Format(missing)}; expected exactly {PlatformList.Format(ExpectedPlatforms)}, found {(parts.Count == 0 ? "none" : PlatformList.Format(parts.Select(p => p.Platform)))}. Build the missing platform{(missing.Length == 1 ? string.Empty : "s")} first.");
        }

        return ExpectedPlatforms.Select(p => parts.Single(part => part.Platform == p)).ToArray();
    }

    /// <summary>Writes the index: each platform's manifest, its attestation right after it, and the annotations.</summary>
    /// <param name="parts">The parts, in order.</param>
    /// <param name="annotations">The index's annotations.</param>
    /// <returns>The index's bytes.</returns>
    public static byte[] Compose(IEnumerable<MergePart> parts, IDictionary<string, string> annotations)
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

    private static ImageReference? CheckRepository(string? value, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{Alias}: Repository is not set; expected a repository such as 'registry.example.com/team/app', found nothing. Set the repository the per-platform images were pushed to.");
            return null;
        }

        if (ImageReference.TryParseCore(value, out var repository) is { } error)
        {
            problems.Add($"{Alias}: Repository '{value}' is invalid; expected a repository such as 'registry.example.com/team/app', found: {error}");
            return null;
        }

        if (repository!.Tag is not null || repository.Digest is not null)
        {
            problems.Add($"{Alias}: Repository '{value}' names a {(repository.Digest is null ? "tag" : "digest")}; expected the repository alone, such as '{repository.Registry}/{repository.Repository}'. Put tags in Tags.");
            return null;
        }

        return repository;
    }

    private static List<MergeInput> CheckImages(IEnumerable<string> images, ImageReference? repository, List<string> problems)
    {
        var inputs = new List<MergeInput>();
        foreach (var image in images)
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
                inputs.Add(new MergeInput(image!, reference.Digest, null, null));
            }
        }

        return inputs;
    }
}
