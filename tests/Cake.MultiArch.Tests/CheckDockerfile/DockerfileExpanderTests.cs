using Cake.MultiArch.CheckDockerfile;

namespace Cake.MultiArch.Tests.CheckDockerfile;

public sealed class DockerfileExpanderTests
{
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal) { ["A"] = "x", ["E"] = string.Empty, ["ARCH"] = "arm64" };

    public sealed class TheExpandMethod
    {
        [Theory]
        [InlineData("$A", "x")]
        [InlineData("${A}", "x")]
        [InlineData("pre${A}post-$A.", "prexpost-x.")]
        [InlineData("${U}", "")]
        [InlineData("${U:-def}", "def")]
        [InlineData("${E:-def}", "def")]
        [InlineData("${E-def}", "")]
        [InlineData("${U-def}", "def")]
        [InlineData("${A:+alt}", "alt")]
        [InlineData("${E:+alt}", "")]
        [InlineData("${E+alt}", "alt")]
        [InlineData("${U:+alt}", "")]
        [InlineData("${U:-${A}-$ARCH}", "x-arm64")]
        [InlineData("${A:?must be set}", "x")]
        [InlineData("'$A'", "$A")]
        [InlineData("\"$A $ARCH\"", "x arm64")]
        [InlineData("\\$A", "$A")]
        [InlineData("a$", "a$")]
        [InlineData("$1", "$1")]
        [InlineData("img:${ARCH}-1", "img:arm64-1")]
        public void Should_Expand_Like_BuildKit_When_Given_A_Word(string text, string expected)
        {
            Assert.Equal(expected, DockerfileExpander.Expand(text, '\\', name => Values.TryGetValue(name, out var v) ? v : null));
        }

        [Fact]
        public void Should_Use_The_Backtick_When_The_Escape_Directive_Says_So()
        {
            Assert.Equal("$A\\x", DockerfileExpander.Expand("`$A\\$A", '`', name => Values.TryGetValue(name, out var v) ? v : null));
        }
    }

    public sealed class TheReferencesMethod
    {
        [Fact]
        public void Should_List_Every_Name_When_Defaults_Nest()
        {
            Assert.Equal(["TARGETOS", "TARGETARCH", "A", "B"], DockerfileExpander.References("${TARGETOS:-linux}/$TARGETARCH ${A:+$B}", '\\'));
        }

        [Fact]
        public void Should_Hide_Single_Quoted_Names_Only_When_Quotes_Count()
        {
            Assert.Empty(DockerfileExpander.References("'$TARGETARCH' \\$TARGETOS", '\\'));
            Assert.Equal(["TARGETARCH"], DockerfileExpander.References("sh -c 'echo $TARGETARCH' \\$TARGETOS", '\\', quotes: false));
        }
    }
}
