using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.VerifyManifest.Deep;

/// <summary>The deep checks over synthetic layers holding the host's real binaries (amd64).</summary>
public sealed class DeepInspectorTests
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly byte[] Shell = File.ReadAllBytes("/bin/sh");
    private static readonly byte[] StaticBusybox = File.ReadAllBytes("/bin/busybox");

    private static void RequireAmd64Host() =>
        Assert.SkipUnless(Platform.Host == Amd64, "these cases read the host's amd64 /bin/sh and libc");

    // A glibc base: the loader, libc, and /bin/sh (dash, dynamic).
    private static TarLayer GlibcBase() => new TarLayer()
        .Dir("bin/").Dir("lib/").Dir("lib64/").Dir("lib/x86_64-linux-gnu/")
        .File("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", File.ReadAllBytes("/lib64/ld-linux-x86-64.so.2"))
        .Symlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        .File("lib/x86_64-linux-gnu/libc.so.6", File.ReadAllBytes("/lib/x86_64-linux-gnu/libc.so.6"), TarLayer.Data)
        .File("bin/dash", Shell)
        .Symlink("bin/sh", "dash");

    private static string Config(string entrypoint = "null", string cmd = "null", string env = "[\"PATH=/usr/local/bin:/usr/bin:/bin\"]", string workingDir = "\"\"") =>
        $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Entrypoint\":{entrypoint},\"Cmd\":{cmd},\"Env\":{env},\"WorkingDir\":{workingDir}}}}}";

    public sealed class TheRunMethod
    {
        [Fact]
        public async Task Should_Resolve_A_Symlinked_Entry_Point_Through_Path_And_Pass_When_Its_Loader_And_Libraries_Are_There()
        {
            RequireAmd64Host();

            // Given: /usr/bin/app -> /opt/app/app, found through PATH.
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().File("opt/app/app", Shell).Symlink("usr/bin/app", "/opt/app/app"));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"app\"]", cmd: "[\"--serve\"]"));

            // Then
            Assert.Empty(result.Findings);
            Assert.Equal("[\"app\", \"--serve\"] → /opt/app/app (ELF amd64, dynamic; /lib64/ld-linux-x86-64.so.2)", result.Entrypoint!.ToString());
            Assert.Equal(["/usr/bin/app -> /opt/app/app"], result.Entrypoint.Links);
            Assert.Equal(4, result.ElfFiles);
        }

        [Fact]
        public async Task Should_Name_The_Layer_That_Deleted_The_Entry_Point()
        {
            RequireAmd64Host();

            // Given: layer 1 adds /app/server, layer 2 deletes it.
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().File("app/server", Shell), new TarLayer().Whiteout("app/.wh.server"));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app/server\"]"));

            // Then
            var finding = Assert.Single(result.Findings);
            Assert.Equal(
                "Entrypoint: the entry point '/app/server' was deleted by layer sha256:333333333333 (/app/server). Fix: COPY it into the final stage (a multi-stage build copies only what the last stage names), fix Entrypoint/Cmd, or stop a later layer from deleting it",
                finding.ToString());
            Assert.Equal("[\"/app/server\"] → not found", result.Entrypoint!.ToString());
        }

        [Fact]
        public async Task Should_Report_A_Script_Whose_Interpreter_Is_Missing()
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().Text("usr/local/bin/start.sh", "#!/bin/bash -e\nexec /app/server\n"));

            var result = TarLayer.Inspect(tree, Amd64, Config(cmd: "[\"start.sh\"]"));

            var finding = Assert.Single(result.Findings);
            Assert.Equal(DeepCheck.Entrypoint, finding.Check);
            Assert.Equal("/usr/local/bin/start.sh", finding.File);
            Assert.Equal(TarLayer.Digest(1), finding.LayerDigest);
            Assert.Equal("the entry point /usr/local/bin/start.sh is a script for '/bin/bash', which does not exist", finding.Message);
            Assert.Equal("install bash in the final stage, or change the script's #! line to an interpreter the image has", finding.Fix);
            Assert.Equal("[\"start.sh\"] → /usr/local/bin/start.sh (script; /bin/bash -e)", result.Entrypoint!.ToString());
        }

        [Theory]
        [InlineData("#!/bin/sh\r\nexec /app/server\r\n", "the kernel looks for an interpreter named '/bin/sh\\r' ('exec /app/start.sh: no such file or directory')", "script; /bin/sh\\r")]
        [InlineData("#!/bin/sh\r\n", "the kernel looks for an interpreter named '/bin/sh\\r' ('exec /app/start.sh: no such file or directory')", "script; /bin/sh\\r")]
        [InlineData("#! /bin/dash\r\necho hi\r\n", "the kernel looks for an interpreter named '/bin/dash\\r' ('exec /app/start.sh: no such file or directory')", "script; /bin/dash\\r")]
        [InlineData("#!/bin/sh -e\r\n", "/bin/sh is given a stray '\\r' as its last argument", "script; /bin/sh -e\\r")]
        [InlineData("#!/bin/sh \t\r\n", "/bin/sh is given a stray '\\r' as its last argument", "script; /bin/sh \t\\r")]
        public async Task Should_Report_A_Script_With_Windows_Line_Endings_And_The_Fix(string script, string effect, string kind)
        {
            RequireAmd64Host();

            // Given: /app/start.sh checked out with CRLF line endings; /bin/sh is in the image
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().Text("app/start.sh", script));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app/start.sh\"]"));

            // Then
            var finding = Assert.Single(result.Findings);
            Assert.Equal(DeepCheck.Entrypoint, finding.Check);
            Assert.Equal(TarLayer.Digest(1), finding.LayerDigest);
            Assert.Equal($"the entry point /app/start.sh is a script whose #! line ends in a carriage return: the file has Windows line endings (CRLF), and {effect}", finding.Message);
            Assert.Equal("give the script Unix line endings (LF): add '*.sh text eol=lf' to .gitattributes and run 'git add --renormalize .', or convert it in the Dockerfile (RUN dos2unix /app/start.sh, or sed -i 's/\\r$//' /app/start.sh)", finding.Fix);
            Assert.Equal($"[\"/app/start.sh\"] → /app/start.sh ({kind})", result.Entrypoint!.ToString());
        }

        [Fact]
        public async Task Should_Report_An_Env_Script_With_Windows_Line_Endings()
        {
            RequireAmd64Host();

            // Given: #!/usr/bin/env sh with CRLF; env and sh are in the image
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().File("usr/bin/env", Shell).Text("app/start.sh", "#!/usr/bin/env sh\r\nexec true\r\n"));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app/start.sh\"]"));

            // Then
            Assert.Equal(
                "Entrypoint: the entry point /app/start.sh is a script whose #! line ends in a carriage return: the file has Windows line endings (CRLF), and /usr/bin/env looks for a program named 'sh\\r' (no such file or directory) (layer sha256:222222222222). Fix: give the script Unix line endings (LF): add '*.sh text eol=lf' to .gitattributes and run 'git add --renormalize .', or convert it in the Dockerfile (RUN dos2unix /app/start.sh, or sed -i 's/\\r$//' /app/start.sh)",
                Assert.Single(result.Findings).ToString());
        }

        [Fact]
        public async Task Should_Pass_The_Same_Script_With_Unix_Line_Endings()
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().Text("app/start.sh", "#!/bin/sh\nexec /bin/sh\n"));

            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app/start.sh\"]"));

            Assert.Empty(result.Findings);
            Assert.Equal("[\"/app/start.sh\"] → /app/start.sh (script; /bin/sh)", result.Entrypoint!.ToString());
        }

        [Fact]
        public async Task Should_Report_An_Entry_Point_Name_Ending_In_A_Carriage_Return()
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().Text("app/start.sh", "#!/bin/sh\n"));

            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app/start.sh\\r\"]"));

            Assert.Equal(
                "Entrypoint: the entry point '/app/start.sh\\r' ends in a carriage return: the Dockerfile or the file its ENTRYPOINT/CMD came from has Windows line endings (CRLF), and the runtime looks for a program named with the \\r. Fix: give the file Unix line endings (LF): add 'Dockerfile text eol=lf' (and '*.sh text eol=lf') to .gitattributes and run 'git add --renormalize .', or write the command in JSON form without the carriage return",
                Assert.Single(result.Findings).ToString());
        }

        [Fact]
        public async Task Should_Report_An_Entry_Point_That_Is_Not_Executable()
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().File("app/server", Shell, TarLayer.Data));

            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"./server\"]", workingDir: "\"/app\""));

            Assert.Equal(
                "Entrypoint: the entry point /app/server is not executable (mode 0644) (layer sha256:222222222222). Fix: make it executable in the build (COPY --chmod=755 …, or RUN chmod +x /app/server)",
                Assert.Single(result.Findings).ToString());
        }

        [Theory]
        [InlineData("[\"/app\"]", "Entrypoint: the entry point /app is a directory (layer sha256:222222222222). Fix: point Entrypoint/Cmd at the program inside it")]
        [InlineData("[\"/data.bin\"]", "Entrypoint: the entry point /data.bin is neither an ELF binary nor a #! script (the runtime says 'exec format error') (layer sha256:222222222222). Fix: point Entrypoint/Cmd at a program, or add a #! line to the script")]
        [InlineData("[\"/bin/run\"]", "Entrypoint: the entry point '/bin/run' does not resolve (/bin/run -> ../opt/run): /opt does not exist. Fix: COPY it into the final stage (a multi-stage build copies only what the last stage names), fix Entrypoint/Cmd, or stop a later layer from deleting it")]
        public async Task Should_Report_An_Entry_Point_That_Cannot_Be_Run(string entrypoint, string expected)
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().Dir("app/").Text("data.bin", "just data, marked executable").Symlink("bin/run", "../opt/run"));

            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: entrypoint));

            Assert.Equal(expected, Assert.Single(result.Findings).ToString());
        }

        [Fact]
        public async Task Should_Follow_The_Shell_Form_To_The_Commands_Program()
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(GlibcBase());

            var result = TarLayer.Inspect(tree, Amd64, Config(cmd: "[\"/bin/sh\", \"-c\", \"LOG=1 exec myserver --port 80\"]"));

            Assert.Equal(
                "Entrypoint: the shell command's program 'myserver' is in no PATH directory (/usr/local/bin:/usr/bin:/bin). Fix: COPY it into the final stage (a multi-stage build copies only what the last stage names), fix Entrypoint/Cmd, or stop a later layer from deleting it",
                Assert.Single(result.Findings).ToString());
            Assert.Equal("/bin/dash", result.Entrypoint!.Program);
        }

        [Fact]
        public async Task Should_Name_A_Glibc_Binary_On_A_Musl_Base()
        {
            RequireAmd64Host();

            // Given: a musl base (its loader only) and a glibc-linked entry point.
            var musl = new TarLayer().Dir("lib/").File("lib/ld-musl-x86_64.so.1", StaticBusybox).Symlink("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1");
            var tree = await TarLayer.MergeAsync(musl, new TarLayer().File("app", Shell));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app\"]"));

            // Then: the loader, named as a glibc/musl mismatch; libc.so.6 as a warning.
            Assert.Equal(
                [
                    "Interpreter: /app needs the loader /lib64/ld-linux-x86-64.so.2, which is not in the image (a glibc binary on a musl base) (layer sha256:222222222222). Fix: use a musl build on an Alpine base, or a glibc base (such as debian:bookworm-slim) for this binary",
                    "NeededLibraries: libc.so.6 is needed by /app but is in none of the library paths (/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib:/usr/lib:/lib64:/usr/lib64:/usr/local/lib:/lib32:/usr/lib32) (layer sha256:222222222222). Fix: install the package that ships libc.so.6 in the final stage, or link it statically",
                ],
                result.Findings.Select(f => f.ToString()));
            Assert.Equal([DeepFindingSeverity.Error, DeepFindingSeverity.Warning], result.Findings.Select(f => f.Severity));
        }

        [Fact]
        public async Task Should_Name_A_Loader_Built_For_Another_Architecture()
        {
            RequireAmd64Host();
            if (!File.Exists(Fixtures.TestBed.Arm64Busybox))
            {
                Fixtures.TestPaths.SkipOrFail($"no arm64 busybox at {Fixtures.TestBed.Arm64Busybox} (tests/testbed/setup.sh fetches it)");
            }

            // Given: an amd64 program whose loader path holds an arm64 file (copied from the wrong stage).
            var tree = await TarLayer.MergeAsync(new TarLayer().File("lib64/ld-linux-x86-64.so.2", File.ReadAllBytes(Fixtures.TestBed.Arm64Busybox)).File("app", Shell));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app\"]"), s => s.DisabledDeepChecks.Add(DeepCheck.NeededLibraries));

            // Then: ElfMachine names the file, Interpreter names the consequence.
            Assert.Equal(
                [
                    "ElfMachine: /lib64/ld-linux-x86-64.so.2 is built for arm64, not amd64 (layer sha256:111111111111). Fix: build this stage FROM --platform=$BUILDPLATFORM and cross-compile with GOARCH=$TARGETARCH (declare ARG TARGETARCH in the stage), or copy the file from a stage built for the target platform",
                    "Interpreter: /app needs the loader /lib64/ld-linux-x86-64.so.2, which is /lib64/ld-linux-x86-64.so.2, built for arm64, not amd64 (layer sha256:111111111111). Fix: take the loader and the C library from a base image for the target platform (FROM --platform=$TARGETPLATFORM), not from the build machine",
                ],
                result.Findings.Select(f => f.ToString()));
        }

        [Fact]
        public async Task Should_Name_A_Musl_Binary_On_A_Glibc_Base()
        {
            RequireAmd64Host();

            // Given: /bin/sh with its PT_INTERP string rewritten to musl's loader (same length, NUL-padded).
            var musl = (byte[])Shell.Clone();
            var glibcLoader = System.Text.Encoding.ASCII.GetBytes("/lib64/ld-linux-x86-64.so.2");
            var at = musl.AsSpan().IndexOf(glibcLoader);
            Assert.True(at > 0);
            var muslLoader = System.Text.Encoding.ASCII.GetBytes("/lib/ld-musl-x86_64.so.1");
            musl.AsSpan(at, glibcLoader.Length).Clear();
            muslLoader.CopyTo(musl, at);
            var tree = await TarLayer.MergeAsync(GlibcBase(), new TarLayer().File("app", musl));

            // When
            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app\"]"));

            // Then
            Assert.Equal(
                "Interpreter: /app needs the loader /lib/ld-musl-x86_64.so.1, which is not in the image (a musl binary on a glibc base) (layer sha256:222222222222). Fix: use an Alpine (musl) base for this binary, or build it against glibc",
                Assert.Single(result.Findings).ToString());
            Assert.Equal("[\"/app\"] → /app (ELF amd64, dynamic; /lib/ld-musl-x86_64.so.1)", result.Entrypoint!.ToString());
        }

        [Fact]
        public async Task Should_Make_A_Warning_An_Error_And_Skip_Disabled_Checks_When_Settings_Say_So()
        {
            RequireAmd64Host();
            var tree = await TarLayer.MergeAsync(new TarLayer().File("app", Shell));

            var result = TarLayer.Inspect(tree, Amd64, Config(entrypoint: "[\"/app\"]"), s =>
            {
                s.DisabledDeepChecks.Add(DeepCheck.Interpreter);
                s.DeepChecksAsErrors.Add(DeepCheck.NeededLibraries);
            });

            var finding = Assert.Single(result.Findings);
            Assert.Equal((DeepCheck.NeededLibraries, DeepFindingSeverity.Error), (finding.Check, finding.Severity));
        }

        [Fact]
        public async Task Should_Not_Count_A_Foreign_Elf_That_A_Later_Layer_Deleted()
        {
            // Given: the host's binary in an image for another architecture, deleted by layer 1.
            var foreign = Platform.Host.Architecture == "arm64" ? Platform.Parse("linux/s390x") : Platform.Parse("linux/arm64");
            var tree = await TarLayer.MergeAsync(new TarLayer().File("usr/bin/tool", StaticBusybox).Text("usr/bin/run.sh", "#!/bin/sh\n"), new TarLayer().Whiteout("usr/bin/.wh.tool"));

            // When
            var result = TarLayer.Inspect(tree, foreign, Config());

            // Then
            Assert.Equal((0, 0), (result.ElfFiles, result.OffenderCount));
            Assert.Equal("none (no Entrypoint or Cmd)", result.Entrypoint!.ToString());
            Assert.Empty(result.Findings);
        }

        [Fact]
        public async Task Should_Check_Every_Elf_Outside_Path_Only_When_Asked_And_Never_Ignored_Paths()
        {
            RequireAmd64Host();

            // Given: dynamic ELF files outside PATH (/opt/tools/x) and under an ignored prefix, no loader.
            var tree = await TarLayer.MergeAsync(new TarLayer().File("opt/tools/x", Shell).File("usr/libexec/qemu/q", Shell));

            // When
            var narrow = TarLayer.Inspect(tree, Amd64, Config());
            var every = TarLayer.Inspect(tree, Amd64, Config(), s =>
            {
                s.DeepCheckEveryElf = true;
                s.IgnoredPaths.Add("/usr/libexec/qemu");
            });

            // Then
            Assert.Empty(narrow.Findings);
            Assert.Equal(
                [
                    "Interpreter: /opt/tools/x needs the loader /lib64/ld-linux-x86-64.so.2, which is not in the image (layer sha256:111111111111). Fix: copy the loader and the C library in (a glibc or musl base image), or build a static binary (CGO_ENABLED=0 for Go, -static, or a musl target)",
                    "NeededLibraries: libc.so.6 is needed by /opt/tools/x but is in none of the library paths (/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib:/usr/lib:/lib64:/usr/lib64:/usr/local/lib:/lib32:/usr/lib32) (layer sha256:111111111111). Fix: install the package that ships libc.so.6 in the final stage, or link it statically",
                ],
                every.Findings.Select(f => f.ToString()));
            Assert.Equal(1, every.ElfFiles);
        }
    }
}
