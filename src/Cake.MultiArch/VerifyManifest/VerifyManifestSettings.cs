using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>Settings for <c>VerifyManifest</c>.</summary>
public sealed class VerifyManifestSettings
{
    private RegistryAccess _registry = new();

    /// <summary>Gets or sets the image to check, such as <c>registry.example.com/team/app:1.0</c> or <c>…@sha256:…</c>.</summary>
    public string? Image { get; set; }

    /// <summary>Gets the platforms the image must serve (compared through the Platform model: <c>linux/arm64/v8</c> is <c>linux/arm64</c>).</summary>
    public IList<Platform> ExpectedPlatforms { get; } = new List<Platform>();

    /// <summary>Gets or sets a value indicating whether platforms that are not expected are a failure too. Default: <see langword="false"/>.</summary>
    public bool Strict { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether each platform's layers are streamed and the ELF
    /// header of every executable is checked against the platform (the forgotten
    /// <c>ARG TARGETARCH</c> trap), and whether each platform's image can start: its entry point
    /// resolves in the merged layers, its loaders and libraries are there, its ARM binaries fit
    /// the variant (the checks of <see cref="DeepCheck"/>). Default: <see langword="false"/>.
    /// </summary>
    public bool Deep { get; set; }

    /// <summary>
    /// Gets or sets how the registry is reached: credentials, docker config, plain-HTTP registries,
    /// time limits (each at most 1 day here) and retries. Default: 30 s per request, 4 attempts.
    /// </summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets path prefixes the deep check skips (such as <c>/usr/libexec/qemu</c> in an image that ships emulators).</summary>
    public IList<string> IgnoredPaths { get; } = new List<string>();

    /// <summary>
    /// Gets the deep checks to skip, by id (<see cref="DeepCheck"/>: <c>ElfMachine</c>,
    /// <c>Entrypoint</c>, <c>Interpreter</c>, <c>NeededLibraries</c>, <c>ArmFloatAbi</c>,
    /// <c>ArmArch</c>). Default: none, every check runs when <see cref="Deep"/> is set.
    /// </summary>
    public IList<string> DisabledDeepChecks { get; } = new List<string>();

    /// <summary>
    /// Gets the deep checks whose warnings fail the image too, by id (only <c>NeededLibraries</c>
    /// warns by default). Default: none.
    /// </summary>
    public IList<string> DeepChecksAsErrors { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether the loader and library checks cover every ELF file
    /// in the image, not only those the entry point and <c>PATH</c> reach. Default: <see langword="false"/>.
    /// </summary>
    public bool DeepCheckEveryElf { get; set; }

    /// <summary>
    /// Gets the attestation checks to run, by id (<see cref="AttestationCheck"/>: <c>Provenance</c>,
    /// <c>Sbom</c>, <c>AttestationSubject</c>): the in-toto statements of each platform's
    /// attestation manifest are then read and checked, and listed on its line of the result.
    /// Default: none (the attestations are only counted and their kinds named).
    /// </summary>
    public IList<string> AttestationChecks { get; } = new List<string>();

    /// <summary>Gets or sets how many offending paths are named per platform (0 counts them without naming any). Default: 5.</summary>
    public int MaxOffendersShown { get; set; } = 5;
}
