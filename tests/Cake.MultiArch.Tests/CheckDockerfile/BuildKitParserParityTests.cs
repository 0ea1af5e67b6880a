using System.Text.Json.Nodes;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.CheckDockerfile;

/// <summary>
/// BuildKit's own parser cases (moby/buildkit @ 73ed682, <c>frontend/dockerfile/parser/</c>: the
/// <c>testfiles</c> and their <c>result</c> dumps, <c>testfiles-negative</c>, <c>testfile-line</c>,
/// <c>parser_test.go</c>, <c>parser_heredoc_test.go</c>; <c>frontend/dockerfile/shell/wordsTest</c>),
/// gathered as data in Fixtures/Data/peers/buildkit (see its README.md), run through our parser.
/// </summary>
public sealed class BuildKitParserParityTests
{
    private const string Root = "peers/buildkit/";

    internal static JsonNode Table(string file) => JsonNode.Parse(TestPaths.ReadFixture(Root + file))!;

    private static string ReadPeer(string relative) => File.ReadAllText(TestPaths.Fixture(Root + relative));

    public static TheoryData<string> TestFiles() => [.. Table("parser-cases.json")["testfiles"]!.AsArray().Select(t => (string)t!["name"]!)];

    public static TheoryData<string> NegativeFiles() => [.. Table("parser-cases.json")["negative"]!.AsArray().Select(t => (string)t!["name"]!)];

    public static TheoryData<int> HeredocInstructions() => [.. Table("heredoc-cases.json")["document"]!["instructions"]!.AsArray().Select(t => (int)t!["index"]!)];

    public static TheoryData<int> HeredocTokens() => [.. Enumerable.Range(0, Table("heredoc-cases.json")["heredocToken"]!["cases"]!.AsArray().Count)];

    public static TheoryData<int> HeredocLines() => [.. Enumerable.Range(0, Table("heredoc-cases.json")["heredocsFromLine"]!["cases"]!.AsArray().Count)];

    public static TheoryData<int> ParseWords() => [.. Enumerable.Range(0, Table("parser-cases.json")["words"]!["cases"]!.AsArray().Count)];

    public static TheoryData<int> ShellWords() => [.. Table("shell-words.json")["cases"]!.AsArray().Select(c => (int)c!["line"]!)];

    public sealed class TheTestFiles
    {
        [Theory]
        [MemberData(nameof(TestFiles), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Print_The_Dump_BuildKit_Expects_When_Parsing_Its_Test_File(string name)
        {
            // Given
            var text = ReadPeer($"testfiles/{name}/Dockerfile");
            var expected = ReadPeer($"testfiles/{name}/result");

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            Assert.Equal(expected, BuildKitDump.Dump(document));
            Assert.Empty(document.Problems);
        }

        [Theory]
        [MemberData(nameof(NegativeFiles), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Report_A_Problem_When_BuildKit_Refuses_Its_Negative_File(string name)
        {
            // Given
            var text = ReadPeer($"testfiles-negative/{name}/Dockerfile");
            var reason = (string)Table("parser-cases.json")["negative"]!.AsArray().Single(n => (string)n!["name"]! == name)!["reasonFromParserSource"]!;

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            var problem = Assert.Single(document.Problems);
            Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Give_The_Lines_BuildKit_Gives_When_Parsing_Its_Line_Number_File()
        {
            // Given
            var table = Table("parser-cases.json")["lineNumbers"]!;
            var text = ReadPeer((string)table["dockerfile"]!);

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            Assert.Equal(
                table["instructions"]!.AsArray().Select(i => $"{(int)i!["startLine"]!}-{(int)i["endLine"]!}"),
                document.Instructions.Select(i => $"{i.Line}-{i.EndLine}"));
        }

        [Fact]
        public void Should_Report_The_Line_When_A_Line_Is_Longer_Than_BuildKit_Reads()
        {
            // Given
            var table = Table("parser-cases.json")["longLine"]!;
            var fill = new string(((string)table["fill"]!["char"]!)[0], (int)table["fill"]!["count"]!);
            var text = ((string)table["textTemplate"]!).Replace((string)table["placeholder"]!, fill, StringComparison.Ordinal);

            // When
            var document = DockerfileDocument.Parse(text);

            // Then
            var problem = Assert.Single(document.Problems);
            Assert.Equal(3, problem.Line);
            Assert.Contains((string)table["error"]!, problem.Reason, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(ParseWords), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Split_Words_As_BuildKits_Parser_Does(int row)
        {
            // Given
            var test = Table("parser-cases.json")["words"]!["cases"]![row]!;

            // When
            var words = DockerfileNodes.Words((string)test["input"]!, '\\');

            // Then
            Assert.Equal(test["words"]!.AsArray().Select(w => (string)w!), words);
        }
    }

    public sealed class TheHeredocs
    {
        [Theory]
        [MemberData(nameof(HeredocInstructions), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Read_The_Heredocs_BuildKit_Reads_When_Parsing_Its_Heredoc_Document(int index)
        {
            // Given
            var table = Table("heredoc-cases.json")["document"]!;
            var expected = table["instructions"]!.AsArray().Single(i => (int)i!["index"]! == index)!;

            // When
            var document = DockerfileDocument.Parse((string)table["text"]!);

            // Then
            Assert.Equal((int)table["instructionCount"]!, document.Instructions.Count);
            var instruction = document.Instructions[index];
            Assert.Equal((int)expected["line"]!, instruction.Line);
            Assert.Equal(Heredocs(expected["heredocs"]), instruction.Heredocs.Select(Describe));
        }

        [Fact]
        public void Should_Read_No_Heredoc_When_The_Instruction_Is_In_JSON_Form()
        {
            var table = Table("heredoc-cases.json")["jsonFormNoHeredoc"]!;
            var document = DockerfileDocument.Parse((string)table["text"]!);
            Assert.All(table["instructionsWithoutHeredocs"]!.AsArray().Select(i => (int)i!), i => Assert.Empty(document.Instructions[i].Heredocs));
        }

        [Fact]
        public void Should_Remove_Leading_Tabs_When_The_Heredoc_Is_Chomped()
        {
            var table = Table("heredoc-cases.json")["chomp"]!;
            var heredoc = new DockerfileHeredoc("EOF", true, true, (string)table["input"]!, 1);
            Assert.Equal((string)table["output"]!, heredoc.Text);
        }

        [Theory]
        [MemberData(nameof(HeredocTokens), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Read_A_Heredoc_Word_As_BuildKit_Does(int row)
        {
            // Given
            var test = Table("heredoc-cases.json")["heredocToken"]!["cases"]![row]!;
            var word = (string)test["word"]!;

            // When
            string outcome;
            try
            {
                outcome = DockerfileHeredocs.Parse(word) is { } heredoc ? "name " + heredoc.Name : "notHeredoc";
            }
            catch (FormatException)
            {
                outcome = "error";
            }

            // Then
            Assert.Equal((string)test["expect"]! == "name" ? "name " + (string)test["name"]! : (string)test["expect"]!, outcome);
        }

        [Theory]
        [MemberData(nameof(HeredocLines), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Find_The_Heredoc_Names_BuildKit_Finds_On_A_Line(int row)
        {
            // Given: BuildKit's test compares the names it finds with the first expected ones, in order.
            var test = Table("heredoc-cases.json")["heredocsFromLine"]!["cases"]![row]!;
            var expected = test["names"]!.AsArray().Select(n => (string)n!).ToArray();

            // When
            var names = DockerfileHeredocs.FromLine((string)test["line"]!).Select(h => h.Name).ToArray();

            // Then: "RUN <<- EOF" finds none on both sides (the lexer reads "<<-" as a word of its own).
            Assert.InRange(names.Length, expected.Length == 1 && ((string)test["line"]!).Contains("<<- ", StringComparison.Ordinal) ? 0 : expected.Length, expected.Length);
            Assert.Equal(expected.Take(names.Length), names);
        }

        [Fact]
        public void Should_Read_The_Heredoc_When_ONBUILD_Runs_One()
        {
            // Given
            var table = Table("heredoc-cases.json")["onbuild"]!;

            // When
            var document = DockerfileDocument.Parse((string)table["text"]!);

            // Then
            Assert.Equal((int)table["instructionCount"]!, document.Instructions.Count);
            Assert.Equal(Heredocs(table["heredocs"]), document.Instructions[1].Heredocs.Select(Describe));
            Assert.Empty(document.Problems);
        }

        private static IEnumerable<string> Heredocs(JsonNode? heredocs) =>
            heredocs is null ? [] : heredocs.AsArray().Select(h => $"{(string)h!["name"]!}|{(string)h["content"]!}|{(bool)h["expand"]!}|{(bool)h["chomp"]!}|{(int)h["fileDescriptor"]!}");

        private static string Describe(DockerfileHeredoc h) => $"{h.Name}|{h.Content}|{h.Expand}|{h.StripTabs}|{h.FileDescriptor}";
    }

    public sealed class TheShellWords
    {
        [Theory]
        [MemberData(nameof(ShellWords), MemberType = typeof(BuildKitParserParityTests))]
        public void Should_Split_And_Expand_Words_As_BuildKits_Shell_Lexer_Does(int line)
        {
            // Given
            var test = Table("shell-words.json")["cases"]!.AsArray().Single(c => (int)c!["line"]! == line)!;
            var env = test["env"]!.AsArray().Select(e => ((string)e!).Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

            // When
            string outcome;
            try
            {
                outcome = string.Join("|", DockerfileLexer.Words((string)test["input"]!, '\\', n => env.GetValueOrDefault(n)));
            }
            catch (FormatException)
            {
                outcome = "error";
            }

            // Then
            Assert.Equal(test["error"] is not null ? "error" : string.Join("|", test["words"]!.AsArray().Select(w => (string)w!)), outcome);
        }
    }
}
