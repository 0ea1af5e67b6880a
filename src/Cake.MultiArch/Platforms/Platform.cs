using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Cake.MultiArch.Platforms;

/// <summary>
/// A target platform of a container image, such as <c>linux/arm64</c> or <c>linux/arm/v7</c>,
/// normalised the way containerd and buildx normalise it: <c>linux/arm64/v8</c> equals
/// <c>linux/arm64</c>, <c>aarch64</c> is <c>arm64</c>, <c>x86_64</c> is <c>amd64</c>,
/// <c>armhf</c> and <c>arm</c> are <c>arm/v7</c>, <c>armel</c> is <c>arm/v6</c>,
/// <c>i386</c> is <c>386</c>. As in buildx, an architecture alone (<c>arm64</c>) means the build
/// machine's operating system (<c>linux</c>), and an operating system alone means the build
/// machine's architecture; Arm versions (<c>linux/arm64/v8.2</c>, <c>linux/arm64/v9</c>,
/// <c>linux/arm/v8</c>) are kept as given (see docs/platforms.md).
/// </summary>
/// <remarks>
/// Made only by <see cref="Parse"/> and <see cref="TryParse"/>, so every value is normalised.
/// The one value no parser makes is <c>default(Platform)</c> (<see cref="IsDefault"/>): it has no
/// <see cref="Info"/>, formats as an empty string, and every alias rejects it with a clear error
/// (<see cref="PlatformList.Validate"/>).
/// </remarks>
public readonly record struct Platform
{
    private static readonly string[] KnownOperatingSystems = ["linux", "windows", "freebsd"];

    private static readonly ArchitectureInfo[] KnownArchitectures =
    [
        new("386", null, "qemu-i386", "386", 3, false, true),
        new("amd64", null, "qemu-x86_64", "amd64", 62, true, true),
        new("amd64", "v2", "qemu-x86_64", "amd64", 62, true, true),
        new("amd64", "v3", "qemu-x86_64", "amd64", 62, true, true),
        new("amd64", "v4", "qemu-x86_64", "amd64", 62, true, true),
        new("arm", "v5", "qemu-arm", "arm", 40, false, true),
        new("arm", "v6", "qemu-arm", "arm", 40, false, true),
        new("arm", "v7", "qemu-arm", "arm", 40, false, true),
        new("arm64", null, "qemu-aarch64", "arm64", 183, true, true),
        new("ppc64le", null, "qemu-ppc64le", "ppc64le", 21, true, true),
        new("s390x", null, "qemu-s390x", "s390x", 22, true, false),
        new("riscv64", null, "qemu-riscv64", "riscv64", 243, true, true),
        new("loong64", null, "qemu-loongarch64", "loong64", 258, true, true),
        new("mips64le", null, "qemu-mips64el", "mips64le", 8, true, true),
    ];

    private readonly string? _os;

    private Platform(string os, ArchitectureInfo info)
    {
        _os = os;
        Info = info;
    }

    /// <summary>Gets the operating system, such as <c>linux</c> (empty for <c>default(Platform)</c>).</summary>
    public string Os => _os ?? string.Empty;

    /// <summary>Gets the architecture, such as <c>arm64</c> (empty for <c>default(Platform)</c>).</summary>
    public string Architecture => Info?.Architecture ?? string.Empty;

    /// <summary>Gets the variant, such as <c>v7</c>, or <see langword="null"/> when there is none.</summary>
    public string? Variant => Info?.Variant;

    /// <summary>
    /// Gets the QEMU, binfmt and ELF facts of this platform's architecture. Never
    /// <see langword="null"/> for a parsed platform; <see langword="null"/> only for
    /// <c>default(Platform)</c> (check <see cref="IsDefault"/> first where such a value can arrive).
    /// </summary>
    internal ArchitectureInfo Info { get; }

    /// <summary>
    /// Gets a value indicating whether this is <c>default(Platform)</c>: a value no parser made
    /// (for example an uninitialised array element), which every alias rejects.
    /// </summary>
    public bool IsDefault => Info is null;

    /// <summary>
    /// Gets every architecture this addin knows, as <c>linux/…</c> values. Besides these,
    /// <see cref="Parse"/> takes the other operating systems, the Arm versions of <c>arm64</c>
    /// (<c>v8.1</c>…, <c>v9</c>, <c>v9.1</c>…) and <c>arm/v8</c>, which share their architecture's facts.
    /// </summary>
    public static IReadOnlyList<Platform> Supported { get; } =
        KnownArchitectures.Select(a => new Platform("linux", a)).ToArray();

    /// <summary>Gets the accepted values as one readable list, for error messages.</summary>
    public static string AcceptedValues { get; } =
        string.Join(", ", Supported.Select(p => $"'{p}'"));

    /// <summary>Gets the platform of the machine this code runs on (Linux assumed for the OS).</summary>
    public static Platform Host => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => Parse("linux/amd64"),
        System.Runtime.InteropServices.Architecture.Arm64 => Parse("linux/arm64"),
        System.Runtime.InteropServices.Architecture.Arm or System.Runtime.InteropServices.Architecture.Armv6 => Parse("linux/arm/v7"),
        System.Runtime.InteropServices.Architecture.X86 => Parse("linux/386"),
        System.Runtime.InteropServices.Architecture.S390x => Parse("linux/s390x"),
        System.Runtime.InteropServices.Architecture.Ppc64le => Parse("linux/ppc64le"),
        System.Runtime.InteropServices.Architecture.RiscV64 => Parse("linux/riscv64"),
        System.Runtime.InteropServices.Architecture.LoongArch64 => Parse("linux/loong64"),
        _ => Parse("linux/amd64"),
    };

    /// <summary>Parses and normalises a platform such as <c>linux/arm64</c> or <c>linux/arm/v7</c>.</summary>
    /// <param name="value">The platform text: <c>os/architecture[/variant]</c>.</param>
    /// <returns>The normalised platform.</returns>
    /// <exception cref="ArgumentException">
    /// The text is <see langword="null"/>, empty or not a platform this addin accepts; the message
    /// names the text and lists the accepted values. (Never a <see cref="NullReferenceException"/>.)
    /// </exception>
    public static Platform Parse(string value)
    {
        var error = TryParseCore(value, out var platform);
        return error is null ? platform : throw new ArgumentException(error, nameof(value));
    }

    /// <summary>Tries to parse and normalise a platform.</summary>
    /// <param name="value">The platform text: <c>os/architecture[/variant]</c>.</param>
    /// <param name="platform">The normalised platform, when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is a platform this addin accepts.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out Platform platform) =>
        TryParseCore(value, out platform) is null;

    /// <summary>Tries to parse a platform, returning the reason it is not one.</summary>
    /// <param name="value">The platform text.</param>
    /// <param name="platform">The normalised platform, when the text is valid.</param>
    /// <returns><see langword="null"/> on success, otherwise a message that lists the accepted values.</returns>
    internal static string? TryParseCore(string? value, out Platform platform)
    {
        platform = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"A platform is empty; expected os/architecture[/variant], one of {AcceptedValues}.";
        }

        var parts = value.Trim().ToLowerInvariant().Split('/');
        if (parts.Length == 1)
        {
            return TryParseSinglePart(value, parts[0], out platform);
        }

        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
        {
            return $"Platform '{value}' is not of the form os/architecture[/variant]. Accepted: {AcceptedValues}.";
        }

        var os = parts[0];
        if (!KnownOperatingSystems.Contains(os))
        {
            return $"Platform '{value}' has an unknown operating system '{parts[0]}'; expected one of {string.Join(", ", KnownOperatingSystems.Select(o => $"'{o}'"))}.";
        }

        return TryParseArchitecture(value, os, parts[1], parts.Length == 3 ? parts[2] : null, out platform);
    }

    // As containerd and buildx: one part is an operating system on the build machine's
    // architecture, or an architecture on the build machine's operating system (linux).
    private static string? TryParseSinglePart(string value, string part, out Platform platform)
    {
        if (KnownOperatingSystems.Contains(part))
        {
            platform = new Platform(part, Host.Info);
            return null;
        }

        if (TryParseArchitecture(value, Host.Os, part, null, out platform) is null)
        {
            return null;
        }

        return $"Platform '{value}' is neither an architecture nor an operating system; expected os/architecture[/variant] such as 'linux/arm64', or an architecture alone such as 'arm64' (meaning {Host.Os}/arm64). Accepted: {AcceptedValues}.";
    }

    private static string? TryParseArchitecture(string value, string os, string architecture, string? variantText, out Platform platform)
    {
        platform = default;
        var (arch, variant) = NormalizeArchitecture(architecture, variantText);
        var info = Array.Find(KnownArchitectures, a => a.Architecture == arch && a.Variant == variant)
            ?? (IsExtraVariant(arch, variant) ? Array.Find(KnownArchitectures, a => a.Architecture == arch)! with { Variant = variant } : null);
        if (info is null)
        {
            return KnownArchitectures.Any(a => a.Architecture == arch)
                ? $"Platform '{value}' has an unknown variant '{variant}' for architecture '{arch}'. Accepted: {AcceptedValues}; also {ExtraVariants}."
                : $"Platform '{value}' has an unknown architecture '{architecture}'. Accepted: {AcceptedValues}.";
        }

        platform = new Platform(os, info);
        return null;
    }

    // containerd's arm64 versions (v8.1 … v8.9, v9, v9.1 …) and 32-bit arm on an Armv8 CPU (arm/v8):
    // accepted and printed as given, but not listed in Supported (no QEMU or ELF difference).
    private const string ExtraVariants = "'linux/arm64/v8.N' and 'linux/arm64/v9[.N]' (Arm architecture versions), 'linux/arm/v8'";

    private static bool IsExtraVariant(string arch, string? variant) => (arch, variant) switch
    {
        ("arm", "v8") => true,
        ("arm64", { } v) => IsArm64Version(v),
        _ => false,
    };

    // v8.1 … v8.99, v9, v9.1 … v9.99 (v8, v8.0, v9.0 are normalised before).
    private static bool IsArm64Version(string variant)
    {
        if (variant is "v9")
        {
            return true;
        }

        if (variant.Length < 4 || variant[0] != 'v' || variant[1] is not ('8' or '9') || variant[2] != '.')
        {
            return false;
        }

        var minor = variant[3..];
        return minor.Length <= 2 && minor[0] != '0' && minor.All(char.IsAsciiDigit);
    }

    // containerd platforms/database.go normalizeArch, restricted to what images are built for.
    private static (string Arch, string? Variant) NormalizeArchitecture(string arch, string? variant)
    {
        switch (arch)
        {
            case "i386":
                return ("386", null);
            case "i686" or "x86":
                return ("386", variant);
            case "x86_64" or "x86-64" or "amd64":
                return ("amd64", variant is "v1" ? null : variant);
            case "aarch64" or "arm64":
                return ("arm64", variant switch
                {
                    "8" or "v8" or "v8.0" => null,
                    "9" or "9.0" or "v9.0" => "v9",
                    _ => variant,
                });
            case "armhf":
                return ("arm", "v7");
            case "armel":
                return ("arm", "v6");
            case "arm":
                return ("arm", variant switch
                {
                    null or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                });
            case "loongarch64":
                return ("loong64", variant);
            case "ppc64el":
                return ("ppc64le", variant);
            case "mips64el":
                return ("mips64le", variant);
            default:
                return (arch, variant);
        }
    }

    /// <summary>Formats the platform as <c>os/architecture[/variant]</c>, the form buildx takes.</summary>
    /// <returns>The platform text.</returns>
    public override string ToString() =>
        Info is null ? string.Empty : Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    /// <summary>Converts a platform string, such as <c>linux/arm64</c>, to a <see cref="Platform"/>.</summary>
    /// <param name="value">The platform text.</param>
    /// <exception cref="ArgumentException">The text is <see langword="null"/>, empty or not a platform (see <see cref="Parse"/>).</exception>
    /// <remarks>
    /// A conversion cannot know which setting the string was given for, so its message says that a
    /// string given for a platform setting (<c>Platforms</c>, <c>RequiredPlatforms</c>,
    /// <c>NodePlatforms</c>, <c>ExpectedPlatforms</c>…) was not a platform; the line of the build
    /// script in the exception's stack trace names the setting. <see cref="Parse"/> does the same
    /// without the conversion's wording.
    /// </remarks>
    public static implicit operator Platform(string value)
    {
        var error = TryParseCore(value, out var platform);
        return error is null
            ? platform
            : throw new ArgumentException($"A string given for a platform setting (Platforms, RequiredPlatforms, NodePlatforms, ExpectedPlatforms or another list of Platform) is not a platform (a conversion cannot tell which setting it was given for: the build script line in the stack trace shows it). {error}", nameof(value));
    }
}
