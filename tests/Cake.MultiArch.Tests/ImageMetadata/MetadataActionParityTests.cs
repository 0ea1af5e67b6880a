using System.Text.Json;
using Cake.MultiArch.ImageMetadata;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>
/// docker/metadata-action's own test cases as our tables (tests/…/Fixtures/Data/peers/metadata-action/:
/// meta-tags-labels.json and meta-outputs.json from its <c>__tests__/meta.test.ts</c>, tag-rules.json from
/// <c>__tests__/tag.test.ts</c>, raw-statement.json; commit in peers/README.md). Each case agrees, or is a
/// difference docs/metadata.md names with its reason, or uses something ImageMetadata does not offer and is
/// refused with a clear error.
/// </summary>
public sealed class MetadataActionParityTests
{
    public sealed class TheRunMethod
    {
        public static TheoryData<string> TagsAndLabelsCases => new(MetadataActionCase.All("meta-tags-labels.json").Select(c => c.Id));

        public static TheoryData<string> JsonOutputCases => new(MetadataActionCase.All("meta-outputs.json").Where(c => c.Element.GetProperty("suite").GetString() == "json").Select(c => c.Id));

        [Theory]
        [MemberData(nameof(TagsAndLabelsCases))]
        public void Should_Make_What_MetadataAction_Makes_When_Given_Its_Case(string id)
        {
            // Given
            var testCase = MetadataActionCase.Find("meta-tags-labels.json", id);
            var expected = testCase.Expected;
            if (MetadataActionParity.Outcome(id) is { } known)
            {
                known.Check(testCase);
                return;
            }

            // When
            var (result, error, processes) = testCase.Run();

            // Then
            Assert.True(result is not null, $"{id}: {error}");
            Assert.Equal(0, processes);
            Assert.Equal(expected.GetProperty("version").GetProperty("main").GetString() ?? string.Empty, result.Version);
            Assert.Equal(expected.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!), result.Tags);
            Assert.Equal(MetadataActionCase.WithoutEmptyOci(expected.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)), MetadataActionCase.Sorted(result.Labels));
            Assert.Equal(MetadataActionCase.WithoutEmptyOci(expected.GetProperty("annotations").EnumerateArray().Select(l => l.GetString()!)), MetadataActionCase.Sorted(result.Annotations, "manifest:"));
            var emptyOci = expected.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).Where(l => l.StartsWith("org.opencontainers.image.", StringComparison.Ordinal) && l.EndsWith('=')).ToList();
            Assert.Equal(emptyOci.Count > 0, MetadataActionParity.EmptyOciLabels.Contains(id));
            Assert.All(emptyOci, l => Assert.False(result.Labels.ContainsKey(l[..^1])));
            if (emptyOci.Count > 0)
            {
                Assert.Contains(id, MetadataActionParity.Docs, StringComparison.Ordinal);
            }
        }

        [Theory]
        [MemberData(nameof(JsonOutputCases))]
        public void Should_Give_MetadataAction_s_Json_Output_When_Given_Its_Case(string id)
        {
            // Given
            var testCase = MetadataActionCase.Find("meta-outputs.json", id);
            var expected = testCase.Expected;

            // When
            var (result, error, processes) = testCase.Run();

            // Then
            Assert.True(result is not null, $"{id}: {error}");
            Assert.Equal(0, processes);
            Assert.Equal(expected.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!), result.Tags);
            Assert.Equal(expected.GetProperty("tag-names").EnumerateArray().Select(t => t.GetString()!), result.TagNames);
            Assert.Equal(MetadataActionCase.WithoutEmptyOci(expected.GetProperty("labels").EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString())), MetadataActionCase.Sorted(result.Labels));
            Assert.Equal(expected.GetProperty("annotations").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal), MetadataActionCase.Sorted(result.Annotations));
        }
    }

    public sealed class TheDocumentation
    {
        [Fact]
        public void Should_Give_The_Counts_Of_The_Tables_When_It_Lists_The_Differences()
        {
            // Given
            var run = MetadataActionCase.All("meta-tags-labels.json").Count()
                + MetadataActionCase.All("meta-outputs.json").Count(c => c.Element.GetProperty("suite").GetString() == "json")
                + MetadataActionCase.All("tag-rules.json").Count();
            var notOffered = MetadataActionCase.All("meta-outputs.json").Count(c => c.Element.GetProperty("suite").GetString() != "json");
            var differences = MetadataActionParity.Differences.Count + MetadataActionParity.EmptyOciLabels.Count;
            var outOfScope = MetadataActionParity.OutOfScope.Count;

            // When
            var docs = MetadataActionParity.Docs;

            // Then
            Assert.Equal((153, 10), (run, notOffered));
            Assert.Contains($"Of the {run + notOffered} cases, {notOffered} check outputs", docs, StringComparison.Ordinal);
            Assert.Contains($"**{run} cases run**", docs, StringComparison.Ordinal);
            Assert.Contains($"| agree (tags, version, labels, annotations, parsed rules) | **{run - differences - outOfScope}** |", docs, StringComparison.Ordinal);
            Assert.Contains($"| documented differences (below) | **{differences}** |", docs, StringComparison.Ordinal);
            Assert.Contains($"| out of scope (refused with an error naming the feature) | **{outOfScope}** |", docs, StringComparison.Ordinal);
        }
    }

    public sealed class TheParseMethod
    {
        public static TheoryData<string> RuleCases => new(MetadataActionCase.All("tag-rules.json").Select(c => c.Id));

        [Theory]
        [MemberData(nameof(RuleCases))]
        public void Should_Read_A_Rule_As_MetadataAction_Does_When_Given_Its_Case(string id)
        {
            // Given
            var testCase = MetadataActionCase.All("tag-rules.json").Single(c => c.Id == id);
            var element = testCase.Element;
            var lines = element.GetProperty("kind").GetString() == "transform"
                ? element.GetProperty("input").EnumerateArray().Select(l => l.GetString()!).ToList()
                : [element.GetProperty("input").GetString()!];

            // When
            var (rules, error) = ParseAndValidate(lines);

            // Then
            if (element.GetProperty("error").GetBoolean())
            {
                Assert.True(error is not null, $"{id}: accepted");
                Assert.StartsWith("ImageMetadata: ", error, StringComparison.Ordinal);
                return;
            }

            Assert.True(error is null, $"{id}: {error}");
            var expected = element.GetProperty("expected");
            var expectedRules = expected.ValueKind == JsonValueKind.Array ? expected.EnumerateArray().ToList() : [expected];
            var ordered = rules!.OrderByDescending(r => r.EffectivePriority).ToList();
            Assert.Equal(expectedRules.Count, ordered.Count);
            for (var i = 0; i < ordered.Count; i++)
            {
                Assert.Equal(expectedRules[i].GetProperty("type").GetString(), ordered[i].Type.ToString().ToLowerInvariant());
                foreach (var attribute in expectedRules[i].GetProperty("attrs").EnumerateObject())
                {
                    Assert.True(attribute.Value.GetString() == Attribute(ordered[i], attribute.Name), $"{id} rule {i} {attribute.Name}: expected '{attribute.Value.GetString()}', found '{Attribute(ordered[i], attribute.Name)}'");
                }
            }
        }

        [Fact]
        public void Should_Take_Only_The_Bare_Raw_Expression_As_Raw_When_Given_MetadataAction_s_Patterns()
        {
            // Given
            var cases = MetadataActionCase.Load("raw-statement.json").GetProperty("cases").EnumerateArray().ToList();

            // When
            var read = cases.Select(c => TagRuleEvaluator.RawStatement().IsMatch(c.GetProperty("pattern").GetString()!)).ToList();

            // Then
            Assert.Equal(cases.Select(c => c.GetProperty("isRawStatement").GetBoolean()), read);
        }

        private static (List<TagRule>? Rules, string? Error) ParseAndValidate(List<string> lines)
        {
            try
            {
                var settings = new ImageMetadataSettings { Images = { "user/app" } };
                foreach (var line in lines)
                {
                    settings.Tags.Add(TagRule.Parse(line));
                }

                ImageMetadataPlan.Validate(settings);
                return (settings.Tags.ToList(), null);
            }
            catch (Cake.Core.CakeException e)
            {
                return (null, e.Message);
            }
        }

        private static string Attribute(TagRule rule, string name) => name switch
        {
            "priority" => rule.EffectivePriority.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "enable" => rule.Enable ? "true" : "false",
            "pattern" => rule.Pattern ?? (rule.Type == TagRuleType.Schedule ? "nightly" : string.Empty),
            "value" => rule.Value ?? string.Empty,
            "match" => rule.MatchPattern ?? string.Empty,
            "group" => rule.Group.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "branch" => rule.Branch ?? string.Empty,
            "prefix" => rule.Prefix ?? TagRuleEvaluator.DefaultPrefix(rule) ?? string.Empty,
            "format" => rule.LongSha ? "long" : "short",
            "event" => rule.Event switch { RefEvent.Branch => "branch", RefEvent.Tag => "tag", _ => "pr" },
            _ => "(unknown attribute)",
        };
    }
}
