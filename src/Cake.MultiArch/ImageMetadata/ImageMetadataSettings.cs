using Cake.Core.IO;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>
/// The inputs of <c>ImageMetadata</c>: image names, tag rules, flavor, extra labels and
/// annotations, and overrides of every value read from the CI system or git (docker/metadata-action's inputs).
/// </summary>
public sealed class ImageMetadataSettings
{
    /// <summary>Gets the image names without tag, such as <c>ghcr.io/acme/app</c> (<c>images</c>), lower-cased as metadata-action does; every tag is made for each. When empty, <see cref="ImageMetadataResult.Tags"/> holds the bare tags.</summary>
    public IList<string> Images { get; } = new List<string>();

    /// <summary>Gets the tag rules (<c>tags</c>); when empty: schedule, branch, git tag and pull request (metadata-action's defaults).</summary>
    public IList<TagRule> Tags { get; } = new List<TagRule>();

    /// <summary>Gets or sets the flavor (<c>flavor</c>): <c>latest</c>, prefix and suffix.</summary>
    public MetadataFlavor Flavor { get; set; } = new();

    /// <summary>Gets the labels added to (and winning over) the computed OCI labels (<c>labels</c>).</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the annotations added to (and winning over) the computed ones (<c>annotations</c>); a key without a level prefix gets <see cref="AnnotationLevels"/>' prefixes.</summary>
    public IDictionary<string, string> Annotations { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets where annotations go (metadata-action's <c>DOCKER_METADATA_ANNOTATIONS_LEVELS</c>); default <see cref="ImageMetadata.AnnotationLevels.Manifest"/>.</summary>
    public AnnotationLevels AnnotationLevels { get; set; } = AnnotationLevels.Manifest;

    /// <summary>Gets or sets the git repository folder; default the working directory.</summary>
    public DirectoryPath? RepositoryPath { get; set; }

    /// <summary>Gets or sets the git executable; default <c>git</c> found by Cake's tool locator or PATH. Git only runs for a value neither set here nor given by the CI system.</summary>
    public FilePath? GitToolPath { get; set; }

    /// <summary>Gets or sets the full git ref (<c>refs/heads/main</c>, <c>refs/tags/v1.2.3</c>, <c>refs/pull/5/merge</c>) instead of the detected one; unset (and <see cref="NoRef"/> false) means "read it from the CI system or git".</summary>
    public string? Ref { get; set; }

    /// <summary>Gets or sets whether the build has no git ref (metadata-action's empty <c>GITHUB_REF</c>): no branch, git tag or pull request is read from the CI system or git, and the ref rules make no tag. Cannot be combined with <see cref="Ref"/>.</summary>
    public bool NoRef { get; set; }

    /// <summary>Gets or sets the commit instead of the detected one; unset (and <see cref="NoCommit"/> false) means "read it from the CI system or git".</summary>
    public string? Sha { get; set; }

    /// <summary>Gets or sets whether the build has no commit (metadata-action's empty <c>GITHUB_SHA</c>): none is read from the CI system or git, a sha rule makes no tag and the <c>revision</c> label is left out. Cannot be combined with <see cref="Sha"/>.</summary>
    public bool NoCommit { get; set; }

    /// <summary>Gets or sets the default branch instead of the detected one.</summary>
    public string? DefaultBranch { get; set; }

    /// <summary>Gets or sets the event (<c>push</c>, <c>pull_request</c>, <c>schedule</c>) instead of the detected one.</summary>
    public string? EventName { get; set; }

    /// <summary>Gets or sets the pull request number instead of the detected one; it makes the build a pull request build.</summary>
    public int? PullRequestNumber { get; set; }

    /// <summary>Gets or sets the pull request's head commit instead of the detected one.</summary>
    public string? PullRequestHeadSha { get; set; }

    /// <summary>Gets or sets the build time instead of now.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>Gets or sets <c>org.opencontainers.image.title</c>; default the repository name.</summary>
    public string? Title { get; set; }

    /// <summary>Gets or sets <c>org.opencontainers.image.description</c>; default the repository description (GitHub).</summary>
    public string? Description { get; set; }

    /// <summary>Gets or sets <c>org.opencontainers.image.url</c>; default the repository's web address.</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets <c>org.opencontainers.image.source</c>; default the repository's web address.</summary>
    public string? Source { get; set; }

    /// <summary>Gets or sets <c>org.opencontainers.image.licenses</c>; default the repository's SPDX license (GitHub).</summary>
    public string? Licenses { get; set; }
}
