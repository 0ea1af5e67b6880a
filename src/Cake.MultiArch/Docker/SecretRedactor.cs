using System.Buffers;
using System.Text;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Replaces secret values with <c>[REDACTED]</c> in any text a tool prints, built once from the
/// values of one call (build secrets given as values, read from environment variables or files).
/// </summary>
/// <remarks>
/// Tools print line by line (a RUN step that echoes a PEM key shows it as one progress line per
/// key line, each behind buildx's <c>#5 0.567 </c> prefix), so a multi-line value is redacted
/// both whole and line by line. Rule for short lines: a line of a multi-line value that is
/// shorter than <see cref="MinimumLineLength"/> characters once trimmed (such as <c>}</c> or an
/// empty line) is not redacted on its own, because masking every <c>}</c> or <c>--</c> in a
/// build log would hide the log and protect nothing; the whole value, and every longer line,
/// still is. A one-line value is redacted whatever its length.
/// </remarks>
internal sealed class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "[REDACTED]";

    /// <summary>The shortest line of a multi-line value (after trimming) that is redacted on its own.</summary>
    public const int MinimumLineLength = 4;

    private readonly string[] _fragments;
    private readonly SearchValues<string>? _starts;

    /// <summary>Initializes a new instance of the <see cref="SecretRedactor"/> class.</summary>
    /// <param name="values">The secret values; <see langword="null"/> and empty ones are ignored.</param>
    public SecretRedactor(IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var fragments = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var normalised = value.Replace("\r\n", "\n", StringComparison.Ordinal);
            fragments.Add(value);
            fragments.Add(normalised);
            var trimmed = normalised.Trim();
            if (trimmed.Length > 0)
            {
                fragments.Add(trimmed);
            }

            foreach (var line in normalised.Split('\n'))
            {
                var text = line.Trim();
                if (text.Length >= MinimumLineLength)
                {
                    fragments.Add(text);
                }
            }
        }

        // One pass, longest fragment first at each position: a line that holds a shorter fragment
        // of the same value is masked whole, and a mask is never searched again.
        _fragments = [.. fragments.OrderByDescending(f => f.Length).ThenBy(f => f, StringComparer.Ordinal)];
        _starts = _fragments.Length == 0 ? null : SearchValues.Create(_fragments, StringComparison.Ordinal);
    }

    /// <summary>Gets a redactor that knows no secrets and returns every text unchanged.</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Gets a value indicating whether this redactor knows no secrets.</summary>
    public bool IsEmpty => _starts is null;

    /// <summary>Replaces every secret value, and every line of one, in a text with <see cref="Mask"/>.</summary>
    /// <param name="text">A line a tool printed, or any longer text (an error message, a summary).</param>
    /// <returns>The text without the secrets; <see langword="null"/> stays <see langword="null"/>.</returns>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || _starts is null)
        {
            return text;
        }

        var rest = text.AsSpan();
        var at = rest.IndexOfAny(_starts);
        if (at < 0)
        {
            return text;
        }

        var redacted = new StringBuilder(text.Length);
        while (at >= 0)
        {
            redacted.Append(rest[..at]);
            rest = rest[at..];
            redacted.Append(Mask);
            rest = rest[LongestAtStart(rest)..];
            at = rest.IndexOfAny(_starts);
        }

        return redacted.Append(rest).ToString();
    }

    // The fragments are longest first, so the first that starts here is the longest.
    private int LongestAtStart(ReadOnlySpan<char> text)
    {
        foreach (var fragment in _fragments)
        {
            if (text.StartsWith(fragment, StringComparison.Ordinal))
            {
                return fragment.Length;
            }
        }

        throw new InvalidOperationException("SearchValues found a fragment that no fragment starts.");
    }
}
