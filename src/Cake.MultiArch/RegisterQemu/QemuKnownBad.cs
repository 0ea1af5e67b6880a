using System.Text.Json;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>One QEMU version range known to break builds (an entry of the embedded <c>QemuKnownBad.json</c>, cited in <c>docs/qemu.md</c>).</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Title">What breaks.</param>
/// <param name="Scope"><c>upstream</c> (any build) or <c>tonistiigi/binfmt</c> (only that installer's builds).</param>
/// <param name="Ranges">The affected versions: from (inclusive, or open) to before (exclusive, or open).</param>
/// <param name="Guests">The guest platforms (<c>all</c>, <c>others</c>, or <c>linux/arm64</c>…).</param>
/// <param name="Severity"><c>warning</c> or <c>info</c>.</param>
/// <param name="FixedIn">The fixed version, when known.</param>
/// <param name="Issue">The first cited thread's address.</param>
internal sealed record QemuKnownBadEntry(string Id, string Title, string Scope, IReadOnlyList<(Version? From, Version? Before)> Ranges, IReadOnlyList<string> Guests, string Severity, string? FixedIn, string Issue)
{
    /// <summary>Tells whether the entry applies to a QEMU version, build and guest platform.</summary>
    /// <param name="version">The QEMU version.</param>
    /// <param name="tonistiigi">Whether the interpreter is a tonistiigi/binfmt build.</param>
    /// <param name="platform">The guest platform.</param>
    /// <returns><see langword="true"/> when it applies.</returns>
    public bool Applies(Version version, bool tonistiigi, Platform platform) =>
        (Scope == "upstream" || (tonistiigi && Scope == "tonistiigi/binfmt"))
        && Ranges.Any(r => (r.From is null || version >= r.From) && (r.Before is null || version < r.Before))
        && Guests.Any(g => g is "all" or "others" || g == $"{platform.Os}/{platform.Architecture}");
}

/// <summary>The QEMU versions known to break builds, read from the embedded <c>QemuKnownBad.json</c>, and the version line parser.</summary>
internal static class QemuKnownBad
{
    // Read from the embedded JSON when a QEMU version is first judged, not when the type loads.
    private static readonly Lazy<IReadOnlyList<QemuKnownBadEntry>> LoadedEntries = new(Load);

    /// <summary>Gets every entry.</summary>
    public static IReadOnlyList<QemuKnownBadEntry> Entries => LoadedEntries.Value;

    /// <summary>Reads the version from QEMU's <c>--version</c> line (<c>qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7)</c>).</summary>
    /// <param name="output">What QEMU printed.</param>
    /// <returns>The version and the build's package text, or <see langword="null"/> when no version line is there.</returns>
    public static (Version Version, string Text)? ParseVersionLine(string output)
    {
        var match = QemuRegexes.VersionLine().Match(output);
        return match.Success && Version.TryParse(match.Groups["v"].Value, out var version)
            ? (version, match.Value.Trim())
            : null;
    }

    /// <summary>Reads the QEMU version an installer image reports (<c>binfmt/abc qemu/v10.2.3 go/1.24</c>).</summary>
    /// <param name="output">What the installer printed.</param>
    /// <returns>The version, or <see langword="null"/>.</returns>
    public static Version? ParseInstallerVersion(string output) =>
        QemuRegexes.InstallerLine().Match(output) is { Success: true } m && Version.TryParse(m.Groups["v"].Value, out var v) ? v : null;

    /// <summary>Lists the warnings for a QEMU version running a platform, each naming the upstream thread.</summary>
    /// <param name="version">The version.</param>
    /// <param name="tonistiigi">Whether it is a tonistiigi/binfmt build.</param>
    /// <param name="platform">The guest platform.</param>
    /// <returns>One line per entry that applies.</returns>
    public static IReadOnlyList<string> Warnings(Version version, bool tonistiigi, Platform platform) =>
        Entries.Where(e => e.Applies(version, tonistiigi, platform))
            .Select(e => $"QEMU {version} is known to break builds for {platform}: {e.Title} ({e.Issue}{(e.FixedIn is null ? "; not fixed yet" : "; fixed in " + e.FixedIn.Split(' ')[0])}). See docs/qemu.md; pin a fixed installer (RegisterQemuSettings.Image).")
            .ToArray();

    private static List<QemuKnownBadEntry> Load()
    {
        using var stream = typeof(QemuKnownBad).Assembly.GetManifestResourceStream("Cake.MultiArch.RegisterQemu.QemuKnownBad.json")
            ?? throw new InvalidOperationException("The embedded QemuKnownBad.json is missing.");
        using var json = JsonDocument.Parse(stream);
        return json.RootElement.GetProperty("entries").EnumerateArray().Select(e => new QemuKnownBadEntry(
            e.GetProperty("id").GetString()!,
            e.GetProperty("title").GetString()!,
            e.GetProperty("scope").GetString()!,
            e.GetProperty("affected").EnumerateArray().Select(r => (ToVersion(r.GetProperty("from")), ToVersion(r.GetProperty("before")))).ToArray(),
            e.GetProperty("guests").EnumerateArray().Select(g => g.GetString()!).ToArray(),
            e.GetProperty("severity").GetString()!,
            e.TryGetProperty("fixedIn", out var f) ? f.GetString() : null,
            e.GetProperty("citations")[0].GetProperty("url").GetString()!)).ToList();
    }

    private static Version? ToVersion(JsonElement value) => value.ValueKind == JsonValueKind.String ? Version.Parse(value.GetString()!) : null;
}
