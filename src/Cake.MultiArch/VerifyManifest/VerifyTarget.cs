using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>What one VerifyManifest call checks: the image, and the platforms it must serve with where they came from.</summary>
/// <param name="Image">The image reference.</param>
/// <param name="Reference">The parsed reference.</param>
/// <param name="ExpectedPlatforms">The platforms it must serve, or <see langword="null"/> for those the registry serves.</param>
/// <param name="Source">Where the expected platforms come from, for the log and result.</param>
internal sealed record VerifyTarget(string Image, ImageReference Reference, IReadOnlyList<Platform>? ExpectedPlatforms, string Source);
