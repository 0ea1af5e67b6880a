using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>
/// Puts an already pushed, verified digest under tags, in its own repository or others: the
/// manifest bytes are copied unchanged (the digest never changes), blobs are mounted across
/// repositories when the registry allows it, and a tag already at the digest is left alone.
/// </summary>
public sealed class PromoteImageRunner
{
    private readonly ICakeLog _log;
    private readonly Func<PromoteImageSettings, IRegistryWriteClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="PromoteImageRunner"/> class with the HTTP registry client.</summary>
    /// <param name="log">The log.</param>
    public PromoteImageRunner(ICakeLog log)
        : this(log, settings => settings.CreateClient())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PromoteImageRunner"/> class with a registry client of the caller's.</summary>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client for the settings.</param>
    public PromoteImageRunner(ICakeLog log, Func<PromoteImageSettings, IRegistryWriteClient> clientFactory)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clientFactory = clientFactory ?? throw new ArgumentNullException(nameof(clientFactory));
    }

    /// <summary>Promotes the digest and returns each tag's old → new.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings (before any request), or a registry failure.</exception>
    public PromoteImageResult Run(PromoteImageSettings settings) => RunAsync(settings).GetAwaiter().GetResult();

    /// <summary>Promotes the digest and returns each tag's old → new.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings (before any request), or a registry failure.</exception>
    public async Task<PromoteImageResult> RunAsync(PromoteImageSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (source, tags) = Validate(settings);
        var client = _clientFactory(settings);
        try
        {
            return await PromoteAsync(client, source, tags, settings.UseBlobMount, "PromoteImage", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }

    /// <summary>Resolves tag entries against a repository: a bare tag (no <c>/</c>) is that repository's; anything else is a full reference that must carry a tag and no digest.</summary>
    /// <param name="alias">The alias, for messages.</param>
    /// <param name="repository">The repository bare tags belong to, or <see langword="null"/> when unknown.</param>
    /// <param name="entries">The entries.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The tag references.</returns>
    internal static List<ImageReference> ResolveTags(string alias, ImageReference? repository, IEnumerable<string> entries, List<string> problems)
    {
        var tags = new List<ImageReference>();
        foreach (var entry in entries)
        {
            var bare = entry?.Contains('/', StringComparison.Ordinal) == false;
            if (bare && repository is null)
            {
                continue; // the repository it belongs to is already reported as invalid
            }

            var text = bare ? $"{repository!.Registry}/{repository.Repository}:{entry}" : entry;
            if (ImageReference.TryParseCore(text, out var tag) is { } error)
            {
                problems.Add($"{alias}: Tags has an invalid entry '{entry}'; expected 'registry/repository:tag' or a bare tag such as '1.0', found: {error}");
            }
            else if (tag!.Digest is not null)
            {
                problems.Add($"{alias}: Tags has '{entry}', which holds a digest; expected a tag (a digest cannot be moved). Remove '@{tag.Digest}'.");
            }
            else if (tag.Tag is null)
            {
                problems.Add($"{alias}: Tags has '{entry}' without a tag; expected 'registry/repository:tag'. Add ':tag' (or give a bare tag for the image's own repository).");
            }
            else if (tags.Contains(tag))
            {
                problems.Add($"{alias}: Tags lists '{tag}' more than once; expected each tag once. Remove the repeat.");
            }
            else
            {
                tags.Add(tag);
            }
        }

        return tags;
    }

    /// <summary>Copies the digest into each tag's repository (children first) and points each tag at it.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="source">The source, pinned by digest.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="mount">Whether blobs are mounted across repositories.</param>
    /// <param name="alias">The alias, for messages and the log.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    internal async Task<PromoteImageResult> PromoteAsync(IRegistryWriteClient client, ImageReference source, IReadOnlyList<ImageReference> tags, bool mount, string alias, CancellationToken cancellationToken)
    {
        ManifestResult manifest;
        try
        {
            manifest = await client.GetManifestAsync(source, source.Digest!, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex)
        {
            throw new CakeException($"{alias}: the source {source} could not be read; expected a digest the registry has, found: {ex.Message} Push it first (BuildxBuild by digest, or MergeImages).", ex);
        }

        var copier = new ImageCopier(client, mount);
        foreach (var target in tags.Select(t => t.WithDigest(manifest.Digest)).DistinctBy(t => (t.Registry, t.Repository)).Where(t => t.Registry != source.Registry || t.Repository != source.Repository))
        {
            await copier.CopyAsync(source, target, manifest, cancellationToken).ConfigureAwait(false);
        }

        var changes = new List<TagChange>();
        foreach (var tag in tags)
        {
            var old = await client.HeadManifestAsync(tag, tag.Tag!, cancellationToken).ConfigureAwait(false);
            TagChange change;
            if (old?.Digest == manifest.Digest)
            {
                change = new TagChange(tag.ToString(), old.Digest, manifest.Digest, TagChangeKind.Unchanged);
            }
            else
            {
                await client.PutManifestAsync(tag, tag.Tag!, manifest.MediaType, manifest.Bytes, cancellationToken).ConfigureAwait(false);
                change = new TagChange(tag.ToString(), old?.Digest, manifest.Digest, old is null ? TagChangeKind.Created : TagChangeKind.Moved);
            }

            _log.Write(Verbosity.Normal, LogLevel.Information, "{0}", $"{alias}: {change}");
            changes.Add(change);
        }

        return new PromoteImageResult(source.ToString(), manifest.Digest, manifest.MediaType, changes, copier.Present, copier.Mounted, copier.Uploaded, copier.Manifests);
    }

    private static (ImageReference Source, List<ImageReference> Tags) Validate(PromoteImageSettings settings)
    {
        var problems = new List<string>();
        ImageReference? source = null;
        if (string.IsNullOrWhiteSpace(settings.Source))
        {
            problems.Add("PromoteImage: Source is not set; expected an image pinned by digest such as 'registry.example.com/team/app@sha256:…', found nothing. Pass the digest that BuildxBuild or MergeImages returned.");
        }
        else if (ImageReference.TryParseCore(settings.Source, out source) is { } error)
        {
            problems.Add($"PromoteImage: Source '{settings.Source}' is invalid; expected an image pinned by digest, found: {error}");
        }
        else if (source!.Digest is null)
        {
            problems.Add($"PromoteImage: Source '{settings.Source}' is not pinned by digest; expected 'repository@sha256:…', found {(source.Tag is null ? "no digest" : $"tag '{source.Tag}'")}. Promote the digest that was verified, never a tag (a tag can move between the check and the promotion).");
            source = null;
        }

        if (settings.Tags.Count == 0)
        {
            problems.Add("PromoteImage: Tags is empty; expected at least one tag such as 'registry.example.com/team/app:1.0' or '1.0', found none. Add the tags to point at the digest.");
        }

        var tags = ResolveTags("PromoteImage", source, settings.Tags, problems);
        settings.ValidateAccess("PromoteImage", problems);
        return problems.Count > 0 ? throw new CakeException(string.Join(System.Environment.NewLine, problems)) : (source!, tags);
    }
}
