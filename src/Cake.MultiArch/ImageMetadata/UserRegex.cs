using System.Text.RegularExpressions;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>
/// The one place the addin compiles a regular expression at run time: a pattern the user wrote in
/// the settings (a <c>type=match</c> rule, a semver rule's <c>match=</c>), which no
/// <c>[GeneratedRegex]</c> can know. Every other expression is generated at build time
/// (<c>CodeShapeTests</c> holds that rule and names this file as its one exception).
/// </summary>
internal static class UserRegex
{
    /// <summary>How long one match of a user's expression may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Compiles a user's expression (interpreted: it is used a few times per run).</summary>
    /// <param name="pattern">The expression.</param>
    /// <param name="options">The options its flags ask for.</param>
    /// <returns>The expression.</returns>
    /// <exception cref="ArgumentException">The pattern is not a .NET regular expression.</exception>
    public static Regex Create(string pattern, RegexOptions options = RegexOptions.None) => new(pattern, options, Timeout);
}
