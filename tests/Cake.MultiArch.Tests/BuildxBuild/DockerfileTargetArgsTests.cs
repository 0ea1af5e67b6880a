using Cake.MultiArch.BuildxBuild;

namespace Cake.MultiArch.Tests.BuildxBuild;

public sealed class DockerfileTargetArgsTests
{
    [Fact]
    public void Should_Find_Nothing_When_The_Stage_Declares_The_Arg()
    {
        const string dockerfile = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=${TARGETARCH} go build -o /out/app .\nFROM busybox\nCOPY --from=build /out/app /app\n";
        Assert.Empty(DockerfileTargetArgs.Find(dockerfile));
    }

    [Fact]
    public void Should_Find_A_Use_In_A_Stage_That_Did_Not_Declare_It()
    {
        const string dockerfile = "ARG TARGETARCH\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN GOARCH=${TARGETARCH:-amd64} go build \\\n    -o /out/app .\nRUN echo $TARGETARCH\n";
        var finding = Assert.Single(DockerfileTargetArgs.Find(dockerfile));
        Assert.Equal("line 3: RUN uses $TARGETARCH in stage 'build' (line 2), which does not declare 'ARG TARGETARCH'. BuildKit passes TARGETARCH only to FROM lines, so here it expands to an empty string and every platform can get the same binaries. Add 'ARG TARGETARCH' after that stage's FROM.", finding);
    }

    [Fact]
    public void Should_Count_An_Arg_Only_From_Where_It_Is_Declared_And_Only_In_Its_Stage()
    {
        const string dockerfile = "FROM busybox AS a\nRUN echo $TARGETPLATFORM\nARG TARGETPLATFORM\nRUN echo $TARGETPLATFORM\nFROM busybox\n# a comment with $TARGETOS\nENV OS=$TARGETOS\nRUN echo \\$TARGETVARIANT $HOME\n";
        var findings = DockerfileTargetArgs.Find(dockerfile);
        Assert.Equal(2, findings.Count);
        Assert.StartsWith("line 2: RUN uses $TARGETPLATFORM in stage 'a' (line 1)", findings[0], StringComparison.Ordinal);
        Assert.StartsWith("line 7: ENV uses $TARGETOS in the stage that starts at line 5,", findings[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TARGETPLATFORM", "linux/amd64")]
    [InlineData("TARGETOS", "linux")]
    [InlineData("TARGETARCH", "amd64")]
    [InlineData("TARGETVARIANT", "v7")]
    [InlineData("BUILDPLATFORM", "linux/amd64")]
    [InlineData("BUILDOS", "linux")]
    [InlineData("BUILDARCH", "amd64")]
    [InlineData("BUILDVARIANT", "v8")]
    public void Should_Warn_When_A_Stage_Gives_An_Automatic_Arg_A_Default(string name, string value)
    {
        // Given
        var dockerfile = $"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG {name}={value}\nRUN echo ${name}\n";

        // When
        var finding = Assert.Single(DockerfileTargetArgs.Find(dockerfile));

        // Then
        Assert.Equal($"line 2: ARG {name}={value} in stage 'build' (line 1) gives BuildKit's automatic argument {name} a default value. The default replaces the value BuildKit sets for each platform, so every platform gets '{value}' and its binaries. Declare it without a value: 'ARG {name}'.", finding);
    }

    [Fact]
    public void Should_Warn_When_The_Global_Scope_Gives_An_Automatic_Arg_A_Default()
    {
        // Given: a global default reaches FROM lines and every stage that declares the argument.
        const string dockerfile = "ARG TARGETARCH=amd64\nFROM busybox\nARG TARGETARCH\nRUN echo $TARGETARCH\n";

        // When
        var finding = Assert.Single(DockerfileTargetArgs.Find(dockerfile));

        // Then
        Assert.Equal("line 1: ARG TARGETARCH=amd64 before the first FROM (the global scope) gives BuildKit's automatic argument TARGETARCH a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'amd64' and its binaries. Declare it without a value: 'ARG TARGETARCH'.", finding);
    }

    [Fact]
    public void Should_Warn_For_Each_Default_When_One_Arg_Line_Declares_Several()
    {
        // Given
        const string dockerfile = "FROM busybox\nARG VERSION=1 TARGETOS=\"linux\" TARGETARCH=arm64 TARGETVARIANT\nRUN echo $TARGETOS $TARGETARCH $TARGETVARIANT\n";

        // When
        var findings = DockerfileTargetArgs.Find(dockerfile);

        // Then
        Assert.Equal(
            [
                "line 2: ARG TARGETOS=\"linux\" in the stage that starts at line 1 gives BuildKit's automatic argument TARGETOS a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'linux' and its binaries. Declare it without a value: 'ARG TARGETOS'.",
                "line 2: ARG TARGETARCH=arm64 in the stage that starts at line 1 gives BuildKit's automatic argument TARGETARCH a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'arm64' and its binaries. Declare it without a value: 'ARG TARGETARCH'.",
            ],
            findings);
    }

    [Fact]
    public void Should_Not_Warn_When_An_Ordinary_Arg_Has_A_Default()
    {
        const string dockerfile = "ARG VERSION=1.0\nFROM busybox\nARG TARGETARCH\nARG ARCH=amd64\nRUN echo $TARGETARCH $ARCH\n";
        Assert.Empty(DockerfileTargetArgs.Find(dockerfile));
    }
}
