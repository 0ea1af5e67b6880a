using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.CheckDockerfile;

public sealed class DockerfileDocumentTests
{
    internal static string Corpus(string name) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "Cake.MultiArch.Tests", "CheckDockerfile", "Corpus", name));

    public sealed class TheParseMethod
    {
        [Fact]
        public void Should_Read_Directives_Continuations_Comments_And_Heredocs_When_Given_A_Backtick_Dockerfile()
        {
            // Given
            var text = Corpus("dotnet-heredoc-backtick.Dockerfile");

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            Assert.Equal('`', document.Escape);
            Assert.Equal(new Dictionary<string, string> { ["syntax"] = "docker/dockerfile:1.7", ["escape"] = "`" }, document.Directives);
            Assert.Equal(
                ["ARG 3-3", "ARG 4-4", "FROM 7-7", "ARG 8-8", "WORKDIR 9-9", "COPY 10-10", "RUN 11-13", "COPY 14-16", "RUN 17-20", "FROM 22-22", "COPY 23-23", "ENTRYPOINT 24-24"],
                document.Instructions.Select(i => $"{i.Keyword} {i.Line}-{i.EndLine}"));
            Assert.Equal("dotnet restore -a $TARGETARCH     --locked-mode", document.Instructions[6].Arguments);
            Assert.Equal([new KeyValuePair<string, string>("link", string.Empty)], document.Instructions[5].Flags);
            Assert.Equal("<<EOF /src/Directory.Build.props", document.Instructions[7].Arguments);
            Assert.Equal(new DockerfileHeredoc("EOF", false, true, "<Project><PropertyGroup><Arch>$TARGETARCH</Arch></PropertyGroup></Project>\n", 15), Assert.Single(document.Instructions[7].Heredocs));
            var script = Assert.Single(document.Instructions[8].Heredocs);
            Assert.Equal(new DockerfileHeredoc("SCRIPT", true, false, "\tset -e\n\tdotnet publish -a $TARGETARCH -c Release -o /app\n", 18), script); // BuildKit keeps the tabs in the content
            Assert.Equal("set -e\ndotnet publish -a $TARGETARCH -c Release -o /app\n", script.Text);
            Assert.True(document.Instructions[11].IsExecForm);
            Assert.Equal(["SDK=127.0.0.1:5000/testbed/busybox:1", "RUNTIME=127.0.0.1:5000/preflight-test/busybox-amd64:1"], document.GlobalArgs.Select(a => a.Arguments));
            Assert.Equal(
                ["0 build ${SDK} $BUILDPLATFORM 7 6", "1 final ${RUNTIME} - 22 2"],
                document.Stages.Select(s => $"{s.Index} {s.Name} {s.Image} {s.Platform ?? "-"} {s.From.Line} {s.Instructions.Count}"));
            Assert.Empty(document.Problems);
        }

        [Fact]
        public void Should_Join_Backslash_Continuations_When_They_Hold_Comments_Empty_Lines_And_Trailing_Blanks()
        {
            // Given
            const string text = "FROM busybox\nRUN apk add \\  \n# a comment\n\n    gcc \\\n  && make\nCMD [\"sh\"]\n";

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            Assert.Equal(["FROM 1-1 busybox", "RUN 2-6 apk add     gcc   && make", "CMD 7-7 [\"sh\"]"], document.Instructions.Select(i => $"{i.Keyword} {i.Line}-{i.EndLine} {i.Arguments}"));
        }

        [Fact]
        public void Should_Read_Two_Heredocs_On_One_Line_In_Order()
        {
            // Given
            const string text = "FROM busybox\nCOPY <<A <<\"B\" /dst/\na $X\nA\nb $X\nB\nRUN echo done\n";

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            var copy = document.Instructions[1];
            Assert.Equal([new DockerfileHeredoc("A", false, true, "a $X\n", 3), new DockerfileHeredoc("B", false, false, "b $X\n", 5)], copy.Heredocs);
            Assert.Equal(6, copy.EndLine);
            Assert.Equal(("RUN", 7), (document.Instructions[2].Keyword, document.Instructions[2].Line));
        }

        [Fact]
        public void Should_Stop_Reading_Directives_When_An_Instruction_Came_First()
        {
            // Given: a directive after an instruction is a comment (BuildKit's rule).
            var document = DockerfileDocument.Parse("FROM busybox\n# escape=`\nRUN echo a \\\n b\n");

            // Then
            Assert.Equal('\\', document.Escape);
            Assert.Empty(document.Directives);
            Assert.Equal("echo a  b", document.Instructions[1].Arguments);
        }

        [Fact]
        public void Should_Read_A_Directive_When_It_Has_Blanks_And_Upper_Case()
        {
            var document = DockerfileDocument.Parse("#  Escape = `\nfrom busybox as Build\nrun echo a `\n b\n");
            Assert.Equal('`', document.Escape);
            Assert.Equal(["FROM", "RUN"], document.Instructions.Select(i => i.Keyword));
            Assert.Equal("build", document.Stages[0].Name);
            Assert.Equal("echo a  b", document.Instructions[1].Arguments);
        }

        [Fact]
        public void Should_Report_A_Problem_When_The_Escape_Directive_Is_Invalid_Or_A_Heredoc_Is_Not_Closed()
        {
            var document = DockerfileDocument.Parse("# escape=x\nFROM busybox\nRUN <<EOF\necho hi\n");
            Assert.Equal(
                ["line 1: the escape directive is 'x'; expected '\\' or '`'", "line 3: the heredoc 'EOF' is not closed (BuildKit: \"unterminated heredoc\"); expected a line 'EOF' before the end of the file"],
                document.Problems.Select(p => p.ToString()));
            Assert.Equal("echo hi\n", document.Instructions[1].Heredocs[0].Content);
        }

        [Fact]
        public void Should_Not_Read_Heredocs_When_The_Instruction_Is_In_Exec_Form_Or_Not_RUN_COPY_ADD()
        {
            var document = DockerfileDocument.Parse("FROM busybox\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\nLABEL note=\"a <<EOF b\"\nENV A=1\n");
            Assert.All(document.Instructions, i => Assert.Empty(i.Heredocs));
            Assert.Equal(["FROM", "RUN", "LABEL", "ENV"], document.Instructions.Select(i => i.Keyword));
        }

        [Fact]
        public void Should_Read_Flags_When_FROM_And_COPY_Have_Them()
        {
            var document = DockerfileDocument.Parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nCOPY --from=build --chown=1:1 --link /a /b\n");
            Assert.Equal([new KeyValuePair<string, string>("platform", "$BUILDPLATFORM")], document.Instructions[0].Flags);
            Assert.Equal(("build", "golang:1.22", "$BUILDPLATFORM"), (document.Stages[0].Name, document.Stages[0].Image, document.Stages[0].Platform));
            Assert.Equal(["from=build", "chown=1:1", "link="], document.Instructions[1].Flags.Select(f => $"{f.Key}={f.Value}"));
            Assert.Equal("build", document.Instructions[1].Flag("FROM"));
            Assert.Equal("/a /b", document.Instructions[1].Arguments);
        }
    }
}
