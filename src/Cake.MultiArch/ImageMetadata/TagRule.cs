namespace Cake.MultiArch.ImageMetadata;

/// <summary>The kinds of tag rule, as docker/metadata-action's <c>type=</c>.</summary>
public enum TagRuleType
{
    /// <summary>The git ref: a branch, a tag or a pull request (<c>type=ref</c>).</summary>
    Ref,

    /// <summary>A semantic version read from the git tag (<c>type=semver</c>).</summary>
    Semver,

    /// <summary>A regular expression group of the git tag (<c>type=match</c>).</summary>
    Match,

    /// <summary>The commit (<c>type=sha</c>).</summary>
    Sha,

    /// <summary>A fixed tag on the default branch (<c>type=edge</c>).</summary>
    Edge,

    /// <summary>A dated tag for scheduled builds (<c>type=schedule</c>).</summary>
    Schedule,

    /// <summary>A fixed value (<c>type=raw</c>).</summary>
    Raw,
}

/// <summary>Which git refs a <see cref="TagRuleType.Ref"/> rule reads (<c>event=</c>).</summary>
public enum RefEvent
{
    /// <summary>A branch build: the branch name, with characters a tag cannot hold replaced by <c>-</c>.</summary>
    Branch,

    /// <summary>A git tag build: the tag name.</summary>
    Tag,

    /// <summary>A pull request build: the number, with the prefix <c>pr-</c> by default.</summary>
    PullRequest,
}

/// <summary>
/// One tag rule (a line of docker/metadata-action's <c>tags</c> input). Make it with the factory
/// methods (<see cref="Branch"/>, <see cref="Semver"/>, …) or <see cref="Parse"/>, then adjust
/// the properties.
/// </summary>
public sealed class TagRule
{
    /// <summary>Gets or sets the kind of rule.</summary>
    public TagRuleType Type { get; set; }

    /// <summary>Gets or sets whether the rule makes a tag (<c>enable=</c>); default <see langword="true"/>. A disabled <c>raw</c> rule with the value <c>latest</c> also keeps the flavor from adding <c>latest</c>.</summary>
    public bool Enable { get; set; } = true;

    /// <summary>Gets or sets the priority (<c>priority=</c>); higher comes first, and the first tag is the version. Default: schedule 1000, semver 900, match 800, edge 700, ref 600, raw 200, sha 100.</summary>
    public int? Priority { get; set; }

    /// <summary>Gets or sets the text put before the tag (<c>prefix=</c>); when set (even empty) it replaces the flavor's prefix. Default: <c>sha-</c> for sha, <c>pr-</c> for pull requests, otherwise none.</summary>
    public string? Prefix { get; set; }

    /// <summary>Gets or sets the text put after the tag (<c>suffix=</c>); when set (even empty) it replaces the flavor's suffix.</summary>
    public string? Suffix { get; set; }

    /// <summary>Gets or sets which refs a <see cref="TagRuleType.Ref"/> rule reads (<c>event=</c>).</summary>
    public RefEvent Event { get; set; }

    /// <summary>Gets or sets the pattern (<c>pattern=</c>): for semver <c>{{version}}</c>, <c>{{major}}.{{minor}}</c>, <c>{{major}}</c>, <c>{{patch}}</c>, <c>{{raw}}</c>; for match a regular expression, or JavaScript's <c>/EXPRESSION/FLAGS</c> form (flags <c>i</c>, <c>m</c>, <c>s</c>, <c>g</c>); for schedule a text with <c>{{date 'YYYYMMDD'}}</c> (default <c>nightly</c>).</summary>
    public string? Pattern { get; set; }

    /// <summary>Gets or sets the value (<c>value=</c>): the tag of a raw or edge rule, or the text a semver or match rule reads instead of the git tag.</summary>
    public string? Value { get; set; }

    /// <summary>Gets or sets a regular expression a semver rule applies to the git tag (or <see cref="Value"/>) before reading the version (<c>match=</c>): its first group is the version, such as <c>v(\d+\.\d+\.\d+)$</c> for <c>p1/v1.2.3</c>; when it does not match, the whole text is read.</summary>
    public string? MatchPattern { get; set; }

    /// <summary>Gets or sets the regular expression group a match rule keeps (<c>group=</c>); default 0, the whole match.</summary>
    public int Group { get; set; }

    /// <summary>Gets or sets whether a sha rule uses the full commit id (<c>format=long</c>) instead of the short one.</summary>
    public bool LongSha { get; set; }

    /// <summary>Gets or sets how many characters of the commit id a short sha tag keeps; default 7.</summary>
    public int ShortShaLength { get; set; } = 7;

    /// <summary>Gets or sets the branch an edge rule reacts to (<c>branch=</c>); default the repository's default branch.</summary>
    public string? Branch { get; set; }

    /// <summary>Gets or sets the time zone of a schedule rule's dates (<c>tz=</c>), an IANA id such as <c>Europe/Paris</c>; default UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Gets the priority in effect: <see cref="Priority"/> or the type's default.</summary>
    public int EffectivePriority => Priority ?? Type switch
    {
        TagRuleType.Schedule => 1000,
        TagRuleType.Semver => 900,
        TagRuleType.Match => 800,
        TagRuleType.Edge => 700,
        TagRuleType.Ref => 600,
        TagRuleType.Raw => 200,
        _ => 100,
    };

    /// <summary>The branch name (<c>type=ref,event=branch</c>).</summary>
    /// <returns>The rule.</returns>
    public static TagRule BranchName() => new() { Type = TagRuleType.Ref, Event = RefEvent.Branch };

    /// <summary>The git tag name (<c>type=ref,event=tag</c>).</summary>
    /// <returns>The rule.</returns>
    public static TagRule GitTag() => new() { Type = TagRuleType.Ref, Event = RefEvent.Tag };

    /// <summary>The pull request number, <c>pr-N</c> (<c>type=ref,event=pr</c>).</summary>
    /// <returns>The rule.</returns>
    public static TagRule PullRequest() => new() { Type = TagRuleType.Ref, Event = RefEvent.PullRequest };

    /// <summary>A semantic version pattern (<c>type=semver,pattern=…</c>).</summary>
    /// <param name="pattern">Such as <c>{{version}}</c> or <c>{{major}}.{{minor}}</c>.</param>
    /// <returns>The rule.</returns>
    public static TagRule Semver(string pattern) => new() { Type = TagRuleType.Semver, Pattern = pattern };

    /// <summary>A regular expression group of the git tag (<c>type=match,pattern=…,group=…</c>).</summary>
    /// <param name="pattern">The regular expression, such as <c>\d+\.\d+</c>.</param>
    /// <param name="group">The group kept; 0 is the whole match.</param>
    /// <returns>The rule.</returns>
    public static TagRule Match(string pattern, int group = 0) => new() { Type = TagRuleType.Match, Pattern = pattern, Group = group };

    /// <summary>The commit, <c>sha-</c> and 7 characters by default (<c>type=sha</c>).</summary>
    /// <param name="longSha">Whether to use the full commit id (<c>format=long</c>).</param>
    /// <returns>The rule.</returns>
    public static TagRule Sha(bool longSha = false) => new() { Type = TagRuleType.Sha, LongSha = longSha };

    /// <summary>A fixed tag, <c>edge</c> by default, on the default branch or the one given (<c>type=edge</c>).</summary>
    /// <param name="branch">The branch; default the repository's default branch.</param>
    /// <returns>The rule.</returns>
    public static TagRule Edge(string? branch = null) => new() { Type = TagRuleType.Edge, Branch = branch };

    /// <summary>A dated tag for scheduled builds, <c>nightly</c> by default (<c>type=schedule</c>).</summary>
    /// <param name="pattern">Such as <c>nightly-{{date 'YYYYMMDD'}}</c>.</param>
    /// <returns>The rule.</returns>
    public static TagRule Schedule(string? pattern = null) => new() { Type = TagRuleType.Schedule, Pattern = pattern };

    /// <summary>A fixed tag (<c>type=raw,value=…</c>).</summary>
    /// <param name="value">The tag, such as <c>stable</c>.</param>
    /// <returns>The rule.</returns>
    public static TagRule Raw(string value) => new() { Type = TagRuleType.Raw, Value = value };

    /// <summary>Parses one line of docker/metadata-action's <c>tags</c> input, such as <c>type=semver,pattern={{major}}.{{minor}}</c> or <c>type=sha,format=long,prefix=</c>; a value with a comma is put in double quotes, and a field without <c>key=</c> is the value.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="Cake.Core.CakeException">An unknown type, key or value; the message names it and lists what is accepted.</exception>
    public static TagRule Parse(string line) => TagRuleParser.Parse(line);

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string> { "type=" + TypeName(Type) };
        if (Type == TagRuleType.Ref)
        {
            parts.Add("event=" + Event switch { RefEvent.Branch => "branch", RefEvent.Tag => "tag", _ => "pr" });
        }

        Add(parts, "pattern", Pattern);
        Add(parts, "match", MatchPattern);
        Add(parts, "value", Value);
        Add(parts, "branch", Branch);
        Add(parts, "prefix", Prefix);
        Add(parts, "suffix", Suffix);
        if (Type == TagRuleType.Match && Group != 0)
        {
            parts.Add("group=" + Group);
        }

        if (Type == TagRuleType.Sha && LongSha)
        {
            parts.Add("format=long");
        }

        if (!Enable)
        {
            parts.Add("enable=false");
        }

        if (Priority is { } priority)
        {
            parts.Add("priority=" + priority);
        }

        return string.Join(",", parts);
    }

    internal static string TypeName(TagRuleType type) => type.ToString().ToLowerInvariant();

    private static void Add(List<string> parts, string key, string? value)
    {
        if (value is not null)
        {
            parts.Add(key + "=" + value);
        }
    }
}
