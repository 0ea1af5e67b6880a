using Cake.Core.Diagnostics;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Keeps the lines of one docker output stream, redacted, and logs them as they come when asked;
/// the handler is called from the process's event threads.
/// </summary>
internal sealed class LineSink
{
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private readonly SecretRedactor _redactor;
    private readonly ICakeLog _log;

    /// <summary>Initializes a new instance of the <see cref="LineSink"/> class.</summary>
    /// <param name="secrets">The values to redact.</param>
    /// <param name="log">The log the lines go to.</param>
    public LineSink(IReadOnlyCollection<string> secrets, ICakeLog log)
    {
        _redactor = new SecretRedactor(secrets);
        _log = log;
    }

    /// <summary>Makes the redirected-output handler for Cake's process runner.</summary>
    /// <param name="log">Whether each non-empty line goes to the log.</param>
    /// <param name="translate">Turns a line into the lines to keep instead, or <see langword="null"/> to keep it as it is.</param>
    /// <returns>The handler: it returns the redacted text, which Cake logs at Debug.</returns>
    public Func<string, string> Handler(bool log, Func<string, IReadOnlyList<string>>? translate = null) => line =>
    {
        if (line is null)
        {
            return line!;
        }

        var lines = translate is null ? [line] : translate(line);
        var safeLines = new List<string>(lines.Count);
        foreach (var each in lines)
        {
            var safe = _redactor.Redact(each);
            lock (_gate)
            {
                _lines.Add(safe);
            }

            safeLines.Add(safe);
            if (log && safe.Length > 0)
            {
                _log.Information(safe);
            }
        }

        return string.Join(System.Environment.NewLine, safeLines);
    };

    /// <summary>Gets the lines kept so far.</summary>
    /// <returns>A copy of the redacted lines.</returns>
    public string[] Lines()
    {
        lock (_gate)
        {
            return _lines.ToArray();
        }
    }
}
