using Cake.Core.IO;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>Settings for <c>VerifyManifest</c>.</summary>
public sealed class VerifyManifestSettings
{
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

    /// <summary>Gets or sets the registry user name; with <see cref="Password"/> it overrides the docker config.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the registry password or token. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the docker config folder to read credentials from (<c>auths</c>, <c>credsStore</c>, <c>credHelpers</c>). Default: <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>.</summary>
    public DirectoryPath? DockerConfig { get; set; }

    /// <summary>Gets or sets a value indicating whether the docker config is read for credentials. Default: <see langword="true"/>.</summary>
    public bool UseDockerConfig { get; set; } = true;

    /// <summary>Gets the registries reached over plain HTTP besides loopback ones (<c>host:port</c>).</summary>
    public IList<string> InsecureRegistries { get; } = new List<string>();

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

    /// <summary>Gets or sets how many offending paths are named per platform (0 counts them without naming any). Default: 5.</summary>
    public int MaxOffendersShown { get; set; } = 5;

    /// <summary>
    /// Gets or sets the longest one registry request may take as a whole: its connection, token
    /// exchange, redirects, every retry and wait, and the body of a manifest or config. A registry
    /// that accepts the connection and never answers fails after this long, naming the host and
    /// the step. Default: 30 s (each try waits at most 10 s). At most 1 day.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest a layer's download (deep check) may go without receiving a byte. Default: 30 s. At most 1 day.</summary>
    public TimeSpan ReadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one layer's download (deep check) may take. Default: 30 min. At most 1 day.</summary>
    public TimeSpan LayerTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets how many times a request is tried on 429, 5xx, connection failures, cut bodies or unanswered tries (all within <see cref="RequestTimeout"/>). Default: 4.</summary>
    public int MaxAttempts { get; set; } = 4;
}
