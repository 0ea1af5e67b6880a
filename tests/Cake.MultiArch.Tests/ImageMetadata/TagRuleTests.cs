using Cake.Core;
using Cake.MultiArch.ImageMetadata;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class TagRuleTests
{
    public sealed class TheParseMethod
    {
        [Theory]
        [InlineData("type=ref,event=branch", "type=ref,event=branch")]
        [InlineData("type=ref,event=tag", "type=ref,event=tag")]
        [InlineData("type=ref,event=pr,prefix=mr-", "type=ref,event=pr,prefix=mr-")]
        [InlineData("type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}.{{minor}}")]
        [InlineData("type=match,\"pattern=v(\\d{1,3})\",group=1", "type=match,pattern=v(\\d{1,3}),group=1")]
        [InlineData("type=sha,format=long,prefix=", "type=sha,prefix=,format=long")]
        [InlineData("type=edge,branch=develop", "type=edge,branch=develop")]
        [InlineData("type=schedule,pattern={{date 'YYYYMMDD'}},tz=Europe/Paris", "type=schedule,pattern={{date 'YYYYMMDD'}}")]
        [InlineData("type=raw,value=stable,enable=false,priority=1", "type=raw,value=stable,enable=false,priority=1")]
        [InlineData("stable", "type=raw,value=stable")]
        [InlineData("value=next", "type=raw,value=next")]
        [InlineData("type=raw,stable", "type=raw,value=stable")]
        [InlineData("type=raw,priority=2000,foo", "type=raw,value=foo,priority=2000")]
        [InlineData("type=ref,event=pr,foo", "type=ref,event=pr,value=foo")]
        [InlineData("type=semver,pattern={{version}},\"match=v(\\d.\\d.\\d)$\"", "type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$")]
        public void Should_Read_The_Rule_When_The_Line_Is_Valid(string line, string expected)
        {
            // When
            var rule = TagRule.Parse(line);

            // Then
            Assert.Equal(expected, rule.ToString());
        }

        [Fact]
        public void Should_Read_Every_Field_When_All_Are_Given()
        {
            // When
            var rule = TagRule.Parse("type=schedule, pattern=n-{{date 'YYYY'}}, tz=Asia/Tokyo, priority=5, suffix=-x");

            // Then
            Assert.Equal(TagRuleType.Schedule, rule.Type);
            Assert.Equal("n-{{date 'YYYY'}}", rule.Pattern);
            Assert.Equal("Asia/Tokyo", rule.TimeZone);
            Assert.Equal(5, rule.Priority);
            Assert.Equal("-x", rule.Suffix);
            Assert.True(rule.Enable);
        }

        [Theory]
        [InlineData("", "ImageMetadata: TagRule.Parse found an empty rule for tag rule ''; expected a rule such as 'type=ref,event=branch'. Pass one rule per line.")]
        [InlineData("type=pep440,pattern={{version}}", "ImageMetadata: TagRule.Parse found an unknown type 'pep440' for tag rule 'type=pep440,pattern={{version}}'; expected one of ref, semver, match, sha, edge, schedule, raw. Fix the type (pep440 is not supported: use semver or match).")]
        [InlineData("type=ref,event=push", "ImageMetadata: TagRule.Parse found an unknown event 'push' for tag rule 'type=ref,event=push'; expected event=branch, event=tag or event=pr. Fix the event.")]
        [InlineData("type=sha,format=medium", "ImageMetadata: TagRule.Parse found an unknown format 'medium' for tag rule 'type=sha,format=medium'; expected format=short or format=long. Fix the format.")]
        [InlineData("type=raw,value=x,enable={{is_default_branch}}", "ImageMetadata: TagRule.Parse found an enable value '{{is_default_branch}}' that is not true or false for tag rule 'type=raw,value=x,enable={{is_default_branch}}'; expected enable=true or enable=false. Compute the condition in the script and pass true or false (expressions such as {{is_default_branch}} are not evaluated).")]
        [InlineData("type=raw,value=x,priority=high", "ImageMetadata: TagRule.Parse found a priority 'high' that is not a whole number for tag rule 'type=raw,value=x,priority=high'; expected priority=<number>. Fix the priority.")]
        [InlineData("type=raw,colour=red", "ImageMetadata: TagRule.Parse found an unknown key 'colour' for tag rule 'type=raw,colour=red'; expected one of type, event, pattern, match, value, group, format, prefix, suffix, branch, tz, enable, priority. Remove or fix the key.")]
        [InlineData("type=sha,=long", "ImageMetadata: TagRule.Parse found a field with an empty key ('=long') for tag rule 'type=sha,=long'; expected key=value fields with keys type, event, pattern, match, value, group, format, prefix, suffix, branch, tz, enable, priority, or a bare value. Write the key before '='.")]
        [InlineData("type=ref", "ImageMetadata: TagRule.Parse found a ref rule without 'event=' for tag rule 'type=ref'; expected event=branch, event=tag or event=pr. Add the event the rule reads.")]
        [InlineData("type=ref,prefix=b-", "ImageMetadata: TagRule.Parse found a ref rule without 'event=' for tag rule 'type=ref,prefix=b-'; expected event=branch, event=tag or event=pr. Add the event the rule reads.")]
        [InlineData("type=match,\"pattern=a,b", "ImageMetadata: TagRule.Parse found an unclosed double quote for tag rule 'type=match,\"pattern=a,b'; expected values with commas in a pair of double quotes. Close the quote.")]
        public void Should_Throw_When_The_Line_Is_Invalid(string line, string expected)
        {
            // When
            var error = Assert.Throws<CakeException>(() => TagRule.Parse(line));

            // Then
            Assert.Equal(expected, error.Message);
        }
    }
}
