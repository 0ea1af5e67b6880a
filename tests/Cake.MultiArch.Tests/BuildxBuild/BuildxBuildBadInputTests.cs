using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

/// <summary>
/// BuildxBuild's bad-input catalogue: each row makes one bad input; the alias (or the fluent
/// helper that takes the input) throws a clear error naming the setting and the value, docker is
/// never started (a fake docker with no rules is the ToolPath), and no file changes.
/// </summary>
public sealed class BuildxBuildBadInputTests
{
    private static readonly Case[] Cases =
    [
        // Platforms
        new("WithPlatform(null string)", (h, s) => s.WithPlatform((string)null!), "BuildxBuild: WithPlatform got no platform for Platforms;", "found [null]."),
        new("WithPlatform(null array)", (h, s) => s.WithPlatform((string[])null!), "WithPlatform got no platform for Platforms;", "found null."),
        new("WithPlatform(empty string)", (h, s) => s.WithPlatform(string.Empty), "WithPlatform got no platform for Platforms;", "found ['']."),
        new("WithPlatform(only commas)", (h, s) => s.WithPlatform(" , , "), "WithPlatform got no platform for Platforms;", "found [' , , ']."),
        new("WithPlatform(no arguments)", (h, s) => s.WithPlatform(Array.Empty<string>()), "WithPlatform got no platform for Platforms;", "found []."),
        new("WithPlatform(a null among values)", (h, s) => s.WithPlatform("linux/amd64", null!), "WithPlatform got no platform for Platforms;", "found ['linux/amd64', null]."),
        new("WithPlatform(unknown architecture)", (h, s) => s.WithPlatform("linux/arm65"), "WithPlatform got an invalid value for Platforms: Platform 'linux/arm65' has an unknown architecture 'arm65'."),
        new("WithPlatform(no os)", (h, s) => s.WithPlatform("arm65"), "WithPlatform got an invalid value for Platforms: Platform 'arm65' is neither an architecture nor an operating system;", "such as 'linux/arm64'"),
        new("WithPlatform(four parts)", (h, s) => s.WithPlatform("linux/arm64/v8/x"), "Platform 'linux/arm64/v8/x' is not of the form os/architecture[/variant]."),
        new("WithPlatform(empty part)", (h, s) => s.WithPlatform("linux//arm64"), "Platform 'linux//arm64' is not of the form os/architecture[/variant]."),
        new("WithPlatform(unknown os)", (h, s) => s.WithPlatform("darwin/arm64"), "Platform 'darwin/arm64' has an unknown operating system 'darwin';"),
        new("WithPlatform(unknown variant)", (h, s) => s.WithPlatform("linux/arm/v9"), "Platform 'linux/arm/v9' has an unknown variant 'v9' for architecture 'arm'."),
        new("WithPlatform(bad item in a comma list)", (h, s) => s.WithPlatform("linux/amd64,,linux/arm65"), "Platform 'linux/arm65' has an unknown architecture 'arm65'."),
        new("WithPlatform(default Platform)", (h, s) => s.WithPlatform(default(Platform)), "BuildxBuild: WithPlatform got no platform or an empty one for Platforms;", "found [default(Platform)]."),
        new("WithPlatform(null Platform array)", (h, s) => s.WithPlatform((Platform[])null!), "WithPlatform got no platform or an empty one for Platforms;", "found null."),
        new("WithPlatform(no Platform)", (h, s) => s.WithPlatform(Array.Empty<Platform>()), "WithPlatform got no platform or an empty one for Platforms;", "found []."),
        new("Platforms holds default(Platform)", (h, s) => s.Platforms.Add(default), "BuildxBuild: Platforms holds an empty value (default(Platform)) at position 1;"),
        new("Platforms holds default(Platform) second", (h, s) => { s.WithPlatform("linux/amd64"); s.Platforms.Add(default); }, "Platforms holds an empty value (default(Platform)) at position 2;"),
        new("windows platform", (h, s) => s.WithPlatform("windows/amd64"), "BuildxBuild: Platforms has 'windows/amd64', which is not a Linux platform;", "buildx builds Windows images only on a Windows daemon"),
        new("windows beside linux", (h, s) => s.WithPlatform("linux/amd64", "windows/arm64"), "Platforms has 'windows/arm64', which is not a Linux platform; expected linux/… platforms, found 'linux/amd64,windows/arm64'."),
        new("freebsd platform", (h, s) => s.WithPlatform("freebsd/amd64"), "Platforms has 'freebsd/amd64', which is not a Linux platform;", "FreeBSD images only on a FreeBSD daemon"),
        new("duplicate platform after normalisation", (h, s) => s.WithPlatform("linux/arm64", "linux/arm64/v8"), "Platforms lists 'linux/arm64' more than once", "found 'linux/arm64,linux/arm64'."),
        new("duplicate platform by alias", (h, s) => s.WithPlatform("linux/x86_64", "linux/amd64"), "Platforms lists 'linux/amd64' more than once"),

        // Tags and image outputs
        new("upper-case repository", (h, s) => s.WithTag("Registry.example.com/Team/App:1"), "BuildxBuild: Tags has an invalid image reference: Image reference 'Registry.example.com/Team/App:1' has upper-case letters"),
        new("tag starts with a dash", (h, s) => s.WithTag("app:-1"), "Tags has an invalid image reference: Image reference 'app:-1' has an invalid tag '-1';"),
        new("short digest", (h, s) => s.WithTag("app@sha256:123"), "Image reference 'app@sha256:123' has an invalid digest 'sha256:123';"),
        new("empty tag", (h, s) => s.WithTag(string.Empty), "BuildxBuild: Tags has an empty image reference ('');"),
        new("blank tag", (h, s) => s.WithTag("  "), "Tags has an empty image reference ('  ');"),
        new("null tag", (h, s) => s.Tags.Add(null!), "BuildxBuild: Tags holds null at position 1;"),
        new("tag with spaces around", (h, s) => s.WithTag(" app:1 "), "Image reference ' app:1 ' has leading or trailing white space."),
        new("tag too long", (h, s) => s.WithTag("app:" + new string('a', 129)), "Tags has an invalid image reference: Image reference 'app:" + new string('a', 129) + "' has an invalid tag"),
        new("invalid output name", (h, s) => s.WithOutput(BuildOutput.PushedImage("Bad/Name:1")), "Outputs ('type=image,name=Bad/Name:1,push=true') has an invalid image reference: Image reference 'Bad/Name:1' has upper-case letters"),
        new("empty output name", (h, s) => s.WithOutput(BuildOutput.PushedImage(string.Empty)), "Outputs ('type=image,name=,push=true') has an empty image reference ('');"),

        // Push and outputs
        new("Push without a tag", (h, s) => s.WithPush(), "BuildxBuild: Push is set but there is nothing to push to: Tags is empty and no image output has a name."),
        new("pushing output without a name", (h, s) => s.WithOutput(new BuildOutput(BuildOutputType.Image) { Push = true }), "Outputs has 'type=image,push=true', which pushes but names no image, and Tags is empty;"),
        new("registry output without a name", (h, s) => s.WithOutput(new BuildOutput(BuildOutputType.Registry)), "Outputs has 'type=registry', which pushes but names no image, and Tags is empty;"),
        new("Push with push=false output", (h, s) => s.WithTag("r.example.com/app:1").WithPush().WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { "r.example.com/app:1" }, Push = false }), "BuildxBuild: Push is set together with output 'type=image,name=r.example.com/app:1,push=false', which says push=false; expected one of them, found both"),
        new("oci output without dest", (h, s) => s.WithOutput(new BuildOutput(BuildOutputType.Oci)), "Outputs has 'type=oci' with no Destination; a oci output writes to a file or folder (dest=)."),
        new("tar output without dest", (h, s) => s.WithOutput(new BuildOutput(BuildOutputType.Tar)), "Outputs has 'type=tar' with no Destination;"),
        new("local output without dest", (h, s) => s.WithOutput(new BuildOutput(BuildOutputType.Local)), "Outputs has 'type=local' with no Destination;"),
        new("null output", (h, s) => s.Outputs.Add(null!), "BuildxBuild: Outputs holds null at position 1;"),
        new("null cache-from", (h, s) => s.CacheFrom.Add(null!), "BuildxBuild: CacheFrom holds null at position 1;"),
        new("null cache-to", (h, s) => s.WithCacheTo(CacheEntry.Inline()).CacheTo.Add(null!), "BuildxBuild: CacheTo holds null at position 2;"),
        new("registry cache-from that is no image", (h, s) => s.CacheFrom.Add(CacheEntry.Registry("not an image")), "BuildxBuild: CacheFrom entry 1 (type=registry) has the ref 'not an image', which is not an image reference: ", "Expected the image that holds the cache, such as 'registry.example.com/app:buildcache'."),
        new("registry cache-to with upper case", (h, s) => s.WithCacheTo(CacheEntry.Inline()).CacheTo.Add(CacheEntry.Registry("Registry.Example.com/App:cache")), "BuildxBuild: CacheTo entry 2 (type=registry) has the ref 'Registry.Example.com/App:cache', which is not an image reference: "),
        new("registry cache without a ref", (h, s) => s.CacheFrom.Add(new CacheEntry(CacheType.Registry)), "BuildxBuild: CacheFrom entry 1 (type=registry) has the ref '', which is not an image reference: An image reference is empty."),

        // Context and Dockerfile
        new("missing context", (h, s) => s.WithContext("nope"), "BuildxBuild: Context 'nope' does not exist (looked at '"),
        new("context is a file", (h, s) => s.WithContext("app/Dockerfile"), "BuildxBuild: Context 'app/Dockerfile' is a file (looked at '", "/app/Dockerfile'); expected a folder, a Git or HTTP URL, or '-'."),
        new("empty context", (h, s) => s.WithContext(string.Empty), "BuildxBuild: Context is empty; expected a folder, a Git or HTTP URL, or '-'."),
        new("blank context", (h, s) => s.WithContext("   "), "BuildxBuild: Context is empty;"),
        new("null context", (h, s) => s.WithContext(null!), "BuildxBuild: Context is empty;"),
        new("context without Dockerfile", (h, s) => { Directory.CreateDirectory(h.Dir.Combine("empty")); s.WithContext("empty"); }, "BuildxBuild: File is not set and the context '", "/empty' has no Dockerfile;"),
        new("missing Dockerfile", (h, s) => s.WithFile("app/Dockerfile.prod"), "BuildxBuild: File 'app/Dockerfile.prod' does not exist (looked at '"),
        new("Dockerfile is a folder", (h, s) => s.WithFile("app"), "BuildxBuild: File 'app' is a folder (looked at '", "expected the Dockerfile itself. Set File to the Dockerfile in it, such as 'app/Dockerfile'."),

        // Files buildx writes at the end
        new("metadata file in a missing folder", (h, s) => s.WithMetadataFile("out/meta.json"), "BuildxBuild: MetadataFile 'out/meta.json' is in a folder that does not exist ('", "/out'); expected an existing folder"),
        new("metadata file is a folder", (h, s) => s.WithMetadataFile("app"), "BuildxBuild: MetadataFile 'app' is a folder (looked at '", "such as 'app/metadata.json'."),
        new("image id file in a missing folder", (h, s) => s.WithImageIdFile("out/deep/iid.txt"), "BuildxBuild: ImageIdFile 'out/deep/iid.txt' is in a folder that does not exist ('", "/out/deep');"),
        new("image id file is a folder", (h, s) => s.WithImageIdFile("app"), "BuildxBuild: ImageIdFile 'app' is a folder (looked at '", "such as 'app/image-id.txt'."),

        // Secrets
        new("blank secret id from the environment", (h, s) => s.WithSecretFromEnvironment(" ", "HOME"), "BuildxBuild: Secrets has a secret with an empty id ('id= ,env=HOME');"),
        new("empty secret id for a value", (h, s) => s.WithSecret(string.Empty, "v"), "Secrets has a secret with an empty id ('id=,env=CAKE_MULTIARCH_SECRET_');"),
        new("null secret id", (h, s) => s.WithSecret(null!, "v"), "Secrets has a secret with an empty id ('id=,env=CAKE_MULTIARCH_SECRET_');"),
        new("secret from an unset variable", (h, s) => s.WithSecretFromEnvironment("npm", "CAKE_MULTIARCH_TEST_UNSET_VARIABLE"), "BuildxBuild: Secrets has secret 'npm' read from environment variable 'CAKE_MULTIARCH_TEST_UNSET_VARIABLE', which is not set;"),
        new("secret from a missing file", (h, s) => s.WithSecretFromFile("token", "missing/token.txt"), "BuildxBuild: Secrets has secret 'token' read from file 'missing/token.txt', which does not exist."),
        new("secret from a folder", (h, s) => s.WithSecretFromFile("token", "app"), "BuildxBuild: Secrets has secret 'token' read from file 'app', which is a folder; expected a file that holds the value."),
        new("null secret value", (h, s) => s.WithSecret("npm", null!), "BuildxBuild: Secrets has secret 'npm' made by WithSecret (BuildSecret.FromValue) with a null value; expected the secret's text, found null."),
        new("duplicate secret id", (h, s) => s.WithSecret("npm", "a").WithSecret("npm", "b"), "BuildxBuild: Secrets has the id 'npm' more than once; each secret id must be unique."),
        new("secret ids a-b and a_b", (h, s) => s.WithSecret("a-b", "one").WithSecret("a_b", "two"), "BuildxBuild: Secrets has ids 'a-b' and 'a_b', which would all pass their value through the environment variable 'CAKE_MULTIARCH_SECRET_A_B'"),
        new("secret ids npm and NPM", (h, s) => s.WithSecret("npm", "one").WithSecret("NPM", "two"), "Secrets has ids 'npm' and 'NPM', which would all pass their value through the environment variable 'CAKE_MULTIARCH_SECRET_NPM'"),
        new("secret ids a.b, a-b and a_b", (h, s) => s.WithSecret("a.b", "1").WithSecret("a-b", "2").WithSecret("a_b", "3"), "Secrets has ids 'a.b' and 'a-b' and 'a_b', which would all pass", "found one variable for 3."),
        new("value secret over an environment secret's variable", (h, s) => { s.EnvironmentVariables["CAKE_MULTIARCH_SECRET_X"] = "env"; s.WithSecretFromEnvironment("other", "CAKE_MULTIARCH_SECRET_X").WithSecret("x", "value"); }, "Secrets has ids 'other' and 'x', which would all pass their value through the environment variable 'CAKE_MULTIARCH_SECRET_X'"),
        new("null secret", (h, s) => s.Secrets.Add(null!), "BuildxBuild: Secrets holds null at position 1;"),

        // Other options
        new("sbom generator with Sbom false", (h, s) => s.WithSbom(false).WithSbomGenerator("127.0.0.1:5000/cake-multiarch/sbom-scanner:1"), "BuildxBuild: SbomGenerator '127.0.0.1:5000/cake-multiarch/sbom-scanner:1' is set together with Sbom = false; expected one of them (a generator makes an SBOM). Remove Sbom = false, or the generator."),
        new("sbom generator with a comma", (h, s) => s.WithSbomGenerator("scanner:1,mode=max"), "BuildxBuild: SbomGenerator 'scanner:1,mode=max' is not an image reference; expected the scanner image, such as 'docker/buildkit-syft-scanner:stable-1' or 'registry.example.com/tools/sbom-scanner:1' (no commas, quotes or spaces: buildx reads --sbom as CSV)."),
        new("sbom generator empty", (h, s) => s.WithSbomGenerator(string.Empty), "BuildxBuild: SbomGenerator '' is not an image reference;"),
        new("sbom generator upper-case", (h, s) => s.WithSbomGenerator("Registry.example.com/Tools/Scanner:1"), "BuildxBuild: SbomGenerator 'Registry.example.com/Tools/Scanner:1' is not an image reference;"),
        new("shm size with words", (h, s) => s.WithShmSize("2 gigs"), "BuildxBuild: ShmSize '2 gigs' is not a size;"),
        new("negative shm size", (h, s) => s.WithShmSize("-1"), "BuildxBuild: ShmSize '-1' is not a size;"),
        new("shm size in gb", (h, s) => s.WithShmSize("2gb"), "BuildxBuild: ShmSize '2gb' is not a size;"),
        new("unknown call", (h, s) => s.WithCall("lint"), "BuildxBuild: Call 'lint' is not a frontend method;"),
        new("check with another call", (h, s) => s.WithCheck().WithCall("outline"), "BuildxBuild: Check is set together with Call 'outline';"),
        new("quiet with plain progress", (h, s) => s.WithQuiet().WithProgress(BuildProgress.Plain), "BuildxBuild: Quiet is set together with Progress 'plain'; buildx refuses the pair"),
        new("quiet with rawjson progress", (h, s) => s.WithQuiet().WithProgress(BuildProgress.RawJson), "BuildxBuild: Quiet is set together with Progress 'rawjson';"),
        new("build arg key with =", (h, s) => s.WithBuildArg("A=B", "c"), "BuildxBuild: BuildArgs has an invalid key 'A=B';"),
        new("empty build arg key", (h, s) => s.WithBuildArg(string.Empty, "c"), "BuildxBuild: BuildArgs has an invalid key '';"),
        new("label key with =", (h, s) => s.WithLabel("=x", "v"), "BuildxBuild: Labels has an invalid key '=x';"),
        new("blank label key", (h, s) => s.WithLabel(" ", "v"), "BuildxBuild: Labels has an invalid key ' ';"),
        new("build context key with =", (h, s) => s.WithBuildContext("a=b", "../lib"), "BuildxBuild: BuildContexts has an invalid key 'a=b';"),
        new("add-host key with =", (h, s) => s.WithAddHost("db=x", "10.0.0.5"), "BuildxBuild: AddHosts has an invalid key 'db=x';"),
        new("empty add-host key", (h, s) => s.WithAddHost(string.Empty, "10.0.0.5"), "BuildxBuild: AddHosts has an invalid key '';"),
        new("null build arg name", (h, s) => s.WithBuildArg(null!, "1"), "BuildxBuild: WithBuildArg got a null name for BuildArgs; expected a name such as 'VERSION', found null."),
        new("null label name", (h, s) => s.WithLabel(null!, "v"), "BuildxBuild: WithLabel got a null name for Labels;"),
        new("null annotation key", (h, s) => s.WithAnnotation(null!, "v"), "BuildxBuild: WithAnnotation got a null name for Annotations;"),
        new("null build context name", (h, s) => s.WithBuildContext(null!, "../lib"), "BuildxBuild: WithBuildContext got a null name for BuildContexts;"),
        new("null add-host name", (h, s) => s.WithAddHost(null!, "10.0.0.5"), "BuildxBuild: WithAddHost got a null name for AddHosts;"),
        new("annotation key with =", (h, s) => s.WithAnnotation("a=b", "v"), "BuildxBuild: Annotations has an invalid key 'a=b';"),
        new("null ssh entry", (h, s) => s.Ssh.Add(null!), "BuildxBuild: Ssh holds null at position 1;"),
        new("null ulimit", (h, s) => s.Ulimits.Add(null!), "BuildxBuild: Ulimits holds null at position 1;"),
        new("null allow entry", (h, s) => s.WithAllow("network.host", null!), "BuildxBuild: Allow holds null at position 2;"),

        // The docker executable
        new("ToolPath that does not exist", (h, s) => s.ToolPath = "/nonexistent/bin/docker", "BuildxBuild: ToolPath '/nonexistent/bin/docker' does not exist (looked at '/nonexistent/bin/docker'); expected the docker executable"),
        new("ToolPath that is a folder", (h, s) => s.ToolPath = "app", "BuildxBuild: ToolPath 'app' is a folder (looked at '", "/app'); expected the docker executable, such as '/usr/bin/docker'. Fix the path, or leave ToolPath unset to find docker on PATH."),
        new("relative ToolPath that does not exist", (h, s) => s.ToolPath = "tools/docker", "BuildxBuild: ToolPath 'tools/docker' does not exist (looked at '", "/tools/docker');"),

        // Several at once: every problem is reported
        new("windows platform and a bad tag", (h, s) => s.WithPlatform("windows/amd64").WithTag("app:-x"), "Platforms has 'windows/amd64', which is not a Linux platform;", System.Environment.NewLine + "BuildxBuild: Tags has an invalid image reference: Image reference 'app:-x'"),
    ];

    public static TheoryData<string> CaseNames => new(Cases.Select(c => c.Name));

    [Fact]
    public void Should_Hold_At_Least_Seventy_Distinct_Cases()
    {
        Assert.True(Cases.Length >= 70, $"{Cases.Length} cases");
        Assert.Equal(Cases.Length, Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Should_Throw_A_Clear_CakeException_Before_Docker_Starts_When_Input_Is_Bad(string name)
    {
        // Given
        var @case = Cases.Single(c => c.Name == name);
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings();
        string[]? before = null;

        // When
        var ex = Record.Exception(() =>
        {
            @case.Make(harness, settings);
            before = Snapshot(harness.Dir.Path);
            harness.Cake.Context.BuildxBuild(settings);
        });

        // Then
        Assert.IsType<CakeException>(ex);
        foreach (var fragment in @case.Fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }

        Assert.Empty(harness.Docker.Calls);
        if (before is not null)
        {
            Assert.Equal(before, Snapshot(harness.Dir.Path));
        }
    }

    private static string[] Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p):O}" : p + "/")
            .Order(StringComparer.Ordinal)
            .ToArray();

    private sealed record Case(string Name, Action<BuildxHarness, BuildxBuildSettings> Make, params string[] Fragments);
}
