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

    private const int NotSearched = -2;

    // Longest first; a few per secret. Searched with string.IndexOf, which costs nothing to set up:
    // a run-time Regex (or SearchValues<string>) took 50-60 ms to build and run on its first call.
    private readonly string[] _fragments;

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
    }

    /// <summary>Gets a redactor that knows no secrets and returns every text unchanged.</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Gets a value indicating whether this redactor knows no secrets.</summary>
    public bool IsEmpty => _fragments.Length == 0;

    /// <summary>Replaces every secret value, and every line of one, in a text with <see cref="Mask"/>.</summary>
    /// <param name="text">A line a tool printed, or any longer text (an error message, a summary).</param>
    /// <returns>The text without the secrets; <see langword="null"/> stays <see langword="null"/>.</returns>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || _fragments.Length == 0)
        {
            return text;
        }

        // Where each fragment next occurs at or after 'from' (-1: nowhere, NotSearched: not yet
        // looked for); the leftmost wins, the longest at a tie (the first in the list), as the
        // alternation of a regex would. Each fragment is searched again only once passed.
        var next = new int[_fragments.Length];
        Array.Fill(next, NotSearched);
        var from = 0;
        StringBuilder? redacted = null;
        while (true)
        {
            var (at, length) = Leftmost(text, from, next);
            if (at < 0)
            {
                return redacted is null ? text : redacted.Append(text, from, text.Length - from).ToString();
            }

            redacted ??= new StringBuilder(text.Length);
            redacted.Append(text, from, at - from).Append(Mask);
            from = at + length;
        }
    }

    private (int At, int Length) Leftmost(string text, int from, int[] next)
    {
        var at = -1;
        var length = 0;
        for (var i = 0; i < _fragments.Length; i++)
        {
            if (next[i] == NotSearched || (next[i] >= 0 && next[i] < from))
            {
                next[i] = text.IndexOf(_fragments[i], from, StringComparison.Ordinal);
            }

            if (next[i] >= 0 && (at < 0 || next[i] < at))
            {
                at = next[i];
                length = _fragments[i].Length;
            }
        }

        return (at, length);
    }
}
