namespace Cake.MultiArch.CheckDockerfile;

/// <summary>One thing the Dockerfile preflight found.</summary>
/// <param name="RuleId">The rule's stable id, one of <see cref="DockerfileRules"/> (what <c>DisabledRules</c> takes).</param>
/// <param name="Severity">The severity, after <c>WarningsAsErrors</c>/<c>UnknownAsError</c>.</param>
/// <param name="File">The Dockerfile's file name, as the message names it.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record DockerfileFinding(string RuleId, FindingSeverity Severity, string File, int Line, string Message, string Fix)
{
    /// <summary>Gets the location, <c>file:line</c>.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>Formats the finding on one line: <c>Dockerfile:3: warning PlatformArgNotDeclared: message fix</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Location}: {Severity.ToString().ToLowerInvariant()} {RuleId}: {Message} {Fix}";
}
