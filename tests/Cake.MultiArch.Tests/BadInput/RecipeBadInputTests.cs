using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BadInput;

/// <summary>
/// recipe.cake's arguments, each checked before any task changes the machine: the real
/// <c>dotnet cake</c> runs the recipe with a fake docker first on PATH, and no docker call is
/// made (no QEMU registration, no builder, no build).
/// </summary>
public sealed class RecipeBadInputTests
{
    private static readonly Lazy<TempDirectory> Project = new(() =>
    {
        var dir = new TempDirectory();
        dir.WriteFile("app/Dockerfile", "FROM scratch\n");
        dir.WriteFile("build.cake", $"#r \"{Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll")}\"\n#load \"{Path.Combine(TestPaths.RepositoryRoot, "recipe.cake")}\"\nRunTarget(Argument(\"target\", \"Publish\"));\n");
        return dir;
    });

    private static Dictionary<string, string> WithFakeDocker(FakeDocker docker) => new()
    {
        ["PATH"] = docker.BinDir + ":" + Environment.GetEnvironmentVariable("PATH"),
        ["CAKE_SETTINGS_ENABLESCRIPTCACHE"] = "true",
        ["MULTIARCH_IMAGE"] = string.Empty,
    };

    public static TheoryData<string, string[], string> Cases => new()
    {
        { "no image", ["--platforms=linux/amd64"], "Recipe: --image (or MULTIARCH_IMAGE) is not set; expected the tag to publish, such as 'registry.example.com/team/app:1.0', found nothing. Pass --image=…, set MULTIARCH_IMAGE, or set MultiArch.Image in the script." },
        { "platforms a lone comma", ["--image=127.0.0.1:5000/a/b:1", "--platforms=,"], "Recipe: --platforms (or MULTIARCH_PLATFORMS) is empty (','); expected one or more platforms such as 'linux/amd64,linux/arm64'. List the platforms to build." },
        { "platforms blank", ["--image=127.0.0.1:5000/a/b:1", "--platforms= "], "Recipe: --platforms (or MULTIARCH_PLATFORMS) is empty (' '); expected one or more platforms such as 'linux/amd64,linux/arm64'. List the platforms to build." },
        { "platforms empty item", ["--image=127.0.0.1:5000/a/b:1", "--platforms=linux/amd64,,linux/arm64"], "Recipe: --platforms (or MULTIARCH_PLATFORMS) has an empty item in 'linux/amd64,,linux/arm64'; expected a comma list such as 'linux/amd64,linux/arm64'. Remove the extra comma." },
        { "platform unknown", ["--image=127.0.0.1:5000/a/b:1", "--platforms=linux/sparc"], "Recipe: --platforms (or MULTIARCH_PLATFORMS) has 'linux/sparc', which is not a platform; expected one of " },
        { "platform repeated", ["--image=127.0.0.1:5000/a/b:1", "--platforms=linux/arm64,linux/arm64/v8"], "Recipe: --platforms (or MULTIARCH_PLATFORMS) lists 'linux/arm64' more than once (after normalisation); expected each platform once. Remove the repeat." },
        { "image by digest", ["--image=127.0.0.1:5000/a/b@sha256:" + new string('a', 64)], "Recipe: --image (or MULTIARCH_IMAGE) is '127.0.0.1:5000/a/b@sha256:" + new string('a', 64) + "'; expected a tag such as '127.0.0.1:5000/a/b:1.0' (no digest: the recipe pushes by digest itself). Add ':tag' and remove '@sha256:" + new string('a', 64) + "'." },
        { "deep-verify not a bool", ["--image=127.0.0.1:5000/a/b:1", "--deep-verify=maybe"], "Recipe: --deep-verify (or MULTIARCH_DEEP_VERIFY) is 'maybe'; expected 'true' or 'false'." },
        { "qemu-mode unknown", ["--image=127.0.0.1:5000/a/b:1", "--qemu-mode=vm"], "Recipe: --qemu-mode (or MULTIARCH_QEMU_MODE) is 'vm'; expected 'container' (the binfmt installer image) or 'host' (the host's qemu-user-static)." },
        { "attestation check not an id", ["--image=127.0.0.1:5000/a/b:1", "--attestation-checks=Provenance,sbom"], "Recipe: --attestation-checks (or MULTIARCH_ATTESTATION_CHECKS) has 'sbom', which is not an attestation check; expected a comma list of Provenance, Sbom, AttestationSubject (PascalCase), or nothing." },
        { "attestation check repeated", ["--image=127.0.0.1:5000/a/b:1", "--attestation-checks=Provenance, Provenance"], "Recipe: --attestation-checks (or MULTIARCH_ATTESTATION_CHECKS) lists 'Provenance' more than once; expected each check once. Remove the repeat." },
        { "sign key missing", ["--image=127.0.0.1:5000/a/b:1", "--sign-key=/nowhere/cosign.key"], "Recipe: --sign-key (or MULTIARCH_SIGN_KEY) is '/nowhere/cosign.key', which does not exist; expected a cosign private key file, 'env://VARIABLE' or a KMS URI (its password in MULTIARCH_SIGN_PASSWORD), or nothing to publish unsigned." },
        { "sign public key not derivable", ["--image=127.0.0.1:5000/a/b:1", "--sign-key=awskms:///alias/release"], "Recipe: --sign-public-key (or MULTIARCH_SIGN_PUBLIC_KEY) is not set and cannot be derived from --sign-key 'awskms:///alias/release'; expected the public key the signatures are verified with, such as 'cosign.pub'." },
        { "sign tlog not a boolean", ["--image=127.0.0.1:5000/a/b:1", "--sign-tlog=no"], "Recipe: --sign-tlog (or MULTIARCH_SIGN_TLOG) is 'no'; expected 'true' (record signatures in the transparency log) or 'false' (offline or private registries)." },
        { "buildx digest push on the docker driver", ["--image=127.0.0.1:5000/a/b:1", "--builder=default", "--digest-push=buildx"], "Recipe: --digest-push (or MULTIARCH_DIGEST_PUSH) is 'buildx' with --builder=default; expected 'layout' or 'auto' there: buildx's docker driver refuses push-by-digest ('currently not implemented for docker driver'). Use --digest-push=auto, or a docker-container builder." },
        { "two platforms on one runner", ["--target=Publish-Platform", "--image=127.0.0.1:5000/a/b:1", "--platforms=linux/amd64,linux/arm64"], "Recipe: --platforms (or MULTIARCH_PLATFORMS) lists 2 platforms ('linux/amd64,linux/arm64'); expected exactly one for Publish-Platform (one job per platform). Pass --platforms=linux/arm64 on the arm64 runner, and so on." },
        { "merge without records", ["--target=Publish-Merge", "--image=127.0.0.1:5000/a/b:1", "--records=/nonexistent/records"], "Recipe: --records (or MULTIARCH_RECORDS) is '/nonexistent/records', which does not exist; expected the folder the Publish-Platform jobs' records were downloaded to. Download the artifacts there first." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Fail_Before_Any_Docker_Call_When_An_Argument_Is_Bad(string name, string[] arguments, string message)
    {
        // Given
        using var docker = new FakeDocker();
        docker.On("never-matched"); // writes the fake, which records any call
        var project = Project.Value;
        var environment = WithFakeDocker(docker);

        // When
        var (exitCode, output) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, environment, ["tool", "run", "dotnet-cake", project.Combine("build.cake"), $"--context={project.Combine("app")}", .. arguments]);

        // Then
        Assert.True(exitCode != 0, name + ": " + output);
        Assert.Contains("An error occurred when executing task 'MultiArch-Validate'.", output, StringComparison.Ordinal);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Empty(docker.Calls);
    }

    [Fact]
    public void Should_Refuse_To_Tag_When_The_Promotion_Runs_Without_A_Verified_Digest()
    {
        // Given: a script that asks for the promotion alone (no build, no merge, no verification)
        using var docker = new FakeDocker();
        docker.On("never-matched");
        var project = Project.Value;
        var environment = WithFakeDocker(docker);

        // When
        var (exitCode, output) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, environment, "tool", "run", "dotnet-cake", project.Combine("build.cake"), $"--context={project.Combine("app")}", "--target=MultiArch-Promote", "--image=127.0.0.1:5000/a/b:1");

        // Then
        Assert.True(exitCode != 0, output);
        Assert.Contains("An error occurred when executing task 'MultiArch-Promote'.", output, StringComparison.Ordinal);
        Assert.Contains("Recipe: MultiArch-Promote has no verified digest; expected it to run after MultiArch-Verify (target Publish) or MultiArch-VerifyMerged (target Publish-Merge), found nothing pushed. Depend on one of those targets.", output, StringComparison.Ordinal);
        Assert.Empty(docker.Calls);
    }
}
