namespace Cake.MultiArch.VerifyManifest;

/// <summary>How much a deep finding weighs.</summary>
public enum DeepFindingSeverity
{
    /// <summary>The image fails.</summary>
    Error,

    /// <summary>Reported in the log and the result; the image passes.</summary>
    Warning,
}

/// <summary>One thing a deep check found in one platform's image.</summary>
/// <param name="Check">The check's id (<see cref="DeepCheck"/>).</param>
/// <param name="Severity">Whether it fails the image.</param>
/// <param name="File">The file in the image it is about.</param>
/// <param name="LayerDigest">The layer that wrote that file, when it is in the image.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record DeepFinding(string Check, DeepFindingSeverity Severity, string File, string? LayerDigest, string Message, string Fix)
{
    /// <summary>Formats the finding as one line, as the problem list and the log show it.</summary>
    /// <returns>Such as <c>Entrypoint: /app/run.sh is a script for '/bin/bash', which does not exist (layer sha256:…). Fix: …</c>.</returns>
    public override string ToString() =>
        $"{Check}: {Message}{(string.IsNullOrEmpty(LayerDigest) ? string.Empty : $" (layer {Short(LayerDigest)})")}. Fix: {Fix}";

    /// <summary>Shortens a digest to its algorithm and first 12 hex digits.</summary>
    /// <param name="digest">The digest.</param>
    /// <returns>Such as <c>sha256:0123456789ab</c>.</returns>
    internal static string Short(string digest) => digest.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && digest.Length > colon + 13 ? digest[..(colon + 13)] : digest;
}
