using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.PromoteImage;

/// <summary>PromoteImage's checks, before any request: the source pinned by digest, the tags, the registry access.</summary>
/// <param name="Source">The source, pinned by digest.</param>
/// <param name="Tags">The tags to point at it.</param>
internal sealed record PromoteImagePlan(ImageReference Source, IReadOnlyList<ImageReference> Tags)
{
    private const string Alias = "PromoteImage";

    /// <summary>Checks the settings, listing every problem at once.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="Cake.Core.CakeException">Every problem, one per line.</exception>
    public static PromoteImagePlan Create(PromoteImageSettings settings)
    {
        var problems = new List<string>();
        ImageReference? source = null;
        if (string.IsNullOrWhiteSpace(settings.Source))
        {
            problems.Add($"{Alias}: Source is not set; expected an image pinned by digest such as 'registry.example.com/team/app@sha256:…', found nothing. Pass the digest that BuildxBuild or MergeImages returned.");
        }
        else if (ImageReference.TryParseCore(settings.Source, out source) is { } error)
        {
            problems.Add($"{Alias}: Source '{settings.Source}' is invalid; expected an image pinned by digest, found: {error}");
        }
        else if (source!.Digest is null)
        {
            problems.Add($"{Alias}: Source '{settings.Source}' is not pinned by digest; expected 'repository@sha256:…', found {(source.Tag is null ? "no digest" : $"tag '{source.Tag}'")}. Promote the digest that was verified, never a tag (a tag can move between the check and the promotion).");
            source = null;
        }

        if (settings.Tags.Count == 0)
        {
            problems.Add($"{Alias}: Tags is empty; expected at least one tag such as 'registry.example.com/team/app:1.0' or '1.0', found none. Add the tags to point at the digest.");
        }

        var tags = ResolveTags(Alias, source, settings.Tags, problems);
        settings.Registry.Validate(Alias, problems);
        RegistryAccessRun.ThrowIfAny(problems);
        return new PromoteImagePlan(source!, tags);
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
}
