using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The second level of deep verification against images built for real by dockerd's default
/// builder (FROM scratch + COPY of Debian packages unpacked by tests/testbed/setup.sh; one RUN
/// under QEMU for the whiteout case) and pushed to the bed's real registry.
/// </summary>
[Collection("registry")]
public sealed class DeepVerificationEngineTests(RegistryBed bed) : IDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _builtFor;
    private static string? _buildError;

    private readonly TempDirectory _dir = new();

    private static string Deep(string relative) => Path.Combine(TestBed.Root, "deep", relative);

    private string Image(string name) => $"{bed.Open}/deep/{name}:1";

    // Builds every image once per registry (the bed's registry lives as long as the collection).
    private async Task RequireImagesAsync()
    {
        bed.Require();
        foreach (var part in new[] { "arm64/libc6", "arm64/busybox", "arm64/busybox-static", "arm64/musl", "armhf/busybox-static", "armel/busybox-static" })
        {
            if (!File.Exists(Path.Combine(Deep(part), ".done")))
            {
                TestPaths.SkipOrFail($"the deep-verification corpus has no {Deep(part)} (tests/testbed/setup.sh unpacks it)");
            }
        }

        var (info, infoOutput) = TestBed.Run("docker", "buildx", "inspect", "default");
        if (info != 0)
        {
            TestPaths.SkipOrFail($"dockerd's default buildx builder is not available (tests/testbed/setup.sh starts dockerd): {infoOutput.Trim()}");
        }

        await Gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_builtFor != bed.Open)
            {
                _buildError = null;
                using var work = new TempDirectory();
                try
                {
                    BuildAll(work);
                }
                catch (InvalidOperationException ex)
                {
                    _buildError = ex.Message;
                }

                _builtFor = bed.Open;
            }
        }
        finally
        {
            Gate.Release();
        }

        Assert.True(_buildError is null, _buildError);
    }

    private void BuildAll(TempDirectory work)
    {
        const string Scratch = "FROM scratch\n";
        Build(work, "glibc-ok", "linux/arm64", Scratch + "COPY libc6/lib/ /lib/\nCOPY busybox/ /\nCOPY extra/ /\nENTRYPOINT [\"hello\"]\n", ctx =>
        {
            Copy(Deep("arm64/libc6"), Path.Combine(ctx, "libc6"));
            Copy(Deep("arm64/busybox"), Path.Combine(ctx, "busybox"));
            Directory.CreateDirectory(Path.Combine(ctx, "extra", "usr", "local", "bin"));
            File.CreateSymbolicLink(Path.Combine(ctx, "extra", "usr", "local", "bin", "hello"), "/bin/busybox");
        });
        Build(work, "no-loader", "linux/arm64", Scratch + "COPY busybox/ /\nENTRYPOINT [\"/bin/busybox\"]\n", ctx => Copy(Deep("arm64/busybox"), Path.Combine(ctx, "busybox")));
        Build(work, "glibc-on-musl", "linux/arm64", Scratch + "COPY musl/ /\nCOPY busybox/ /\nENTRYPOINT [\"/bin/busybox\"]\n", ctx =>
        {
            Copy(Deep("arm64/musl"), Path.Combine(ctx, "musl"));
            Copy(Deep("arm64/busybox"), Path.Combine(ctx, "busybox"));
        });
        Build(work, "script", "linux/arm64", Scratch + "COPY libc6/lib/ /lib/\nCOPY busybox/ /\nCOPY --chmod=755 start.sh /app/start.sh\nENTRYPOINT [\"/app/start.sh\"]\n", ctx =>
        {
            Copy(Deep("arm64/libc6"), Path.Combine(ctx, "libc6"));
            Copy(Deep("arm64/busybox"), Path.Combine(ctx, "busybox"));
            File.WriteAllText(Path.Combine(ctx, "start.sh"), "#!/bin/bash\nexec /bin/busybox httpd -f\n");
        });
        foreach (var (name, newline) in new[] { ("script-crlf", "\r\n"), ("script-lf", "\n") })
        {
            // A start script as a Windows checkout leaves it (CRLF), and the same script with LF.
            Build(work, name, "linux/arm64", Scratch + "COPY libc6/lib/ /lib/\nCOPY busybox/ /\nCOPY shell/ /\nCOPY --chmod=755 start.sh /app/start.sh\nENTRYPOINT [\"/app/start.sh\"]\n", ctx =>
            {
                Copy(Deep("arm64/libc6"), Path.Combine(ctx, "libc6"));
                Copy(Deep("arm64/busybox"), Path.Combine(ctx, "busybox"));
                Directory.CreateDirectory(Path.Combine(ctx, "shell", "bin"));
                File.CreateSymbolicLink(Path.Combine(ctx, "shell", "bin", "sh"), "busybox");
                File.WriteAllText(Path.Combine(ctx, "start.sh"), "#!/bin/sh" + newline + "exec /bin/busybox httpd -f" + newline);
            });
        }

        Build(work, "whiteout", "linux/arm64", Scratch + "COPY static/ /\nCOPY app/ /app/\nRUN [\"/bin/busybox\", \"rm\", \"/app/hello\", \"/app/foreign\"]\nENTRYPOINT [\"/app/hello\"]\n", ctx =>
        {
            Copy(Deep("arm64/busybox-static"), Path.Combine(ctx, "static"));
            Directory.CreateDirectory(Path.Combine(ctx, "app"));
            File.Copy(Path.Combine(Deep("arm64/busybox-static"), "bin", "busybox"), Path.Combine(ctx, "app", "hello"));
            File.Copy("/bin/busybox", Path.Combine(ctx, "app", "foreign"));
        });
        const string PerVariant = Scratch + "ARG TARGETVARIANT\nCOPY ${TARGETVARIANT}/ /\nENTRYPOINT [\"/bin/busybox\"]\n";
        Build(work, "arm-good", "linux/arm/v6,linux/arm/v7", PerVariant, ctx =>
        {
            Copy(Deep("armel/busybox-static"), Path.Combine(ctx, "v6"));
            Copy(Deep("armhf/busybox-static"), Path.Combine(ctx, "v7"));
        });
        Build(work, "arm-swapped", "linux/arm/v6,linux/arm/v7", PerVariant, ctx =>
        {
            Copy(Deep("armhf/busybox-static"), Path.Combine(ctx, "v6"));
            Copy(Deep("armel/busybox-static"), Path.Combine(ctx, "v7"));
        });
    }

    private void Build(TempDirectory work, string name, string platforms, string dockerfile, Action<string> fill)
    {
        var context = work.Combine(name);
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        fill(context);
        var environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = work.Combine("docker-config") };
        var (code, output) = TestBed.RunIn("docker", null, environment, "buildx", "build", "--builder", "default", "--platform", platforms, "--push", "-t", Image(name), context);
        if (code != 0)
        {
            throw new InvalidOperationException($"docker buildx build of {name} failed ({code}): {output}");
        }

        // The docker driver also keeps the pushed image in dockerd's store: the registry copy is the one tested.
        TestBed.Run("docker", "image", "rm", Image(name));
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        var (code, output) = TestBed.Run("cp", "-a", from + "/.", to);
        if (code != 0)
        {
            throw new InvalidOperationException($"cp -a {from} {to} failed: {output}");
        }

        File.Delete(Path.Combine(to, ".done"));
    }

    private async Task<string[]> LayersAsync(string name, string architecture, string? variant = null)
    {
        var (_, indexBytes) = await bed.GetAsync(bed.Open, $"deep/{name}/manifests/1", MediaTypes.OciIndex);
        using var index = JsonDocument.Parse(indexBytes);
        var digest = index.RootElement.GetProperty("manifests").EnumerateArray()
            .First(m => m.GetProperty("platform").GetProperty("architecture").GetString() == architecture
                && (variant is null || (m.GetProperty("platform").TryGetProperty("variant", out var v) && v.GetString() == variant)))
            .GetProperty("digest").GetString();
        var (_, manifestBytes) = await bed.GetAsync(bed.Open, $"deep/{name}/manifests/{digest}", MediaTypes.OciManifest);
        using var manifest = JsonDocument.Parse(manifestBytes);
        return manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToArray();
    }

    private static string Short(string digest) => digest[..19];

    private (VerifyManifestResult? Report, CakeException? Error, TestCakeContext Cake) Verify(string image, params string[] platforms)
    {
        var cake = new TestCakeContext(_dir.Path);
        var settings = new VerifyManifestSettings { Image = image, Deep = true, Registry = { DockerConfig = _dir.Path } };
        foreach (var platform in platforms)
        {
            settings.ExpectedPlatforms.Add(platform);
        }

        try
        {
            return (cake.Context.VerifyManifest(settings), null, cake);
        }
        catch (CakeException ex)
        {
            return (null, ex, cake);
        }
    }

    [Fact]
    public async Task Should_Pass_A_Glibc_Binary_Reached_Through_A_Symlink_On_A_Base_With_Its_Loader()
    {
        // Given
        await RequireImagesAsync();

        // When
        var (report, error, cake) = Verify(Image("glibc-ok"), "linux/arm64");

        // Then
        Assert.Null(error);
        var check = Assert.Single(report!.Platforms);
        Assert.Equal(PlatformCheckStatus.Ok, check.Status);
        Assert.Empty(check.Findings);
        Assert.Equal("[\"hello\"] → /bin/busybox (ELF arm64, dynamic; /lib/ld-linux-aarch64.so.1)", check.Entrypoint!.ToString());
        Assert.Equal(["/usr/local/bin/hello -> /bin/busybox"], check.Entrypoint.Links);
        Assert.Contains(cake.Log.Lines, l => l.Text == "VerifyManifest: linux/arm64      entry point [\"hello\"] → /bin/busybox (ELF arm64, dynamic; /lib/ld-linux-aarch64.so.1)");
    }

    [Fact]
    public async Task Should_Fail_Naming_The_Loader_When_The_Base_Has_None()
    {
        await RequireImagesAsync();
        var layer = Assert.Single(await LayersAsync("no-loader", "arm64"));

        var (_, error, cake) = Verify(Image("no-loader"), "linux/arm64");

        Assert.Equal(
            $"VerifyManifest: {Image("no-loader")} failed 1 check:" + System.Environment.NewLine +
            $"  - linux/arm64: Interpreter: /bin/busybox needs the loader /lib/ld-linux-aarch64.so.1, which is not in the image (layer {Short(layer)}). Fix: copy the loader and the C library in (a glibc or musl base image), or build a static binary (CGO_ENABLED=0 for Go, -static, or a musl target)",
            error!.Message);
        Assert.Equal(
            [
                $"VerifyManifest: linux/arm64      NeededLibraries: ld-linux-aarch64.so.1 is needed by /bin/busybox but is in none of the library paths (/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu:/lib:/usr/lib:/lib64:/usr/lib64:/usr/local/lib:/lib32:/usr/lib32) (layer {Short(layer)}). Fix: install the package that ships ld-linux-aarch64.so.1 in the final stage, or link it statically",
                $"VerifyManifest: linux/arm64      NeededLibraries: libc.so.6 is needed by /bin/busybox but is in none of the library paths (/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu:/lib:/usr/lib:/lib64:/usr/lib64:/usr/local/lib:/lib32:/usr/lib32) (layer {Short(layer)}). Fix: install the package that ships libc.so.6 in the final stage, or link it statically",
                $"VerifyManifest: linux/arm64      NeededLibraries: libresolv.so.2 is needed by /bin/busybox but is in none of the library paths (/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu:/lib:/usr/lib:/lib64:/usr/lib64:/usr/local/lib:/lib32:/usr/lib32) (layer {Short(layer)}). Fix: install the package that ships libresolv.so.2 in the final stage, or link it statically",
            ],
            cake.Log.Lines.Where(l => l.Text.Contains("NeededLibraries:", StringComparison.Ordinal)).Select(l => l.Text));
    }

    [Fact]
    public async Task Should_Name_A_Glibc_Binary_On_A_Musl_Base()
    {
        await RequireImagesAsync();
        var layers = await LayersAsync("glibc-on-musl", "arm64");

        var (_, error, _) = Verify(Image("glibc-on-musl"), "linux/arm64");

        Assert.Equal(
            $"VerifyManifest: {Image("glibc-on-musl")} failed 1 check:" + System.Environment.NewLine +
            $"  - linux/arm64: Interpreter: /bin/busybox needs the loader /lib/ld-linux-aarch64.so.1, which is not in the image (a glibc binary on a musl base) (layer {Short(layers[1])}). Fix: use a musl build on an Alpine base, or a glibc base (such as debian:bookworm-slim) for this binary",
            error!.Message);
    }

    [Fact]
    public async Task Should_Fail_A_Script_Entry_Point_Whose_Interpreter_Is_Missing()
    {
        await RequireImagesAsync();
        var layers = await LayersAsync("script", "arm64");

        var (_, error, _) = Verify(Image("script"), "linux/arm64");

        Assert.Equal(
            $"VerifyManifest: {Image("script")} failed 1 check:" + System.Environment.NewLine +
            $"  - linux/arm64: Entrypoint: the entry point /app/start.sh is a script for '/bin/bash', which does not exist (layer {Short(layers[2])}). Fix: install bash in the final stage, or change the script's #! line to an interpreter the image has",
            error!.Message);
    }

    [Fact]
    public async Task Should_Fail_A_Script_Entry_Point_With_Windows_Line_Endings_And_Name_The_Fix()
    {
        // Given: /app/start.sh starts with "#!/bin/sh\r\n"; /bin/sh (busybox) is in the image
        await RequireImagesAsync();
        var layers = await LayersAsync("script-crlf", "arm64");

        // When
        var (_, error, _) = Verify(Image("script-crlf"), "linux/arm64");

        // Then
        Assert.Equal(
            $"VerifyManifest: {Image("script-crlf")} failed 1 check:" + System.Environment.NewLine +
            $"  - linux/arm64: Entrypoint: the entry point /app/start.sh is a script whose #! line ends in a carriage return: the file has Windows line endings (CRLF), and the kernel looks for an interpreter named '/bin/sh\\r' ('exec /app/start.sh: no such file or directory') (layer {Short(layers[3])}). Fix: give the script Unix line endings (LF): add '*.sh text eol=lf' to .gitattributes and run 'git add --renormalize .', or convert it in the Dockerfile (RUN dos2unix /app/start.sh, or sed -i 's/\\r$//' /app/start.sh)",
            error!.Message);
    }

    [Fact]
    public async Task Should_Pass_The_Same_Script_With_Unix_Line_Endings()
    {
        await RequireImagesAsync();

        var (report, error, _) = Verify(Image("script-lf"), "linux/arm64");

        Assert.Null(error);
        Assert.Equal("[\"/app/start.sh\"] → /app/start.sh (script; /bin/sh)", Assert.Single(report!.Platforms).Entrypoint!.ToString());
    }

    [Fact]
    public async Task Should_Fail_An_Entry_Point_A_Later_Layer_Deleted_And_No_Longer_Count_The_Deleted_Foreign_Binary()
    {
        await RequireImagesAsync();
        var layers = await LayersAsync("whiteout", "arm64");

        var (_, error, _) = Verify(Image("whiteout"), "linux/arm64");

        // /app/foreign (amd64) was deleted with it: no ElfMachine problem any more.
        Assert.Equal(
            $"VerifyManifest: {Image("whiteout")} failed 1 check:" + System.Environment.NewLine +
            $"  - linux/arm64: Entrypoint: the entry point '/app/hello' was deleted by layer {Short(layers[2])} (/app/hello). Fix: COPY it into the final stage (a multi-stage build copies only what the last stage names), fix Entrypoint/Cmd, or stop a later layer from deleting it",
            error!.Message);
    }

    [Fact]
    public async Task Should_Pass_Armel_In_V6_And_Armhf_In_V7()
    {
        await RequireImagesAsync();

        var (report, error, _) = Verify(Image("arm-good"), "linux/arm/v6", "linux/arm/v7");

        Assert.Null(error);
        Assert.All(report!.Platforms, p => Assert.Empty(p.Findings));
        Assert.Equal(["[\"/bin/busybox\"] → /bin/busybox (ELF arm, static)", "[\"/bin/busybox\"] → /bin/busybox (ELF arm, static)"], report.Platforms.Select(p => p.Entrypoint!.ToString()));
    }

    [Fact]
    public async Task Should_Fail_Armhf_Binaries_In_V6_And_Armel_Binaries_In_V7()
    {
        await RequireImagesAsync();
        var v6 = Assert.Single(await LayersAsync("arm-swapped", "arm", "v6"));
        var v7 = Assert.Single(await LayersAsync("arm-swapped", "arm", "v7"));

        var (_, error, _) = Verify(Image("arm-swapped"), "linux/arm/v6", "linux/arm/v7");

        Assert.Equal(
            $"VerifyManifest: {Image("arm-swapped")} failed 3 checks:" + System.Environment.NewLine +
            $"  - linux/arm/v6: ArmFloatAbi: 1 of 1 ARM ELF files use the hard-float ABI, not the soft-float ABI linux/arm/v6 implies: /bin/busybox (layer {Short(v6)}). Fix: build for armel (arm-linux-gnueabi, soft-float; GOARM=6 for Go), or publish these binaries as linux/arm/v7 instead of linux/arm/v6" + System.Environment.NewLine +
            $"  - linux/arm/v6: ArmArch: 1 of 1 ARM ELF files are built for ARMv7, newer than linux/arm/v6 runs (ARMv6K at most): /bin/busybox (layer {Short(v6)}). Fix: compile for the variant (-march=armv6, GOARM=6; Debian's armel packages are ARMv5TE), or drop linux/arm/v6 from the platforms" + System.Environment.NewLine +
            $"  - linux/arm/v7: ArmFloatAbi: 1 of 1 ARM ELF files use the soft-float ABI, not the hard-float ABI linux/arm/v7 implies: /bin/busybox (layer {Short(v7)}). Fix: build for armhf (arm-linux-gnueabihf, hard-float; GOARM=7 for Go), or publish these binaries as linux/arm/v6",
            error!.Message);
    }

    public void Dispose() => _dir.Dispose();
}
