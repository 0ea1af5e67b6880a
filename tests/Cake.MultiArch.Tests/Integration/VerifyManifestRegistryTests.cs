using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>VerifyManifest against real registries holding real podman-built images.</summary>
[Collection("registry")]
public sealed class VerifyManifestRegistryTests(RegistryBed bed) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private VerifyManifestResult Verify(string image, bool deep = false, bool strict = false, Action<VerifyManifestSettings>? configure = null, params string[] platforms)
    {
        bed.Require();
        var cake = new TestCakeContext(_dir.Path);
        var settings = new VerifyManifestSettings { Image = image, Deep = deep, Strict = strict, Registry = { DockerConfig = _dir.Path } };
        foreach (var p in platforms.Length == 0 ? ["linux/amd64", "linux/arm64"] : platforms)
        {
            settings.ExpectedPlatforms.Add(p);
        }

        configure?.Invoke(settings);
        return cake.Context.VerifyManifest(settings);
    }

    [Fact]
    public void Should_Pass_A_Good_Oci_Index_Deeply()
    {
        var report = Verify(bed.Good, deep: true);
        Assert.Equal(MediaTypes.OciIndex, report.MediaType);
        Assert.All(report.Platforms, p => Assert.Equal(PlatformCheckStatus.Ok, p.Status));
        Assert.All(report.Platforms, p => Assert.Equal(1, p.ElfFiles));
        Assert.Equal(["linux/amd64", "linux/arm64"], report.Platforms.Select(p => p.ConfigPlatform));
    }

    [Fact]
    public void Should_Pass_A_Docker_Manifest_List_Deeply()
    {
        var report = Verify(bed.DockerList, deep: true, platforms: ["linux/arm64/v8", "linux/x86_64"]);
        Assert.Equal(MediaTypes.DockerManifestList, report.MediaType);
        Assert.Equal(["linux/arm64", "linux/amd64"], report.Platforms.Select(p => p.Platform.ToString()));
        Assert.All(report.Platforms, p => Assert.Equal(PlatformCheckStatus.Ok, p.Status));
    }

    [Fact]
    public void Should_Fail_Deep_Mode_Exactly_On_The_Trap()
    {
        // Shallow: the trap looks fine (that is why grep on the manifest passes).
        var shallow = Verify(bed.Trap);
        Assert.True(shallow.Passed);

        // Deep: the arm64 entry's binaries are amd64.
        var ex = Assert.Throws<CakeException>(() => Verify(bed.Trap, deep: true));
        Assert.Equal(
            $"VerifyManifest: {bed.Trap} failed 1 check:" + System.Environment.NewLine +
            "  - linux/arm64: 1 of 1 ELF files are built for amd64, not arm64: /bin/busybox (amd64). A stage that uses $TARGETARCH without 'ARG TARGETARCH', or a binary copied in from the build machine, does this.",
            ex.Message);
    }

    [Fact]
    public void Should_Skip_And_Report_Attestation_Entries()
    {
        var cake = new TestCakeContext(_dir.Path);
        bed.Require();
        var report = cake.Context.VerifyManifest(new VerifyManifestSettings { Image = bed.Attested, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Strict = true, Deep = true, Registry = { DockerConfig = _dir.Path } });
        Assert.Equal(1, report.AttestationManifests);
        Assert.Equal(2, report.Platforms.Count);
        Assert.Equal(["provenance"], report.Platforms.Single(p => p.Platform.Architecture == "arm64").Attestations);
        Assert.Empty(report.Platforms.Single(p => p.Platform.Architecture == "amd64").Attestations);
        Assert.Contains(cake.Log.Lines, l => l.Text.Contains("1 attestation manifest(s) skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Check_A_Single_Platform_Manifest()
    {
        var report = Verify(bed.Single, deep: true, platforms: "linux/arm64");
        Assert.Equal(MediaTypes.OciManifest, report.MediaType);
        Assert.Equal(PlatformCheckStatus.Ok, Assert.Single(report.Platforms).Status);

        var ex = Assert.Throws<CakeException>(() => Verify(bed.Single));
        Assert.Equal(
            $"VerifyManifest: {bed.Single} failed 1 check:" + System.Environment.NewLine +
            $"  - {bed.Single} is a single-platform manifest (linux/arm64), not an index; expected linux/amd64,linux/arm64. Build with several platforms and push (the result is an index).",
            ex.Message);
        var wrong = Assert.Throws<CakeException>(() => Verify(bed.Single, platforms: "linux/amd64"));
        Assert.Contains("  - linux/amd64: not in the manifest; it has linux/arm64.", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_A_Missing_Platform_And_Unexpected_Ones_When_Strict()
    {
        var ex = Assert.Throws<CakeException>(() => Verify(bed.MissingArm64, strict: true, platforms: ["linux/arm64", "linux/riscv64"]));
        Assert.Equal(
            $"VerifyManifest: {bed.MissingArm64} failed 3 checks:" + System.Environment.NewLine +
            "  - linux/arm64: not in the index; it has linux/amd64." + System.Environment.NewLine +
            "  - linux/riscv64: not in the index; it has linux/amd64." + System.Environment.NewLine +
            "  - linux/amd64: in the index but not expected (Strict).",
            ex.Message);
    }

    [Fact]
    public void Should_Use_Basic_Auth_From_Settings_And_From_The_Docker_Config()
    {
        bed.Require();

        // Anonymous: refused, with the registry's own error code.
        var anonymous = Assert.Throws<CakeException>(() => Verify(bed.GoodWithAuth));
        Assert.Contains("returned 401 Unauthorized: UNAUTHORIZED: authentication required.", anonymous.Message, StringComparison.Ordinal);
        Assert.Contains($"No credential is set for '{bed.Authenticated}'", anonymous.Message, StringComparison.Ordinal);

        // From settings.
        var report = Verify(bed.GoodWithAuth, deep: true, configure: s => { s.Registry.Username = RegistryBed.User; s.Registry.Password = RegistryBed.Password; });
        Assert.True(report.Passed);

        // From config.json auths (what docker login writes).
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{RegistryBed.User}:{RegistryBed.Password}"));
        _dir.WriteFile("config.json", $"{{\"auths\":{{\"{bed.Authenticated}\":{{\"auth\":\"{auth}\"}}}}}}");
        Assert.True(Verify(bed.GoodWithAuth).Passed);

        // A wrong password: refused, and the password is nowhere in the message.
        var wrong = Assert.Throws<CakeException>(() => Verify(bed.GoodWithAuth, configure: s => { s.Registry.Username = RegistryBed.User; s.Registry.Password = "wrong-password-123"; }));
        Assert.Contains($"The credential for '{bed.Authenticated}' (user 'cake') was refused.", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-123", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Keep_Credentials_Out_Of_The_Log()
    {
        bed.Require();
        var cake = new TestCakeContext(_dir.Path);
        cake.Context.VerifyManifest(new VerifyManifestSettings { Image = bed.GoodWithAuth, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = true, Registry = { Username = RegistryBed.User, Password = RegistryBed.Password } });
        Assert.DoesNotContain(RegistryBed.Password, cake.Log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{RegistryBed.User}:{RegistryBed.Password}")), cake.Log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Verify_By_The_Digest_Of_A_Build_Result()
    {
        bed.Require();
        var (_, index) = await bed.GetAsync(bed.Open, "cma/good/manifests/oci", MediaTypes.OciIndex);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(index));
        var metadata = TestPaths.ReadFixture("buildx/meta.json")
            .Replace("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", digest, StringComparison.Ordinal)
            .Replace("127.0.0.1:5001/tb/hello:1", $"{bed.Open}/cma/good:moved-tag", StringComparison.Ordinal);
        var build = Cake.MultiArch.BuildxBuild.BuildxBuildResult.Parse(metadata, "meta.json");
        var cake = new TestCakeContext(_dir.Path);

        var report = cake.Context.VerifyManifest(build, new VerifyManifestSettings { Deep = true, Registry = { DockerConfig = _dir.Path } });

        Assert.Equal($"{bed.Open}/cma/good@{digest}", report.Image);
        Assert.Equal(digest, report.Digest);
        Assert.Equal(["linux/amd64", "linux/arm64"], report.Platforms.Select(p => p.Platform.ToString()));
    }

    [Fact]
    public void Should_Verify_Several_Images_And_List_Every_Failure()
    {
        bed.Require();
        var cake = new TestCakeContext(_dir.Path);
        var settings = new VerifyManifestSettings { Deep = true, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Registry = { DockerConfig = _dir.Path } };

        var reports = cake.Context.VerifyManifests([bed.Good, bed.DockerList, bed.Attested], settings, maxParallel: 3);
        Assert.Equal([bed.Good, bed.DockerList, bed.Attested], reports.Select(r => r.Image));
        Assert.All(reports, r => Assert.True(r.Passed));

        var ex = Assert.Throws<CakeException>(() => cake.Context.VerifyManifests([bed.Good, bed.Trap, bed.MissingArm64], settings));
        Assert.Equal(
            "VerifyManifest: 2 of 3 images failed:" + System.Environment.NewLine +
            $"  - {bed.Trap}: linux/arm64: 1 of 1 ELF files are built for amd64, not arm64: /bin/busybox (amd64). A stage that uses $TARGETARCH without 'ARG TARGETARCH', or a binary copied in from the build machine, does this." + System.Environment.NewLine +
            $"  - {bed.MissingArm64}: linux/arm64: not in the index; it has linux/amd64." + System.Environment.NewLine +
            $"Passed: {bed.Good}.",
            ex.Message);
    }

    public void Dispose() => _dir.Dispose();
}
