using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>The preflight's rules over a parsed Dockerfile, for the build the settings describe (no I/O).</summary>
internal sealed class DockerfileAnalysis
{
    /// <summary>BuildKit's automatic platform arguments.</summary>
    internal static readonly string[] AutomaticArgs =
    [
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    ];

    private static readonly string[] TargetArgs = ["TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"];

    // Instructions whose text a shell reads (BuildKit does not expand them): single quotes do not hide a reference there.
    private static readonly string[] ShellInstructions = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK"];

    private readonly DockerfileDocument _document;
    private readonly string _file;
    private readonly Platform[] _targets;
    private readonly Platform _build;
    private readonly IDictionary<string, string> _buildArgs;
    private readonly IDictionary<string, string> _buildContexts;
    private readonly DockerfileStage? _final;
    private readonly HashSet<int> _chain = [];
    private readonly HashSet<int> _reachable = [];
    private readonly (DockerfileInstruction Instruction, string Source)[][] _sources;
    private readonly DockerfileStage?[][] _parents; // per stage, per target platform (a FROM may pick a stage by argument)
    private readonly Dictionary<Platform, Dictionary<string, string?>> _globalScopes = [];
    private readonly Dictionary<string, List<int>> _stagesByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly DockerfileInstruction?[] _consumers;

    /// <summary>Initializes a new instance of the <see cref="DockerfileAnalysis"/> class.</summary>
    /// <param name="document">The parsed Dockerfile.</param>
    /// <param name="file">The file name findings name.</param>
    /// <param name="settings">The build: platforms, build args, contexts, target.</param>
    public DockerfileAnalysis(DockerfileDocument document, string file, CheckDockerfileSettings settings)
    {
        _document = document;
        _file = file;
        _build = settings.BuildPlatform ?? Platform.Host;
        _targets = settings.Platforms.Count == 0 ? [_build] : settings.Platforms.Distinct().ToArray();
        _buildArgs = settings.BuildArgs;
        _buildContexts = settings.BuildContexts;
        var stages = document.Stages;
        foreach (var stage in stages.Where(s => s.Name is not null))
        {
            (_stagesByName.TryGetValue(stage.Name!, out var list) ? list : _stagesByName[stage.Name!] = []).Add(stage.Index);
        }

        _sources = stages.Select(s => Sources(s).ToArray()).ToArray();
        _parents = stages.Select(s => _targets.Select(t => ParentOf(s, t)).ToArray()).ToArray();
        _consumers = new DockerfileInstruction?[stages.Count];
        foreach (var stage in stages)
        {
            var uses = _sources[stage.Index].Select(x => (Stage: StageNamed(x.Source, stage.Index), x.Instruction)).Concat(Parents(stage).Select(p => (Stage: (DockerfileStage?)p, Instruction: stage.From)));
            foreach (var (used, instruction) in uses)
            {
                if (used is not null && (_consumers[used.Index] is null || _consumers[used.Index]!.Line > instruction.Line))
                {
                    _consumers[used.Index] = instruction;
                }
            }
        }
        _final = settings.Target is { } target ? stages.FirstOrDefault(s => string.Equals(s.Name, target, StringComparison.OrdinalIgnoreCase)) ?? stages.LastOrDefault() : stages.LastOrDefault();
        var bases = new Stack<DockerfileStage>(_final is null ? [] : [_final]);
        while (bases.TryPop(out var stage))
        {
            if (_chain.Add(stage.Index))
            {
                Parents(stage).ToList().ForEach(bases.Push);
            }
        }

        var pending = new Stack<DockerfileStage>(_final is null ? [] : [_final]);
        while (pending.TryPop(out var stage))
        {
            if (!_reachable.Add(stage.Index))
            {
                continue;
            }

            foreach (var parent in Parents(stage))
            {
                pending.Push(parent);
            }

            foreach (var (_, source) in _sources[stage.Index])
            {
                if (StageNamed(source, stage.Index) is { } dependency)
                {
                    pending.Push(dependency);
                }
            }
        }
    }

    /// <summary>Gets the findings that need no registry: platform arguments, build stages, emulated compiles (severity: warning).</summary>
    /// <returns>The findings, in line order.</returns>
    public List<DockerfileFinding> Findings()
    {
        var findings = _document.Problems.Select(p => new DockerfileFinding(
            DockerfileRules.ParseError,
            FindingSeverity.Error,
            _file,
            p.Line,
            $"BuildKit refuses this Dockerfile at line {p.Line}: {p.Reason}.",
            "Fix that line: docker build stops there before anything is built.")).ToList();
        ArgFindings(findings);
        findings.AddRange(PlatformFlagRules.Find(this));
        foreach (var stage in _document.Stages.Where(s => _reachable.Contains(s.Index) && !_chain.Contains(s.Index)))
        {
            BuildStageFindings(stage, findings);
        }

        return findings;
    }

    private void ArgFindings(List<DockerfileFinding> findings)
    {
        var globalDeclared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instruction in _document.GlobalArgs)
        {
            foreach (var (name, declaration, value) in Declarations(instruction, _document.Escape))
            {
                globalDeclared.Add(name);
                if (value is not null && Array.IndexOf(AutomaticArgs, name) >= 0)
                {
                    findings.Add(DefaultFinding(instruction.Line, declaration, name, value, "before the first FROM (the global scope)"));
                }
            }
        }

        var declaredAtEnd = new HashSet<string>[_document.Stages.Count];
        foreach (var stage in _document.Stages)
        {
            // BuildKit: a stage built FROM another stage inherits the ARGs that stage declared.
            var declared = Parents(stage).FirstOrDefault() is { } parent ? new HashSet<string>(declaredAtEnd[parent.Index], StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
            declaredAtEnd[stage.Index] = declared;
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var instruction in stage.Instructions)
            {
                if (instruction.Keyword == "ARG")
                {
                    foreach (var (name, declaration, value) in Declarations(instruction, _document.Escape))
                    {
                        if (value is not null)
                        {
                            ReportUses(findings, stage, instruction, DockerfileExpander.References(value, _document.Escape), declared, reported);
                        }

                        declared.Add(name);
                        if (value is not null && Array.IndexOf(AutomaticArgs, name) >= 0)
                        {
                            findings.Add(DefaultFinding(instruction.Line, declaration, name, DockerfileExpander.Expand(value, _document.Escape, _ => null), "in " + stage.Describe));
                        }
                    }

                    continue;
                }

                var shell = Array.IndexOf(ShellInstructions, instruction.Keyword) >= 0;
                var escape = shell ? '\\' : _document.Escape;
                var names = new List<string>();
                foreach (var flag in instruction.Flags)
                {
                    names.AddRange(DockerfileExpander.References(flag.Value, _document.Escape));
                }

                names.AddRange(DockerfileExpander.References(instruction.Arguments, escape, quotes: !shell));
                foreach (var heredoc in instruction.Heredocs.Where(h => shell || h.Expand))
                {
                    names.AddRange(DockerfileExpander.References(heredoc.Content, escape, quotes: !shell));
                }

                ReportUses(findings, stage, instruction, names, declared, reported);
            }
        }
    }

    private void ReportUses(List<DockerfileFinding> findings, DockerfileStage stage, DockerfileInstruction instruction, IEnumerable<string> names, HashSet<string> declared, HashSet<string> reported)
    {
        foreach (var name in names)
        {
            if (Array.IndexOf(AutomaticArgs, name) < 0 || declared.Contains(name) || !reported.Add(name))
            {
                continue;
            }

            findings.Add(Finding(
                DockerfileRules.PlatformArgNotDeclared,
                instruction.Line,
                $"{instruction.Keyword} uses ${name} in {stage.Describe}, which does not declare 'ARG {name}'. BuildKit passes {name} only to FROM lines, so here it expands to an empty string and every platform can get the same binaries.",
                $"Add 'ARG {name}' after that stage's FROM."));
        }
    }

    private DockerfileFinding DefaultFinding(int line, string declaration, string name, string value, string scope) =>
        Finding(
            DockerfileRules.PlatformArgDefault,
            line,
            $"ARG {declaration} {scope} gives BuildKit's automatic argument {name} a default value. The default replaces the value BuildKit sets for each platform, so every platform gets '{value}' and its binaries.",
            $"Declare it without a value: 'ARG {name}'.");

    private void BuildStageFindings(DockerfileStage stage, List<DockerfileFinding> findings)
    {
        var runs = stage.Instructions.Where(i => i.Keyword == "RUN").ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        var consumer = _consumers[stage.Index];
        var usedBy = consumer is null ? "another stage" : $"line {consumer.Line} ({consumer.Keyword}{(consumer.Flag("from") is { } from ? " --from=" + from : " " + stage.Name)})";
        if (stage.Platform is { } platform && DockerfileExpander.References(platform, _document.Escape).Any(n => Array.IndexOf(TargetArgs, n) >= 0))
        {
            findings.Add(Finding(
                DockerfileRules.TargetPlatformInBuildStage,
                stage.From.Line,
                $"FROM --platform={platform} runs {stage.Describe} for each target platform, its RUN steps emulated under QEMU for the foreign ones, but its output only reaches the image through {usedBy}.",
                "Start it 'FROM --platform=$BUILDPLATFORM …' so it runs natively, and cross-compile for $TARGETARCH (declare 'ARG TARGETARCH' in the stage)."));
        }

        var emulated = _targets.Select(t => StagePlatform(stage, t, GlobalScope(t), out _)).OfType<Platform>().Where(IsEmulated).Distinct().ToArray();
        if (emulated.Length == 0)
        {
            return;
        }

        foreach (var run in runs)
        {
            if (CompileCommands.Find(run) is not { } tool)
            {
                continue;
            }

            findings.Add(Finding(
                DockerfileRules.EmulatedCompile,
                run.Line,
                $"RUN {tool.Command} in {stage.Describe} compiles under QEMU emulation for {PlatformList.Format(emulated)} (the build platform is {_build}), often 5 to 20 times slower, yet the stage's output only reaches the image through {usedBy}, so it could run natively.",
                tool.Fix));
            return; // one per stage: the fix is the stage's FROM
        }
    }

    private bool IsEmulated(Platform platform) =>
        platform.Info is not null && _build.Info is not null && platform.Info.QemuName != _build.Info.QemuName && !(_build.Architecture == "amd64" && platform.Architecture == "386");

    /// <summary>Gets the parsed Dockerfile.</summary>
    public DockerfileDocument Document => _document;

    /// <summary>Gets the target platforms.</summary>
    public IReadOnlyList<Platform> Targets => _targets;

    /// <summary>Gets the named build contexts (<c>--build-context</c>).</summary>
    public IDictionary<string, string> BuildContexts => _buildContexts;

    /// <summary>Lists every image pull of the stages the target needs (see <see cref="BaseImagePulls"/>).</summary>
    /// <param name="unresolved">Receives a <see cref="DockerfileRules.BaseImageUnknown"/> finding per reference that cannot be resolved.</param>
    /// <returns>The pulls (one per image, platform and line).</returns>
    public List<BaseImageNeed> BaseImageNeeds(List<DockerfileFinding> unresolved) => new BaseImagePulls(this).List(unresolved);

    /// <summary>Gets a value indicating whether the built target needs a stage.</summary>
    public bool IsReachable(int stageIndex) => _reachable.Contains(stageIndex);

    /// <summary>Gets the other stages or images a stage copies or mounts from.</summary>
    public IEnumerable<(DockerfileInstruction Instruction, string Source)> SourcesOf(DockerfileStage stage) => _sources[stage.Index];

    /// <summary>Gets the platform BuildKit runs a stage for, for one target platform (null when its --platform is not a platform).</summary>
    public Platform? StagePlatform(DockerfileStage stage, Platform target, Dictionary<string, string?> globals, out string text)
    {
        text = string.Empty;
        if (stage.Platform is null)
        {
            return Parent(stage, target) is { } parent ? StagePlatform(parent, target, globals, out text) : target;
        }

        text = DockerfileExpander.Expand(stage.Platform, _document.Escape, name => Lookup(globals, target, name));
        return Platform.TryParse(text, out var platform) ? platform : (Platform?)null;
    }

    public Dictionary<string, string?> GlobalScope(Platform target)
    {
        if (_globalScopes.TryGetValue(target, out var cached))
        {
            return cached;
        }

        var scope = _globalScopes[target] = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var instruction in _document.GlobalArgs)
        {
            foreach (var (name, _, value) in Declarations(instruction, _document.Escape))
            {
                scope[name] = _buildArgs.TryGetValue(name, out var given) ? given
                    : value is not null ? DockerfileExpander.Expand(value, _document.Escape, n => Lookup(scope, target, n))
                    : Automatic(name, target);
            }
        }

        return scope;
    }

    public string? Lookup(Dictionary<string, string?> globals, Platform target, string name) =>
        globals.TryGetValue(name, out var value) ? value : Automatic(name, target);

    private string? Automatic(string name, Platform target)
    {
        var platform = name.StartsWith("BUILD", StringComparison.Ordinal) ? _build : target;
        return name switch
        {
            "TARGETPLATFORM" or "BUILDPLATFORM" => platform.ToString(),
            "TARGETOS" or "BUILDOS" => platform.Os,
            "TARGETARCH" or "BUILDARCH" => platform.Architecture,
            "TARGETVARIANT" or "BUILDVARIANT" => platform.Variant ?? string.Empty,
            _ => null,
        };
    }

    private static IEnumerable<(string Name, string Declaration, string? Value)> Declarations(DockerfileInstruction instruction, char escape)
    {
        foreach (var word in DockerfileNodes.Words(instruction.Arguments, escape))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? (word, word, (string?)null) : (word[..eq], word, word[(eq + 1)..]);
        }
    }

    /// <summary>Gets the stage a stage is built FROM for a target platform (<c>FROM build_${TARGETARCH}</c> picks one per platform), or <see langword="null"/> for an image.</summary>
    public DockerfileStage? Parent(DockerfileStage stage, Platform target) => _parents[stage.Index][Array.IndexOf(_targets, target)];

    /// <summary>Gets the stages a stage is built FROM, for any target platform.</summary>
    public IEnumerable<DockerfileStage> Parents(DockerfileStage stage) => _parents[stage.Index].OfType<DockerfileStage>().Distinct();

    private DockerfileStage? ParentOf(DockerfileStage stage, Platform target) =>
        StageNamed(stage.Image, stage.Index, byIndex: false)
        ?? (stage.Image.Contains('$', StringComparison.Ordinal)
            ? StageNamed(DockerfileExpander.Expand(stage.Image, _document.Escape, n => Lookup(GlobalScope(target), target, n)), stage.Index, byIndex: false)
            : null);

    public DockerfileStage? StageNamed(string name, int before, bool byIndex = true)
    {
        if (byIndex && int.TryParse(name, out var index))
        {
            return index >= 0 && index < before ? _document.Stages[index] : null;
        }

        return _stagesByName.TryGetValue(name, out var indexes) && indexes.LastOrDefault(i => i < before, -1) is var found and >= 0 ? _document.Stages[found] : null;
    }

    private static IEnumerable<(DockerfileInstruction Instruction, string Source)> Sources(DockerfileStage stage)
    {
        foreach (var instruction in stage.Instructions)
        {
            if (instruction.Keyword is "COPY" or "ADD" && instruction.Flag("from") is { Length: > 0 } from)
            {
                yield return (instruction, from);
            }

            if (instruction.Keyword == "RUN")
            {
                foreach (var mount in instruction.Flags.Where(f => f.Key == "mount"))
                {
                    foreach (var option in mount.Value.Split(','))
                    {
                        if (option.StartsWith("from=", StringComparison.Ordinal))
                        {
                            yield return (instruction, option[5..]);
                        }
                    }
                }
            }
        }
    }

    public DockerfileFinding Finding(string rule, int line, string message, string fix) =>
        new(rule, FindingSeverity.Warning, _file, line, message, fix);
}
