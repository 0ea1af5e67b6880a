using Cake.MultiArch.Build;

namespace Cake.MultiArch.Tests.Build;

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
}
