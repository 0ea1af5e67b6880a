using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Tests.CheckDockerfile;

public sealed class DockerfileAnalysisTests
{
    private static CheckDockerfileSettings Settings(params string[] platforms)
    {
        var settings = new CheckDockerfileSettings { BuildPlatform = Platform.Parse("linux/amd64"), CheckBaseImages = false };
        foreach (var platform in platforms)
        {
            settings.Platforms.Add(platform);
        }

        return settings;
    }

    private static List<DockerfileFinding> Find(string text, CheckDockerfileSettings settings) =>
        new DockerfileAnalysis(DockerfileDocument.Parse(text), "Dockerfile", settings).Findings();

    public sealed class TheFindingsMethod
    {
        [Theory]
        [InlineData("platform-arg-not-declared.positive.Dockerfile", "PlatformArgNotDeclared:2,PlatformArgNotDeclared:3")]
        [InlineData("platform-arg-not-declared.negative.Dockerfile", "")]
        [InlineData("platform-arg-default.positive.Dockerfile", "PlatformArgDefault:1,PlatformArgDefault:3")]
        [InlineData("platform-arg-default.negative.Dockerfile", "")]
        [InlineData("target-platform-in-build-stage.positive.Dockerfile", "RedundantTargetPlatform:1,TargetPlatformInBuildStage:1")]
        [InlineData("target-platform-in-build-stage.negative.Dockerfile", "RedundantTargetPlatform:4,RedundantTargetPlatform:6")] // BuildKit flags $TARGETPLATFORM as redundant too
        [InlineData("emulated-compile.positive.Dockerfile", "EmulatedCompile:4")]
        [InlineData("emulated-compile.negative.Dockerfile", "")]
        [InlineData("dotnet-heredoc-backtick.Dockerfile", "")]
        [InlineData("go-heredoc-forgotten-arg.Dockerfile", "PlatformArgNotDeclared:5")]
        [InlineData("c-cross-stage.Dockerfile", "EmulatedCompile:3")]
        [InlineData("ten-stages-five-images.Dockerfile", "")]
        public void Should_Find_Exactly_The_Rules_The_Corpus_File_Shows_When_Building_For_Amd64_And_Arm64(string file, string expected)
        {
            // Given
            var text = DockerfileDocumentTests.Corpus(file);

            // When
            var findings = Find(text, Settings("linux/amd64", "linux/arm64"));

            // Then
            Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), findings.Select(f => $"{f.RuleId}:{f.Line}"));
        }

        [Fact]
        public void Should_Not_Report_An_Emulated_Compile_When_Every_Platform_Is_Native()
        {
            var findings = Find(DockerfileDocumentTests.Corpus("emulated-compile.positive.Dockerfile"), Settings("linux/amd64", "linux/386"));
            Assert.Empty(findings);
        }

        [Fact]
        public void Should_Name_The_Go_Cross_Compile_When_A_Build_Stage_Runs_Go_Build_Emulated()
        {
            // When
            var finding = Assert.Single(Find(DockerfileDocumentTests.Corpus("emulated-compile.positive.Dockerfile"), Settings("linux/amd64", "linux/arm64")));

            // Then
            Assert.Equal(
                new DockerfileFinding(
                    "EmulatedCompile",
                    FindingSeverity.Warning,
                    "Dockerfile",
                    4,
                    "RUN go build in stage 'build' (line 1) compiles under QEMU emulation for linux/arm64 (the build platform is linux/amd64), often 5 to 20 times slower, yet the stage's output only reaches the image through line 6 (COPY --from=build), so it could run natively.",
                    "Start the stage 'FROM --platform=$BUILDPLATFORM …', declare 'ARG TARGETOS TARGETARCH' and build with 'GOOS=$TARGETOS GOARCH=$TARGETARCH go build …' (Go cross-compiles by itself)."),
                finding);
        }

        [Theory]
        [InlineData("RUN dotnet publish -c Release -o /app", "dotnet publish", "Start the stage 'FROM --platform=$BUILDPLATFORM …', declare 'ARG TARGETARCH' and run 'dotnet publish -a $TARGETARCH …' (the .NET SDK cross-compiles; '-a' takes amd64 and arm64).")]
        [InlineData("RUN apk add build-base && gcc -o /out/app main.c", "gcc", "Start the stage 'FROM --platform=$BUILDPLATFORM …', install a cross compiler for $TARGETARCH (such as gcc-aarch64-linux-gnu, or tonistiigi/xx's xx-clang) and build with CC/CXX set to it.")]
        [InlineData("RUN cargo build --release", "cargo build", "Start the stage 'FROM --platform=$BUILDPLATFORM …', add the target with 'rustup target add' and a linker for it, and run 'cargo build --target <the Rust triple for $TARGETARCH>' (tonistiigi/xx's xx-cargo maps it).")]
        [InlineData("RUN ./gradlew bootJar", "./gradlew", "Start the stage 'FROM --platform=$BUILDPLATFORM …': what './gradlew' makes does not depend on the platform, so build it once natively and copy the result into the target stage.")]
        [InlineData("RUN [\"mvn\", \"-B\", \"package\"]", "mvn", "Start the stage 'FROM --platform=$BUILDPLATFORM …': what 'mvn' makes does not depend on the platform, so build it once natively and copy the result into the target stage.")]
        [InlineData("RUN npm ci; npm run build", "npm run build", "Start the stage 'FROM --platform=$BUILDPLATFORM …': what 'npm run build' makes does not depend on the platform, so build it once natively and copy the result into the target stage.")]
        [InlineData("RUN <<EOF\nset -e\nCGO_ENABLED=0 make all\nEOF", "make", "Start the stage 'FROM --platform=$BUILDPLATFORM …', install a cross compiler for $TARGETARCH (such as gcc-aarch64-linux-gnu, or tonistiigi/xx's xx-clang) and build with CC/CXX set to it.")]
        public void Should_Give_The_Tools_Cross_Compile_Hint_When_A_Build_Stage_Compiles_Emulated(string run, string tool, string fix)
        {
            // Given
            var text = $"FROM alpine AS build\n{run}\nFROM alpine\nCOPY --from=build /out /out\n";

            // When
            var finding = Assert.Single(Find(text, Settings("linux/amd64", "linux/arm64")));

            // Then
            Assert.Equal(("EmulatedCompile", 2, fix), (finding.RuleId, finding.Line, finding.Fix));
            Assert.StartsWith($"RUN {tool} in stage 'build' (line 1) compiles under QEMU emulation for linux/arm64", finding.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("RUN echo make sense")]
        [InlineData("RUN apk add make gcc")]
        [InlineData("RUN go version && dotnet --info")]
        public void Should_Not_Report_A_Compile_When_The_Tool_Is_Only_Mentioned(string run)
        {
            Assert.Empty(Find($"FROM alpine AS build\n{run}\nFROM alpine\nCOPY --from=build /out /out\n", Settings("linux/amd64", "linux/arm64")));
        }

        [Fact]
        public void Should_Say_How_To_Run_Natively_When_A_Build_Stage_Starts_From_TargetPlatform()
        {
            var finding = Assert.Single(Find(DockerfileDocumentTests.Corpus("target-platform-in-build-stage.positive.Dockerfile"), Settings("linux/amd64", "linux/arm64")), f => f.RuleId != "RedundantTargetPlatform");
            Assert.Equal(
                new DockerfileFinding(
                    "TargetPlatformInBuildStage",
                    FindingSeverity.Warning,
                    "Dockerfile",
                    1,
                    "FROM --platform=$TARGETPLATFORM runs stage 'build' (line 1) for each target platform, its RUN steps emulated under QEMU for the foreign ones, but its output only reaches the image through line 5 (COPY --from=build).",
                    "Start it 'FROM --platform=$BUILDPLATFORM …' so it runs natively, and cross-compile for $TARGETARCH (declare 'ARG TARGETARCH' in the stage)."),
                finding);
        }

        [Fact]
        public void Should_Check_The_Stage_The_Target_Names_When_Target_Is_Set()
        {
            // Given: with --target tools, the tools stage is the image and its make runs for each platform by design.
            var settings = Settings("linux/amd64", "linux/arm64");
            settings.Target = "TOOLS";

            // When
            var findings = Find("FROM alpine AS build\nRUN make\nFROM alpine AS tools\nCOPY --from=build /out /out\nRUN make tools\nFROM alpine\nRUN go build\n", settings);

            // Then: build is a build stage of tools; the last stage is not built.
            Assert.Equal(["EmulatedCompile:2"], findings.Select(f => $"{f.RuleId}:{f.Line}"));
        }
    }

    public sealed class TheBaseImageNeedsMethod
    {
        [Fact]
        public void Should_Need_Only_The_Build_Platform_When_A_Stage_Starts_From_BuildPlatform()
        {
            // Given
            var analysis = new DockerfileAnalysis(DockerfileDocument.Parse(DockerfileDocumentTests.Corpus("dotnet-heredoc-backtick.Dockerfile")), "Dockerfile", Settings("linux/amd64", "linux/arm64"));
            var unresolved = new List<DockerfileFinding>();

            // When
            var needs = analysis.BaseImageNeeds(unresolved);

            // Then
            Assert.Equal(
                [
                    "127.0.0.1:5000/testbed/busybox:1 linux/amd64 7",
                    "127.0.0.1:5000/testbed/busybox:1 linux/amd64 7",
                    "127.0.0.1:5000/preflight-test/busybox-amd64:1 linux/amd64 22",
                    "127.0.0.1:5000/preflight-test/busybox-amd64:1 linux/arm64 22",
                ],
                needs.Select(n => $"{n.Image} {n.Platform} {n.Line}"));
            Assert.Empty(unresolved);
        }

        [Fact]
        public void Should_Apply_Build_Args_And_Skip_Scratch_Stages_And_Named_Contexts()
        {
            // Given
            var settings = Settings("linux/arm64");
            settings.BuildArgs["BASE"] = "registry.example.com/base:2";
            settings.BuildContexts["tools"] = "docker-image://registry.example.com/tools:1";
            settings.BuildContexts["src"] = "./src";
            const string text = "ARG BASE=alpine:3\nARG TAG=1\nFROM ${BASE} AS base\nFROM base AS build\nCOPY --from=tools /t /t\nCOPY --from=src /s /s\nCOPY --from=0 /b /b\nFROM scratch\nCOPY --from=build /b /b\nCOPY --from=registry.example.com/extra:${TAG} /e /e\n";
            var unresolved = new List<DockerfileFinding>();

            // When
            var needs = new DockerfileAnalysis(DockerfileDocument.Parse(text), "Dockerfile", settings).BaseImageNeeds(unresolved);

            // Then
            Assert.Equal(
                ["registry.example.com/base:2 linux/arm64 3", "registry.example.com/tools:1 linux/arm64 5", "registry.example.com/extra:1 linux/arm64 10"],
                needs.Select(n => $"{n.Image} {n.Platform} {n.Line}"));
        }

        [Fact]
        public void Should_Report_Unknown_When_A_Reference_Does_Not_Resolve()
        {
            var unresolved = new List<DockerfileFinding>();
            var needs = new DockerfileAnalysis(DockerfileDocument.Parse("ARG BASE\nFROM ${BASE}\n"), "Dockerfile", Settings("linux/amd64")).BaseImageNeeds(unresolved);
            Assert.Empty(needs);
            var finding = Assert.Single(unresolved);
            Assert.Equal(
                new DockerfileFinding("BaseImageUnknown", FindingSeverity.Info, "Dockerfile", 2, "FROM in the stage that starts at line 2 names '${BASE}', which expands to '': An image reference is empty. Its platforms were not checked.", "Pass the build argument it needs (BuildArgs), or give the global ARG a default."),
                finding);
        }
    }
}
