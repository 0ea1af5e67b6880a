using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Cake.MultiArch.Platforms;

/// <summary>
/// A target platform of a container image, such as <c>linux/arm64</c> or <c>linux/arm/v7</c>,
/// normalised the way containerd and buildx normalise it: <c>linux/arm64/v8</c> equals
/// <c>linux/arm64</c>, <c>aarch64</c> is <c>arm64</c>, <c>x86_64</c> is <c>amd64</c>,
/// <c>armhf</c> and <c>arm</c> are <c>arm/v7</c>, <c>armel</c> is <c>arm/v6</c>,
/// <c>i386</c> is <c>386</c>.
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

    /// <summary>Gets every platform this addin accepts, as <c>linux/…</c> values.</summary>
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
            return $"Platform '{value}' has no operating system; expected os/architecture[/variant] such as 'linux/{parts[0]}'. Accepted: {AcceptedValues}.";
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

        var (arch, variant) = NormalizeArchitecture(parts[1], parts.Length == 3 ? parts[2] : null);
        var info = Array.Find(KnownArchitectures, a => a.Architecture == arch && a.Variant == variant);
        if (info is null)
        {
            return KnownArchitectures.Any(a => a.Architecture == arch)
                ? $"Platform '{value}' has an unknown variant '{variant}' for architecture '{arch}'. Accepted: {AcceptedValues}."
                : $"Platform '{value}' has an unknown architecture '{parts[1]}'. Accepted: {AcceptedValues}.";
        }

        platform = new Platform(os, info);
        return null;
    }

    // containerd platforms/database.go normalizeArch, restricted to what images are built for.
    private static (string Arch, string? Variant) NormalizeArchitecture(string arch, string? variant)
    {
        switch (arch)
        {
            case "i386" or "i686" or "x86":
                return ("386", variant);
            case "x86_64" or "x86-64" or "amd64":
                return ("amd64", variant is "v1" ? null : variant);
            case "aarch64" or "arm64":
                return ("arm64", variant is "8" or "v8" ? null : variant);
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
    public static implicit operator Platform(string value) => Parse(value);
}
