using System.Text.Json.Nodes;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Tests.CheckDockerfile;

/// <summary>
/// BuildKit's build-check cases for the rules that overlap the preflight's (moby/buildkit @ 73ed682,
/// <c>frontend/dockerfile/dockerfile_check_test.go</c> and the rule pages in
/// <c>frontend/dockerfile/docs/rules/</c>), gathered in Fixtures/Data/peers/buildkit/check-cases.json:
/// each case's Dockerfile is checked for linux/amd64 (registry checks left out; a reference that
/// cannot be resolved still gives its finding), and the lines we flag are compared with the lines
/// BuildKit's warnings name. Where we differ on purpose, <see cref="Differences"/> holds our lines
/// and the reason (docs/preflight.md, "Parity with BuildKit", says the same).
/// </summary>
public sealed class BuildKitCheckParityTests
{
    /// <summary>The cases where our lines differ from BuildKit's, with our lines and why.</summary>
    internal static readonly Dictionary<string, (string Lines, string Reason)> Differences = new(StringComparer.Ordinal)
    {
        ["testUndeclaredArg/2"] = ("2", "our PlatformArgDefault (no BuildKit counterpart) flags 'ARG BUILDPLATFORM=linux/amd64': the default replaces the value BuildKit sets"),
        ["testUndeclaredArg/9"] = ("", "UndefinedArgInFrom: an undeclared argument that leaves a valid reference (busybox:latest) is not flagged; the reference is resolved and its platforms checked"),
        ["testUnmatchedVars/4"] = ("", "UndefinedVar: the preflight checks only BuildKit's platform arguments (PlatformArgNotDeclared); other undefined variables are BuildKit's own check, which docker build runs anyway"),
        ["testUnmatchedVars/5"] = ("", "UndefinedVar: the preflight checks only BuildKit's platform arguments (PlatformArgNotDeclared); other undefined variables are BuildKit's own check, which docker build runs anyway"),
        ["testUnmatchedVars/6"] = ("", "UndefinedVar: the preflight checks only BuildKit's platform arguments (PlatformArgNotDeclared); other undefined variables are BuildKit's own check, which docker build runs anyway"),
        ["testInvalidDefaultArgInFrom/1"] = ("", "InvalidDefaultArgInFrom: the preflight judges the build that is run, with the build arguments given (VERSION=latest gives busybox:latest); BuildKit judges the defaults"),
        ["testInvalidDefaultArgInFrom/2"] = ("", "InvalidDefaultArgInFrom: judged with the build arguments given (IMAGE=busybox:latest), as above"),
        ["testInvalidDefaultArgInFrom/3"] = ("", "InvalidDefaultArgInFrom: judged with the build arguments given (SFX=box:latest), as above"),
        ["UndefinedArgInFrom/docs-2"] = ("", "UndefinedArgInFrom: 'node:22${VARIANT}' with VARIANT undeclared is node:22, a valid reference that is checked"),
        ["UndefinedVar/docs-1"] = ("", "UndefinedVar: the preflight checks only BuildKit's platform arguments (PlatformArgNotDeclared); other undefined variables are BuildKit's own check, which docker build runs anyway"),
        ["UndefinedVar/docs-2"] = ("", "UndefinedVar: the preflight checks only BuildKit's platform arguments (PlatformArgNotDeclared); other undefined variables are BuildKit's own check, which docker build runs anyway"),
        ["UndefinedVar/docs-4"] = ("", "UndefinedVar: the preflight checks only BuildKit's platform arguments (PlatformArgNotDeclared); other undefined variables are BuildKit's own check, which docker build runs anyway"),
    };

    public static TheoryData<string> Cases() =>
    [
        .. BuildKitParserParityTests.Table("check-cases.json")["cases"]!.AsArray().Where(c => (bool)c!["overlap"]!).Select(c => (string)c!["id"]!),
        .. BuildKitParserParityTests.Table("check-cases.json")["docs"]!.AsArray().Select(c => (string)c!["id"]!),
    ];

    internal static (string BuildKit, string Ours) Lines(string id)
    {
        var table = BuildKitParserParityTests.Table("check-cases.json");
        var test = table["cases"]!.AsArray().Concat(table["docs"]!.AsArray()).Single(c => (string)c!["id"]! == id)!;
        var buildKit = test["warnings"] is JsonArray warnings
            ? warnings.Select(w => (int)w!["line"]!)
            : (string)test["verdict"]! == "bad" ? [(int)test["line"]!] : [];
        var settings = new CheckDockerfileSettings { BuildPlatform = Platform.Parse("linux/amd64"), CheckBaseImages = false };
        settings.Platforms.Add(Platform.Parse("linux/amd64"));
        foreach (var (name, value) in test["buildArgs"]?.AsObject() ?? [])
        {
            settings.BuildArgs[name] = (string)value!;
        }

        var document = DockerfileDocument.Parse((string)test["dockerfile"]!);
        var analysis = new DockerfileAnalysis(document, "Dockerfile", settings);
        var findings = analysis.Findings();
        analysis.BaseImageNeeds(findings);
        var ours = findings.Where(f => !document.SkipsCheck(f.RuleId)).Select(f => f.Line);
        return (Join(buildKit), Join(ours));
    }

    private static string Join(IEnumerable<int> lines) => string.Join(",", lines.Distinct().Order());

    public sealed class TheOverlappingChecks
    {
        [Theory]
        [MemberData(nameof(Cases), MemberType = typeof(BuildKitCheckParityTests))]
        public void Should_Flag_The_Lines_BuildKit_Flags_Or_The_Documented_Ones(string id)
        {
            // When
            var (buildKit, ours) = Lines(id);

            // Then
            if (Differences.TryGetValue(id, out var difference))
            {
                Assert.NotEqual(buildKit, ours);
                Assert.Equal(difference.Lines, ours);
            }
            else
            {
                Assert.Equal(buildKit, ours);
            }
        }
    }
}
