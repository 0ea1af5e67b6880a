namespace Cake.MultiArch.CheckDockerfile;

/// <summary>One instruction of a Dockerfile, its continuations joined and its heredocs read.</summary>
/// <param name="Keyword">The instruction, upper-case (<c>FROM</c>, <c>RUN</c>, …).</param>
/// <param name="Flags">The leading <c>--name=value</c> flags, in order (a flag without a value has an empty value).</param>
/// <param name="Arguments">The rest of the instruction after the flags, continuations joined with their escape removed.</param>
/// <param name="Line">The 1-based line the instruction starts on.</param>
/// <param name="EndLine">The 1-based last line (of its continuations or heredocs).</param>
/// <param name="Heredocs">The heredocs the instruction opens, in order.</param>
internal sealed record DockerfileInstruction(string Keyword, IReadOnlyList<KeyValuePair<string, string>> Flags, string Arguments, int Line, int EndLine, IReadOnlyList<DockerfileHeredoc> Heredocs)
{
    /// <summary>Gets the value of a flag, or <see langword="null"/> when the instruction has none of that name.</summary>
    /// <param name="name">The flag name without dashes.</param>
    /// <returns>The value.</returns>
    public string? Flag(string name) => Flags.Where(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).FirstOrDefault();

    /// <summary>Gets whether the arguments are in exec form (a JSON array).</summary>
    public bool IsExecForm => Arguments.StartsWith('[') && Arguments.EndsWith(']');
}

/// <summary>A heredoc (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>&lt;&lt;"EOF"</c>).</summary>
/// <param name="Name">The delimiter.</param>
/// <param name="StripTabs">Whether leading tabs are removed (<c>&lt;&lt;-</c>).</param>
/// <param name="Expand">Whether the content is expanded (an unquoted delimiter).</param>
/// <param name="Content">The lines between the instruction and the delimiter, joined with '\n' and ending in '\n'.</param>
/// <param name="Line">The 1-based line of the first content line.</param>
/// <param name="FileDescriptor">The file descriptor written before it (<c>3&lt;&lt;EOF</c>), 0 when none.</param>
/// <remarks>As in BuildKit, the content keeps its leading tabs with <c>&lt;&lt;-</c>; they are removed where it is used.</remarks>
internal sealed record DockerfileHeredoc(string Name, bool StripTabs, bool Expand, string Content, int Line, int FileDescriptor = 0)
{
    /// <summary>Gets the content as it is used: with <c>&lt;&lt;-</c>, each line's leading tabs removed.</summary>
    public string Text => StripTabs ? DockerfileHeredocs.Chomp(Content) : Content;
}

/// <summary>Something in a Dockerfile that BuildKit refuses to read or build.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Reason">What is wrong, with BuildKit's own message quoted.</param>
internal sealed record DockerfileProblem(int Line, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>A build stage: its FROM and the instructions up to the next FROM.</summary>
/// <param name="Index">The 0-based stage index (what <c>COPY --from=0</c> names).</param>
/// <param name="Name">The stage name (<c>AS name</c>, lower-case), or <see langword="null"/>.</param>
/// <param name="From">The FROM instruction.</param>
/// <param name="Image">The image text as written (before expansion).</param>
/// <param name="Platform">The <c>--platform</c> value as written, or <see langword="null"/>.</param>
/// <param name="Instructions">The instructions after FROM.</param>
internal sealed record DockerfileStage(int Index, string? Name, DockerfileInstruction From, string Image, string? Platform, IReadOnlyList<DockerfileInstruction> Instructions)
{
    /// <summary>Gets how messages name the stage.</summary>
    public string Describe => Name is null ? $"the stage that starts at line {From.Line}" : $"stage '{Name}' (line {From.Line})";
}
