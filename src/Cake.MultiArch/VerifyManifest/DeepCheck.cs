namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// The stable ids of the deep checks (<see cref="VerifyManifestSettings.Deep"/>): each is on by
/// default, can be switched off with <see cref="VerifyManifestSettings.DisabledDeepChecks"/>, and
/// names its findings in the result and the log.
/// </summary>
public static class DeepCheck
{
    /// <summary>Every ELF file (executable or library) is built for the platform's machine, class and byte order.</summary>
    public const string ElfMachine = "ElfMachine";

    /// <summary>The config's <c>Entrypoint</c>/<c>Cmd</c> resolves to an executable file in the merged image (a script's <c>#!</c> interpreter too).</summary>
    public const string Entrypoint = "Entrypoint";

    /// <summary>The loader (<c>PT_INTERP</c>) of each dynamically linked ELF the entry point or <c>PATH</c> reaches is in the image.</summary>
    public const string Interpreter = "Interpreter";

    /// <summary>The <c>DT_NEEDED</c> libraries of those ELF files are in the image's library paths (a warning unless listed in <see cref="VerifyManifestSettings.DeepChecksAsErrors"/>).</summary>
    public const string NeededLibraries = "NeededLibraries";

    /// <summary>32-bit ARM ELF files use the float ABI the variant implies: <c>arm/v7</c> hard-float, <c>arm/v6</c> and <c>arm/v5</c> soft-float.</summary>
    public const string ArmFloatAbi = "ArmFloatAbi";

    /// <summary>32-bit ARM ELF files are built for an architecture (<c>Tag_CPU_arch</c>) no newer than the variant.</summary>
    public const string ArmArch = "ArmArch";

    /// <summary>Gets every id, in the order the checks run.</summary>
    public static IReadOnlyList<string> All { get; } = [ElfMachine, Entrypoint, Interpreter, NeededLibraries, ArmFloatAbi, ArmArch];

    /// <summary>Gets the ids whose findings are warnings unless listed in <see cref="VerifyManifestSettings.DeepChecksAsErrors"/>.</summary>
    public static IReadOnlyList<string> WarningsByDefault { get; } = [NeededLibraries];
}
