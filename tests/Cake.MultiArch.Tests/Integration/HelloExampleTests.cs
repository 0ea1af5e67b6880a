using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The README's main command, <c>dotnet tool restore &amp;&amp; dotnet cake build/build.cake --target=Example</c>,
/// run as a user runs it on a fresh clone (the real Cake runner; the command itself builds the
/// Release addin that examples/hello's #r names, then publishes the example with the engine's
/// default builder to the test bed's registry on 127.0.0.1:5000). The test reads the command from
/// the README, so the README and the test cannot drift apart.
/// </summary>
[Collection("engine")]
public sealed class HelloExampleTests(EngineBed bed)
{
    private const string TestBedRegistry = "127.0.0.1:5000";

    [Fact]
    public async Task Should_Build_Push_And_Verify_Both_Platforms_When_The_Readme_Command_Runs()
    {
        // Given: the test bed's registry with its base image (tests/testbed/setup.sh); nothing built
        // beforehand: the command builds what it needs.
        bed.Require();
        await RequireTestBedRegistryAsync();
        var command = MainCommand();
        Assert.Equal("dotnet tool restore && dotnet cake build/build.cake --target=Example", command);

        // When: each part of the command, as the shell runs it (no other test builds the addin meanwhile).
        var (exitCode, output) = ReleaseAddin.Exclusive(() =>
        {
            var (restoreExit, restoreOutput) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "tool", "restore");
            Assert.True(restoreExit == 0, restoreOutput);
            return TestBed.RunIn(TimeSpan.FromMinutes(12), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "cake", "build/build.cake", "--target=Example");
        });

        // Then: the verification table, with both platforms' binaries checked.
        Assert.True(exitCode == 0, output);
        var digest = Regex.Match(output, $@"VerifyManifest: {Regex.Escape(TestBedRegistry)}/examples/hello@(sha256:[0-9a-f]{{64}}) → \1 \(application/vnd\.oci\.image\.index\.v1\+json").Groups[1].Value;
        Assert.NotEmpty(digest);
        Assert.Matches(@"VerifyManifest: PLATFORM +STATUS +DIGEST +CONFIG +BINARIES / ATTESTATIONS", output);
        Assert.Matches(@"VerifyManifest: linux/amd64 +Ok +sha256:[0-9a-f]{12} linux/amd64 +1 ELF ok", output);
        Assert.Matches(@"VerifyManifest: linux/arm64 +Ok +sha256:[0-9a-f]{12} linux/arm64 +1 ELF ok", output);
        Assert.Contains($"VerifyManifest: {TestBedRegistry}/examples/hello@{digest} serves linux/amd64,linux/arm64, binaries checked.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("which does not declare 'ARG", output, StringComparison.Ordinal); // the example declares TARGETARCH where it uses it

        // and the registry serves that digest for the tag, with both platforms.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{TestBedRegistry}/v2/examples/hello/manifests/1");
        request.Headers.TryAddWithoutValidation("Accept", EngineBed.IndexAccept);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var index = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(
            ["linux/amd64", "linux/arm64", "unknown/unknown", "unknown/unknown"],
            index["manifests"]!.AsArray().Select(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}").Order());

        // and each platform got the native stage's output for its own TARGETARCH and ran its RUN step itself.
        foreach (var (platform, machine) in new[] { ("amd64", "x86_64"), ("arm64", "aarch64") })
        {
            var (runExit, greeting) = TestBed.Run("docker", "run", "--rm", "--platform", "linux/" + platform, $"{TestBedRegistry}/examples/hello@{digest}");
            Assert.True(runExit == 0, greeting);
            // stdout comes first; a pull, if any, writes to stderr after it.
            Assert.StartsWith($"Hello from Cake.MultiArch.\nbuilt natively on x86_64 for {platform}\nfirst run on {machine}\n", greeting, StringComparison.Ordinal);
        }
    }

    /// <summary>The README's main command: the one line of the bash block under its "## The two commands" heading that runs the example.</summary>
    private static string MainCommand()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## The two commands", StringComparison.Ordinal)..];
        var block = Regex.Match(section, "```bash\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        return block.Split('\n').Select(l => l.Trim()).Single(l => l.Contains("--target=Example", StringComparison.Ordinal));
    }

    private static async Task RequireTestBedRegistryAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{TestBedRegistry}/v2/testbed/busybox/manifests/1");
        request.Headers.TryAddWithoutValidation("Accept", EngineBed.IndexAccept);
        try
        {
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            TestPaths.SkipOrFail($"the test bed's registry at {TestBedRegistry} has no base image testbed/busybox:1 ({(int)response.StatusCode}); run tests/testbed/setup.sh");
        }
        catch (HttpRequestException ex)
        {
            TestPaths.SkipOrFail($"the test bed's registry does not answer at {TestBedRegistry} ({ex.Message}); run tests/testbed/setup.sh");
        }
    }
}
