using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// One binfmt_misc registration line, <c>:name:type:offset:magic:mask:interpreter:flags</c>, as
/// written to <c>/proc/sys/fs/binfmt_misc/register</c>
/// (https://docs.kernel.org/admin-guide/binfmt-misc.html), checked the way the kernel's
/// <c>fs/binfmt_misc.c</c> checks it, and stricter where the kernel would accept a mistake
/// silently: every backslash must start a <c>\xHH</c> escape, the interpreter must be an absolute
/// path, and an extension entry (<c>E</c>) must leave offset and mask empty.
/// </summary>
/// <remarks>
/// <see cref="Magic"/> and <see cref="Mask"/> are the unescaped bytes in lower-case hex, the
/// form the kernel lists in <c>/proc/sys/fs/binfmt_misc/NAME</c>, so a registration compares
/// directly with a <see cref="BinfmtEntry"/>.
/// </remarks>
internal sealed record BinfmtRegistration
{
    /// <summary>The longest registration the kernel accepts (<c>MAX_REGISTER_LENGTH</c>).</summary>
    public const int MaxLength = 1920;

    /// <summary>The most bytes the kernel reads from a file to match magic (<c>BINPRM_BUF_SIZE</c>): offset plus magic length may not exceed it.</summary>
    public const int MaxMagicEnd = 256;

    /// <summary>The flags the kernel knows, in the order it lists them.</summary>
    public const string KnownFlags = "POCF";

    /// <summary>The expected form, for error messages.</summary>
    internal const string Form = "':name:type:offset:magic:mask:interpreter:flags'";

    private BinfmtRegistration(string line, string name, char type, int offset, string magic, string? mask, string interpreter, string flags)
    {
        Line = line;
        Name = name;
        Type = type;
        Offset = offset;
        Magic = magic;
        Mask = mask;
        Interpreter = interpreter;
        Flags = flags;
    }

    /// <summary>Gets the line as written to <c>register</c> (without a trailing new line).</summary>
    public string Line { get; }

    /// <summary>Gets the entry name, such as <c>qemu-aarch64</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the type: <c>M</c> (magic bytes) or <c>E</c> (file name extension).</summary>
    public char Type { get; }

    /// <summary>Gets the magic's offset in the file (0 for extension entries).</summary>
    public int Offset { get; }

    /// <summary>Gets the magic bytes in lower-case hex (<c>M</c>), or the extension without its dot (<c>E</c>).</summary>
    public string Magic { get; }

    /// <summary>Gets the mask bytes in lower-case hex, or <see langword="null"/> when the line has none.</summary>
    public string? Mask { get; }

    /// <summary>Gets the interpreter's absolute path.</summary>
    public string Interpreter { get; }

    /// <summary>Gets the flags as the kernel lists them: of <c>POCF</c>, in that order; <c>C</c> implies <c>O</c>.</summary>
    public string Flags { get; }

    /// <summary>Parses and checks a registration line.</summary>
    /// <param name="line">The line, such as a <c>/usr/lib/binfmt.d/qemu-aarch64.conf</c> line.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="FormatException">The line is <see langword="null"/> or the kernel would refuse or misread it; the message names the field and why.</exception>
    public static BinfmtRegistration Parse(string line)
    {
        var error = TryParseCore(line, out var registration);
        return error is null ? registration! : throw new FormatException(error);
    }

    /// <summary>Tries to parse and check a registration line; never throws.</summary>
    /// <param name="line">The line.</param>
    /// <param name="registration">The registration, when the line is valid.</param>
    /// <returns><see langword="true"/> when the line is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? line, [NotNullWhen(true)] out BinfmtRegistration? registration) =>
        TryParseCore(line, out registration) is null;

    /// <summary>Gets this registration with another entry name and with <paramref name="addFlags"/> added to its flags.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="addFlags">Flags to add, from <see cref="KnownFlags"/>.</param>
    /// <returns>The changed registration, checked again.</returns>
    /// <exception cref="FormatException">The name or flags are invalid.</exception>
    public BinfmtRegistration With(string name, string addFlags)
    {
        var fields = Line.Split(':');
        fields[1] = name;
        fields[7] = NormalizeFlags(fields[7] + addFlags);
        return Parse(string.Join(':', fields));
    }

    /// <summary>Lists how a kernel entry differs from this registration: type, offset, magic and mask (interpreter and flags are the caller's policy).</summary>
    /// <param name="entry">The entry the kernel lists.</param>
    /// <returns>One <c>"field 'found' (expected 'wanted')"</c> text per difference; empty when they match.</returns>
    public IReadOnlyList<string> MatchDifferences(BinfmtEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var differences = new List<string>();
        if (Type == 'E')
        {
            var extension = entry.Extension?.TrimStart('.');
            if (extension != Magic)
            {
                differences.Add(entry.Extension is null ? $"type 'M' (expected 'E', extension '.{Magic}')" : $"extension '{entry.Extension}' (expected '.{Magic}')");
            }

            return differences;
        }

        if (entry.Magic is null)
        {
            differences.Add($"type 'E', extension '{entry.Extension}' (expected 'M', magic '{Magic}')");
            return differences;
        }

        if ((entry.Offset ?? 0) != Offset)
        {
            differences.Add($"offset {entry.Offset} (expected {Offset})");
        }

        if (!string.Equals(entry.Magic, Magic, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"magic '{entry.Magic}' (expected '{Magic}')");
        }

        if (!string.Equals(entry.Mask, Mask, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"mask '{entry.Mask ?? "(none)"}' (expected '{Mask ?? "(none)"}')");
        }

        return differences;
    }

    /// <summary>Formats the registration line.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => Line;

    /// <summary>Puts flags in the kernel's order (<c>POCF</c>), once each; <c>C</c> implies <c>O</c>. Unknown characters are dropped.</summary>
    /// <param name="flags">The flags.</param>
    /// <returns>The normalised flags.</returns>
    internal static string NormalizeFlags(string flags)
    {
        var set = flags.Contains('C', StringComparison.Ordinal) ? flags + "O" : flags;
        return string.Concat(KnownFlags.Where(f => set.Contains(f, StringComparison.Ordinal)));
    }

    /// <summary>Parses a line, returning why it is invalid instead of throwing.</summary>
    /// <param name="line">The line.</param>
    /// <param name="registration">The registration, when valid.</param>
    /// <returns><see langword="null"/> on success, otherwise the reason.</returns>
    internal static string? TryParseCore(string? line, out BinfmtRegistration? registration)
    {
        registration = null;
        if (string.IsNullOrEmpty(line) || line == "\n")
        {
            return $"A binfmt_misc registration line is empty; expected {Form}.";
        }

        var text = line.EndsWith('\n') ? line[..^1] : line;
        var shown = Show(text);
        if (CheckLine(text, shown) is { } lineError)
        {
            return lineError;
        }

        var fields = text.Split(':');
        if (fields.Length != 8)
        {
            return $"Registration line '{shown}' has {fields.Length - 1} fields; expected 7 in the form {Form}.";
        }

        var (name, type, offsetText, magicText, maskText, interpreter, flags) = (fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7]);
        if (CheckFields(shown, name, type, interpreter, flags) is { } fieldError)
        {
            return fieldError;
        }

        return type == "E"
            ? TryParseExtension(text, shown, name, offsetText, magicText, maskText, interpreter, flags, out registration)
            : TryParseMagic(text, shown, name, offsetText, magicText, maskText, interpreter, flags, out registration);
    }

    /// <summary>Checks what the kernel checks of the whole line: printable ASCII, its length, the leading ':'.</summary>
    private static string? CheckLine(string text, string shown)
    {
        if (text.Any(c => c < 0x20 || c > 0x7e))
        {
            return $"Registration line '{shown}' has a control or non-ASCII character; expected printable ASCII in the form {Form} (write bytes as \\xHH).";
        }

        if (text.Length > MaxLength)
        {
            return $"Registration line '{Show(text[..60])}…' is {text.Length} characters long; expected at most {MaxLength} (the kernel's MAX_REGISTER_LENGTH).";
        }

        return text[0] != ':' ? $"Registration line '{shown}' does not start with ':'; expected {Form}." : null;
    }

    /// <summary>Checks the fields both types share: name, type, interpreter and flags.</summary>
    private static string? CheckFields(string shown, string name, string type, string interpreter, string flags)
    {
        if (name.Length == 0 || name is "." or ".." or "status" or "register" || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+'))
        {
            return $"Registration line '{shown}' has an invalid name '{name}'; expected letters, digits, '.', '_', '-' or '+' (not '.', '..', 'status' or 'register').";
        }

        if (type is not ("M" or "E"))
        {
            return $"Registration line '{shown}' has an invalid type '{type}'; expected 'M' (magic) or 'E' (extension).";
        }

        if (interpreter.Length == 0 || interpreter[0] != '/' || interpreter.Contains(' ', StringComparison.Ordinal))
        {
            return $"Registration line '{shown}' has an invalid interpreter '{interpreter}'; expected an absolute path without spaces, such as '/usr/bin/qemu-aarch64-static'.";
        }

        var unknownFlag = flags.AsSpan().IndexOfAnyExcept(KnownFlags);
        return unknownFlag >= 0
            ? $"Registration line '{shown}' has an unknown flag '{flags[unknownFlag]}' in '{flags}'; expected any of 'P', 'O', 'C', 'F'."
            : null;
    }

    private static string? TryParseExtension(string text, string shown, string name, string offsetText, string magicText, string maskText, string interpreter, string flags, out BinfmtRegistration? registration)
    {
        registration = null;
        if (offsetText.Length > 0 || maskText.Length > 0)
        {
            return $"Registration line '{shown}' is an extension entry (type 'E') with an offset or mask; expected both empty (':name:E::extension::interpreter:flags').";
        }

        if (magicText.Length == 0 || magicText.Contains('/', StringComparison.Ordinal) || magicText.Contains('\\', StringComparison.Ordinal))
        {
            return $"Registration line '{shown}' has an invalid extension '{magicText}'; expected a file name extension without '.', '/' or '\\', such as 'jar'.";
        }

        registration = new BinfmtRegistration(text, name, 'E', 0, magicText.TrimStart('.'), null, interpreter, NormalizeFlags(flags));
        return null;
    }

    private static string? TryParseMagic(string text, string shown, string name, string offsetText, string magicText, string maskText, string interpreter, string flags, out BinfmtRegistration? registration)
    {
        registration = null;
        var offset = 0;
        if (offsetText.Length > 0 && (!offsetText.All(char.IsAsciiDigit) || !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            return $"Registration line '{shown}' has an invalid offset '{offsetText}'; expected empty (0) or a decimal number of bytes.";
        }

        if (Unescape(magicText, out var magic) is { } magicError)
        {
            return $"Registration line '{shown}' has an invalid magic '{magicText}': {magicError}.";
        }

        if (magic.Length == 0)
        {
            return $"Registration line '{shown}' has an empty magic; expected the bytes to match, such as '\\x7fELF'.";
        }

        if (TryParseMask(shown, maskText, magic.Length, out var mask) is { } maskError)
        {
            return maskError;
        }

        if ((long)offset + magic.Length > MaxMagicEnd)
        {
            return $"Registration line '{shown}' matches bytes {offset} to {offset + magic.Length}; expected offset plus magic length of at most {MaxMagicEnd} (the kernel's BINPRM_BUF_SIZE).";
        }

        registration = new BinfmtRegistration(text, name, 'M', offset, Convert.ToHexStringLower(magic), mask, interpreter, NormalizeFlags(flags));
        return null;
    }

    private static string? TryParseMask(string shown, string maskText, int magicLength, out string? mask)
    {
        mask = null;
        if (maskText.Length == 0)
        {
            return null;
        }

        if (Unescape(maskText, out var maskBytes) is { } maskError)
        {
            return $"Registration line '{shown}' has an invalid mask '{maskText}': {maskError}.";
        }

        if (maskBytes.Length != magicLength)
        {
            return $"Registration line '{shown}' has a mask of {maskBytes.Length} bytes and a magic of {magicLength}; expected the same length (or an empty mask).";
        }

        mask = Convert.ToHexStringLower(maskBytes);
        return null;
    }

    private static string? Unescape(string text, out byte[] bytes)
    {
        var result = new List<byte>(text.Length);
        bytes = [];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Add((byte)text[i]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == 'x' && i + 3 >= text.Length)
            {
                return $"the escape at character {i + 1} is cut short; expected \\xHH (two hex digits)";
            }

            if (i + 3 >= text.Length || text[i + 1] != 'x' || !char.IsAsciiHexDigit(text[i + 2]) || !char.IsAsciiHexDigit(text[i + 3]))
            {
                return $"'{text.Substring(i, Math.Min(4, text.Length - i))}' at character {i + 1} is not an escape the kernel reads; expected \\xHH (two hex digits)";
            }

            result.Add(byte.Parse(text.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            i += 3;
        }

        bytes = result.ToArray();
        return null;
    }

    private static string Show(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }
}
