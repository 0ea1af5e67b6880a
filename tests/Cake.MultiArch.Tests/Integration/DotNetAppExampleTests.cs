using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// examples/dotnet-app for real: the real <c>dotnet cake</c> publishes a .NET app natively for
/// linux-x64 and linux-arm64, packages both into one image on the engine, pushes it to the test
/// bed's registry, verifies it deep and runs each platform's image (arm64 under QEMU).
/// </summary>
public sealed class DotNetAppExampleTests
{
    private const string Registry = "127.0.0.1:5000";

    [Fact]
    public async Task Should_Publish_Package_Verify_And_Run_The_DotNet_App_For_Both_Platforms()
    {
        // Given: the engine, the test bed's registry with its .NET runtime base image, the addin
        // built where the example's #r points.
        await RequireTestBedAsync();
        ReleaseAddin.Ensure();
        var tag = "t" + Guid.NewGuid().ToString("N")[..10];
        var image = $"{Registry}/examples/hello-dotnet:{tag}";

        // When: exactly the command the example's README gives, with the image pointed at a tag of its own.
        // (Two self-contained publishes and an 85 MB-a-platform push: minutes on a busy 2-core machine.)
        var (exitCode, output) = TestBed.RunIn(TimeSpan.FromMinutes(12), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
            "cake", "examples/dotnet-app/build.cake", "--target=Publish", $"--image={image}");

        // Then: both images ran and printed their own architecture.
        Assert.True(exitCode == 0, output);
        Assert.Contains("linux/amd64: Hello from X64 (linux-x64, .NET 10.", output, StringComparison.Ordinal);
        Assert.Contains("linux/arm64: Hello from Arm64 (linux-arm64, .NET 10.", output, StringComparison.Ordinal);

        // The tag serves the index the build produced, with both platforms.
        var digest = Regex.Match(output, $@"BuildxBuild: done in [0-9.]+s: {Regex.Escape(image)}@(sha256:[0-9a-f]{{64}})").Groups[1].Value;
        Assert.NotEmpty(digest);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Registry}/v2/examples/hello-dotnet/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var platforms = index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("platform")).Select(p => p.GetProperty("os").GetString() + "/" + p.GetProperty("architecture").GetString())
            .Where(p => p != "unknown/unknown").Order().ToArray();
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms);

        // Deep verification read every ELF of each platform: at least the app host and every .so
        // the publish produced (plus the base image's libraries), all for the right machine.
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var published = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "examples", "dotnet-app", "out", arch)).Count(IsElf);
            Assert.True(published >= 10, $"out/{arch} holds {published} ELF files");
            var checkedCount = int.Parse(Regex.Match(output, $@"linux/{arch}\s+Ok\s+\S+\s+linux/{arch}\s+(\d+) ELF ok").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(checkedCount > published, $"linux/{arch}: {checkedCount} ELF files checked, the app alone has {published}");
        }

        Assert.Contains("serves linux/amd64,linux/arm64, binaries checked.", output, StringComparison.Ordinal);
    }

    private static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic.SequenceEqual("\x7F"u8.ToArray().Concat("ELF"u8.ToArray()).ToArray());
    }

    private static async Task RequireTestBedAsync()
    {
        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail("docker with the buildx plugin is not available (tests/testbed/setup.sh installs and starts it): " + output.Trim());
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{Registry}/v2/testbed/dotnet-deps/manifests/bookworm");
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                TestPaths.SkipOrFail($"the test bed's registry at {Registry} has no .NET base image testbed/dotnet-deps:bookworm ({(int)response.StatusCode}; tests/testbed/setup.sh builds it)");
            }
        }
        catch (HttpRequestException ex)
        {
            TestPaths.SkipOrFail($"the test bed's registry at {Registry} does not answer ({ex.Message}; tests/testbed/setup.sh starts it)");
        }
    }
}
