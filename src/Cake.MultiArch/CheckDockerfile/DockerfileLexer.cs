using System.Text;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// BuildKit's shell-word lexer (moby/buildkit <c>frontend/dockerfile/shell/lex.go</c>,
/// <c>ProcessWords</c>): splits a text into words as a shell would, expanding variables, removing
/// quotes and escapes unless told to keep them, and keeping <c>&lt;&lt;</c> with the blanks after it
/// in the word (so that <c>&lt;&lt;  EOF</c> is one word). The parser uses it to find heredocs.
/// </summary>
internal sealed class DockerfileLexer
{
    private const char End = '\uffff';

    private readonly string _text;
    private readonly char _escape;
    private readonly Func<string, string?> _lookup;
    private readonly bool _rawQuotes;
    private readonly bool _skipUnset;
    private bool _rawEscapes;
    private int _position;

    private DockerfileLexer(string text, char escape, Func<string, string?> lookup, bool rawQuotes, bool rawEscapes, bool skipUnset)
    {
        _text = text;
        _escape = escape;
        _lookup = lookup;
        _rawQuotes = rawQuotes;
        _rawEscapes = rawEscapes;
        _skipUnset = skipUnset;
    }

    /// <summary>Splits a text into words.</summary>
    /// <param name="text">The text.</param>
    /// <param name="escape">The escape character.</param>
    /// <param name="lookup">A variable's value, or <see langword="null"/> when it is not set.</param>
    /// <param name="rawQuotes">Whether quotes are kept in the words.</param>
    /// <param name="rawEscapes">Whether escape characters are kept in the words.</param>
    /// <param name="skipUnset">Whether a variable that is not set is kept as written (<c>$NAME</c>, <c>${NAME}</c>).</param>
    /// <returns>The words.</returns>
    /// <exception cref="FormatException">An unterminated quote or a bad substitution (BuildKit's message).</exception>
    public static IReadOnlyList<string> Words(string text, char escape, Func<string, string?> lookup, bool rawQuotes = false, bool rawEscapes = false, bool skipUnset = false) =>
        new DockerfileLexer(text, escape, lookup, rawQuotes, rawEscapes, skipUnset).ProcessStopOn(End, rawEscapes).Words;

    private char Peek() => _position < _text.Length ? _text[_position] : End;

    private char Next() => _position < _text.Length ? _text[_position++] : End;

    private (string Result, List<string> Words) ProcessStopOn(char stop, bool rawEscapes)
    {
        var result = new StringBuilder();
        var words = new WordBuffer();
        var saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (Peek() != End)
            {
                var ch = Peek();
                if (stop != End && ch == stop)
                {
                    Next();
                    return (result.ToString(), words.Get());
                }

                var special = ch switch
                {
                    '$' => Dollar(),
                    '<' => PossibleHeredoc(),
                    '\'' => SingleQuote(),
                    '"' => DoubleQuote(),
                    _ => null,
                };
                if (special is not null)
                {
                    result.Append(special);
                    words.Add(special, raw: ch != '$');
                    continue;
                }

                ch = Next();
                if (ch == _escape)
                {
                    if (_rawEscapes)
                    {
                        words.AddRaw(ch);
                        result.Append(ch);
                    }

                    ch = Next();
                    if (ch == End)
                    {
                        break;
                    }

                    words.AddRaw(ch);
                }
                else
                {
                    words.Add(ch);
                }

                result.Append(ch);
            }

            return stop != End
                ? throw new FormatException($"unexpected end of statement while looking for matching {stop}")
                : (result.ToString(), words.Get());
        }
        finally
        {
            _rawEscapes = saved;
        }
    }

    private string PossibleHeredoc()
    {
        Next();
        if (Peek() != '<')
        {
            return "<";
        }

        Next();
        var text = new StringBuilder("<<");
        while (Peek() is ' ' or '\t' or '\r' or '\n')
        {
            text.Append(Next());
        }

        return text.ToString();
    }

    private string SingleQuote()
    {
        var result = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
        {
            result.Append(ch);
        }

        while (true)
        {
            ch = Next();
            if (ch == End)
            {
                throw new FormatException("unexpected end of statement while looking for matching single-quote");
            }

            if (ch == '\'')
            {
                return _rawQuotes ? result.Append(ch).ToString() : result.ToString();
            }

            result.Append(ch);
        }
    }

    private string DoubleQuote()
    {
        var result = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
        {
            result.Append(ch);
        }

        while (true)
        {
            switch (Peek())
            {
                case End:
                    throw new FormatException("unexpected end of statement while looking for matching double-quote");
                case '"':
                    ch = Next();
                    return _rawQuotes ? result.Append(ch).ToString() : result.ToString();
                case '$':
                    result.Append(Dollar());
                    continue;
            }

            ch = Next();
            if (ch == _escape)
            {
                if (_rawEscapes)
                {
                    result.Append(ch);
                }

                var next = Peek();
                if (next == End)
                {
                    continue;
                }

                if (next == '"' || next == '$' || next == _escape)
                {
                    ch = Next();
                }
            }

            result.Append(ch);
        }
    }

    private string Dollar()
    {
        Next();
        if (Peek() != '{')
        {
            var plain = Name();
            return plain.Length == 0 ? "$" : _lookup(plain) ?? (_skipUnset ? "$" + plain : string.Empty);
        }

        Next();
        if (Peek() == End)
        {
            throw new FormatException("syntax error: missing '}'");
        }

        if (Peek() is '{' or '}' or ':')
        {
            throw new FormatException("syntax error: bad substitution");
        }

        var name = Name();
        var ch = Next();
        if (ch == '}')
        {
            return _lookup(name) ?? (_skipUnset ? $"${{{name}}}" : string.Empty);
        }

        var modifier = ch.ToString();
        var nullIsUnset = ch == ':';
        if (nullIsUnset)
        {
            ch = Next();
            modifier += ch;
        }

        if (ch is not ('+' or '-' or '?' or '#' or '%') || (nullIsUnset && ch is '#' or '%'))
        {
            throw new FormatException($"unsupported modifier ({modifier}) in substitution");
        }

        string word;
        try
        {
            word = ProcessStopOn('}', ch is '#' or '%').Result;
        }
        catch (FormatException) when (Peek() == End)
        {
            throw new FormatException("syntax error: missing '}'");
        }

        var value = _lookup(name);
        if (value is null && _skipUnset)
        {
            return $"${{{name}{modifier}{word}}}";
        }

        var set = value is not null && !(nullIsUnset && value.Length == 0);
        return ch switch
        {
            '-' => set ? value! : word,
            '+' => set ? word : string.Empty,
            '?' when !set => throw new FormatException($"{name}: {(word.Length == 0 ? "is not allowed to be unset" : word)}"),
            '#' => value is not null && value.StartsWith(word, StringComparison.Ordinal) ? value[word.Length..] : value ?? string.Empty,
            '%' => value is not null && value.EndsWith(word, StringComparison.Ordinal) ? value[..^word.Length] : value ?? string.Empty,
            _ => value!,
        };
    }

    private string Name()
    {
        var name = new StringBuilder();
        while (Peek() != End)
        {
            var ch = Peek();
            if (name.Length == 0 && char.IsAsciiDigit(ch))
            {
                while (char.IsAsciiDigit(Peek()))
                {
                    name.Append(Next());
                }

                return name.ToString();
            }

            if (name.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                return Next().ToString();
            }

            if (!char.IsLetterOrDigit(ch) && ch != '_')
            {
                break;
            }

            name.Append(Next());
        }

        return name.ToString();
    }

    /// <summary>The words being built: blanks end a word unless they came from quotes or an escape.</summary>
    private sealed class WordBuffer
    {
        private readonly StringBuilder _word = new();
        private readonly List<string> _words = [];
        private bool _inWord;

        public void Add(char ch)
        {
            if (!char.IsWhiteSpace(ch))
            {
                AddRaw(ch);
            }
            else if (_inWord && _word.Length != 0)
            {
                _words.Add(_word.ToString());
                _word.Clear();
                _inWord = false;
            }
        }

        public void AddRaw(char ch)
        {
            _word.Append(ch);
            _inWord = true;
        }

        public void Add(string text, bool raw)
        {
            if (raw)
            {
                _word.Append(text);
                _inWord = true;
                return;
            }

            foreach (var ch in text)
            {
                Add(ch);
            }
        }

        public List<string> Get()
        {
            if (_word.Length > 0)
            {
                _words.Add(_word.ToString());
                _word.Clear();
                _inWord = false;
            }

            return _words;
        }
    }
}
