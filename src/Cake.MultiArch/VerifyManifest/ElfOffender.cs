namespace Cake.MultiArch.VerifyManifest;

/// <summary>An ELF file whose architecture is not the platform's.</summary>
/// <param name="Path">The file's path in the image.</param>
/// <param name="Architecture">What it is really built for.</param>
public sealed record ElfOffender(string Path, string Architecture);
