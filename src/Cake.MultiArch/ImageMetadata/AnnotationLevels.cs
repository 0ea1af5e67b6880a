namespace Cake.MultiArch.ImageMetadata;

/// <summary>Where OCI annotations are written (buildx's <c>--annotation</c> level prefixes).</summary>
[Flags]
public enum AnnotationLevels
{
    /// <summary>On each platform's image manifest (<c>manifest:</c>), metadata-action's default.</summary>
    Manifest = 1,

    /// <summary>On the image index (<c>index:</c>), which some registries read alone to show a description; needs a multi-platform (index) push.</summary>
    Index = 2,

    /// <summary>On both.</summary>
    Both = Manifest | Index,
}
