using Cake.MultiArch.BuildxBuild;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Applies computed image metadata to build settings.</summary>
public static class ImageMetadataExtensions
{
    /// <summary>Adds the metadata's tags (<c>--tag</c>), labels (<c>--label</c>) and annotations (<c>--annotation</c>) to the build settings.</summary>
    /// <param name="settings">The build settings.</param>
    /// <param name="metadata">The result of <c>ImageMetadata</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithMetadata(this BuildxBuildSettings settings, ImageMetadataResult metadata)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metadata);
        settings.WithTag([.. metadata.Tags]);
        foreach (var (key, value) in metadata.Labels)
        {
            settings.WithLabel(key, value);
        }

        foreach (var (key, value) in metadata.Annotations)
        {
            settings.WithAnnotation(key, value);
        }

        return settings;
    }
}
