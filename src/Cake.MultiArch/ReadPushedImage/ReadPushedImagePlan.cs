using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.ReadPushedImage;

/// <summary>ReadPushedImage's checks, before any request: an image pinned by digest (given, or taken from a build's result) and the registry access.</summary>
/// <param name="Image">The image pinned by digest.</param>
internal sealed record ReadPushedImagePlan(ImageReference Image)
{
    private const string Alias = "ReadPushedImage";

    /// <summary>Checks the settings, listing every problem at once.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="CakeException">Every problem, one per line.</exception>
    public static ReadPushedImagePlan Create(ReadPushedImageSettings settings) => Create(settings.Image, settings.Registry);

    /// <summary>Checks a build's result and the access settings: the build's pushed name and digest are the image.</summary>
    /// <param name="build">The build's result.</param>
    /// <param name="access">The registry access.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="CakeException">The result has no digest or names no image, or every problem of the settings.</exception>
    public static ReadPushedImagePlan Create(BuildxBuildResult build, RegistryAccess access)
    {
        var name = build.ImageNames.FirstOrDefault();
        if (build.Digest is null || name is null || !ImageReference.TryParse(name, out var reference))
        {
            throw new CakeException($"{Alias}: the build result '{build}' has no pushed image; expected a digest and an image name (push by digest with a name: BuildOutput.PushedImage(repository) with PushByDigest). Push the build.");
        }

        return Create(reference.WithDigest(build.Digest).ToString(), access);
    }

    private static ReadPushedImagePlan Create(string? image, RegistryAccess access)
    {
        var problems = new List<string>();
        ImageReference? reference = null;
        if (string.IsNullOrWhiteSpace(image) || ImageReference.TryParseCore(image, out reference) is not null || reference!.Digest is null)
        {
            problems.Add($"{Alias}: Image '{image}' is not an image pinned by digest; expected 'registry/repository@sha256:…'. Pass the digest the build pushed.");
        }

        access.Validate(Alias, problems);
        RegistryAccessRun.ThrowIfAny(problems);
        return new ReadPushedImagePlan(reference!);
    }
}
