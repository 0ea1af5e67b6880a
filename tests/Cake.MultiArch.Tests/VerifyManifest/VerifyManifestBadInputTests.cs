using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using NSubstitute;

namespace Cake.MultiArch.Tests.VerifyManifest;

/// <summary>
/// The bad-input catalogue of VerifyManifest, VerifyManifests and the registry client's options:
/// each row's input is refused with a clear exception naming the setting and its value, before
/// any request. The registry client starts no process, so each row asserts instead that no HTTP
/// request reached the <see cref="FaultRegistry"/> the image points at, and that the settings
/// object was not written to.
/// </summary>
public sealed class VerifyManifestBadInputTests : IDisposable
{
    private const string Digest = "sha256:dfe46a2d22a9247ddcc95051bd1777994bf6cc8abf0e94779046432e29a8b0ab";
    private static readonly string Nl = System.Environment.NewLine;
    private readonly FaultRegistry _registry = new();
    private readonly TempDirectory _dir = new();

    /// <summary>One row: what to call, the exception expected, and a fragment its message must hold.</summary>
    /// <param name="Act">Calls the alias with the bad input (given the registry's host, the settings to use and a Cake context).</param>
    /// <param name="Exception">The exception type.</param>
    /// <param name="Fragment">A fragment of the message (<c>{host}</c> stands for the registry, <c>{dir}</c> for a temp folder).</param>
    /// <param name="Configure">Makes the bad settings from good ones.</param>
    public sealed record Row(Action<Context> Act, Type Exception, string Fragment, Action<VerifyManifestSettings, Context>? Configure = null);

    /// <summary>What a row's action is given.</summary>
    /// <param name="Cake">A Cake context.</param>
    /// <param name="Host">The fault registry's host.</param>
    /// <param name="Settings">Settings that are good until the row's <see cref="Row.Configure"/> runs.</param>
    /// <param name="Dir">A temp folder.</param>
    public sealed record Context(ICakeContext Cake, string Host, VerifyManifestSettings Settings, string Dir)
    {
        /// <summary>Gets a good image reference at the fault registry.</summary>
        public string Image => $"{Host}/bad/app:1";
    }

    private static readonly Action<Context> Verify = c => c.Cake.VerifyManifest(c.Settings);

    private static BuildxBuildResult Build(string? name, string? digest, params string[] requested)
    {
        var metadata = JsonNode.Parse(TestPaths.ReadFixture("buildx/meta.json"))!.AsObject();
        metadata.Remove("image.name");
        metadata.Remove("containerimage.digest");
        metadata.Remove("containerimage.descriptor");
        if (name is not null)
        {
            metadata["image.name"] = name;
        }

        if (digest is not null)
        {
            metadata["containerimage.digest"] = digest;
        }

        return BuildxBuildResult.Parse(metadata.ToJsonString(), "meta.json", requested.Select(Platform.Parse));
    }

    private static Row Setting(Action<VerifyManifestSettings, Context> configure, string fragment) => new(Verify, typeof(CakeException), fragment, configure);

    private static Row Options(Action<RegistryClientOptions> configure, string fragment) =>
        new(_ =>
        {
            var options = new RegistryClientOptions();
            configure(options);
            using var client = new RegistryClient(options);
        }, typeof(ArgumentOutOfRangeException), fragment);

    public static readonly Dictionary<string, Row> Rows = new(StringComparer.Ordinal)
    {
        // Image
        ["Image null"] = Setting((s, _) => s.Image = null, "VerifyManifest: Image is not set; expected a reference such as 'registry.example.com/team/app:1.0', or pass the BuildxBuildResult."),
        ["Image empty"] = Setting((s, _) => s.Image = string.Empty, "VerifyManifest: Image is not set;"),
        ["Image white space"] = Setting((s, _) => s.Image = "   ", "VerifyManifest: Image is not set;"),
        ["Image upper-case repository"] = Setting((s, c) => s.Image = $"{c.Host}/Team/App:1", "VerifyManifest: Image is invalid: Image reference '{host}/Team/App:1' has upper-case letters in its repository 'Team/App'; repository names must be lower-case."),
        ["Image trailing space"] = Setting((s, c) => s.Image = c.Image + " ", "VerifyManifest: Image is invalid: Image reference '{host}/bad/app:1 ' has leading or trailing white space."),
        ["Image bad digest"] = Setting((s, c) => s.Image = $"{c.Host}/bad/app@sha256:xyz", "VerifyManifest: Image is invalid: Image reference '{host}/bad/app@sha256:xyz' has an invalid digest 'sha256:xyz'"),
        ["Image bad tag"] = Setting((s, c) => s.Image = $"{c.Host}/bad/app:-x", "VerifyManifest: Image is invalid: Image reference '{host}/bad/app:-x' has an invalid tag '-x'"),
        ["Image with a scheme"] = Setting((s, c) => s.Image = $"http://{c.Host}/bad/app:1", "VerifyManifest: Image is invalid: Image reference 'http://{host}/bad/app:1'"),
        ["Image without a repository"] = Setting((s, c) => s.Image = $"{c.Host}/", "VerifyManifest: Image is invalid: Image reference '{host}/'"),

        // ExpectedPlatforms
        ["ExpectedPlatforms empty"] = Setting((s, _) => s.ExpectedPlatforms.Clear(), "VerifyManifest: ExpectedPlatforms is empty; list the platforms the image must serve, such as linux/amd64 and linux/arm64."),
        ["ExpectedPlatforms duplicate after normalisation"] = Setting((s, _) => s.ExpectedPlatforms.Add("linux/x86_64"), "VerifyManifest: ExpectedPlatforms lists 'linux/amd64' more than once (after normalisation)."),
        ["ExpectedPlatforms default value"] = Setting((s, _) => s.ExpectedPlatforms.Add(default), "VerifyManifest: ExpectedPlatforms holds an empty value (default(Platform)); expected platforms made by Platform.Parse, one of 'linux/386'"),

        // Credentials
        ["Username without Password"] = Setting((s, _) => s.Registry.Username = "ci", "VerifyManifest: Username and Password go together; set both or neither."),
        ["Password without Username"] = Setting((s, _) => s.Registry.Password = "s3cret", "VerifyManifest: Username and Password go together; set both or neither."),
        ["Username with a colon"] = Setting((s, _) => (s.Registry.Username, s.Registry.Password) = ("ci:x", "pw"), "VerifyManifest: Username 'ci:x' holds a ':'; expected a user name without one (basic auth joins user and password with ':')."),

        // Numbers and time limits
        ["MaxOffendersShown -1"] = Setting((s, _) => s.MaxOffendersShown = -1, "VerifyManifest: MaxOffendersShown is -1; expected 0 or more (0 counts the offending files without naming them)."),
        ["MaxOffendersShown int.MinValue"] = Setting((s, _) => s.MaxOffendersShown = int.MinValue, "VerifyManifest: MaxOffendersShown is -2147483648; expected 0 or more"),
        ["InsecureRegistries ::::"] = Setting((s, _) => s.Registry.InsecureRegistries.Add("::::"), "VerifyManifest: InsecureRegistries[0] '::::' is not a registry host; expected a host with an optional port, such as 'registry.local:5000', '127.0.0.1:5000' or 'localhost:5000' (no scheme, no path)."),
        ["InsecureRegistries second entry with a scheme"] = Setting((s, _) => { s.Registry.InsecureRegistries.Add("127.0.0.1:5000"); s.Registry.InsecureRegistries.Add("http://registry.local:5000"); }, "VerifyManifest: InsecureRegistries[1] 'http://registry.local:5000' is not a registry host;"),
        ["MaxAttempts 0"] = Setting((s, _) => s.Registry.MaxAttempts = 0, "VerifyManifest: MaxAttempts is 0; expected 1 or more (1 tries each request once)."),
        ["MaxAttempts -3"] = Setting((s, _) => s.Registry.MaxAttempts = -3, "VerifyManifest: MaxAttempts is -3; expected 1 or more"),
        ["RequestTimeout zero"] = Setting((s, _) => s.Registry.RequestTimeout = TimeSpan.Zero, "VerifyManifest: RequestTimeout is 00:00:00; expected a positive time span of at most 1 day, such as TimeSpan.FromSeconds(30)."),
        ["RequestTimeout negative"] = Setting((s, _) => s.Registry.RequestTimeout = TimeSpan.FromSeconds(-1), "VerifyManifest: RequestTimeout is -00:00:01; expected a positive time span of at most 1 day"),
        ["RequestTimeout infinite"] = Setting((s, _) => s.Registry.RequestTimeout = Timeout.InfiniteTimeSpan, "VerifyManifest: RequestTimeout is -00:00:00.0010000; expected a positive time span of at most 1 day"),
        ["RequestTimeout TimeSpan.MaxValue"] = Setting((s, _) => s.Registry.RequestTimeout = TimeSpan.MaxValue, "VerifyManifest: RequestTimeout is 10675199.02:48:05.4775807; expected a positive time span of at most 1 day"),
        ["ReadIdleTimeout zero"] = Setting((s, _) => s.Registry.ReadIdleTimeout = TimeSpan.Zero, "VerifyManifest: ReadIdleTimeout is 00:00:00; expected a positive time span of at most 1 day, such as TimeSpan.FromSeconds(30)."),
        ["LayerTimeout negative"] = Setting((s, _) => s.Registry.LayerTimeout = TimeSpan.FromMinutes(-5), "VerifyManifest: LayerTimeout is -00:05:00; expected a positive time span of at most 1 day, such as TimeSpan.FromMinutes(30)."),
        ["LayerTimeout two days"] = Setting((s, _) => s.Registry.LayerTimeout = TimeSpan.FromDays(2), "VerifyManifest: LayerTimeout is 2.00:00:00; expected a positive time span of at most 1 day"),

        // InsecureRegistries and IgnoredPaths
        ["InsecureRegistries with a scheme"] = Setting((s, _) => s.Registry.InsecureRegistries.Add("http://10.0.0.5:5000"), "VerifyManifest: InsecureRegistries[0] 'http://10.0.0.5:5000' is not a registry host; expected a host with an optional port, such as 'registry.local:5000', '127.0.0.1:5000' or 'localhost:5000' (no scheme, no path)."),
        ["InsecureRegistries empty entry"] = Setting((s, _) => s.Registry.InsecureRegistries.Add(string.Empty), "VerifyManifest: InsecureRegistries[0] '' is not a registry host; expected a host with an optional port"),
        ["InsecureRegistries null entry"] = Setting((s, _) => s.Registry.InsecureRegistries.Add(null!), "VerifyManifest: InsecureRegistries[0] null is not a registry host; expected a host with an optional port"),
        ["InsecureRegistries leading space"] = Setting((s, _) => s.Registry.InsecureRegistries.Add(" r.local:5000"), "VerifyManifest: InsecureRegistries[0] ' r.local:5000' is not a registry host; expected a host with an optional port"),
        ["InsecureRegistries with a path"] = Setting((s, _) => s.Registry.InsecureRegistries.Add("r.local:5000/team"), "VerifyManifest: InsecureRegistries[0] 'r.local:5000/team' is not a registry host; expected a host with an optional port"),
        ["IgnoredPaths relative"] = Setting((s, _) => s.IgnoredPaths.Add("usr/libexec/qemu"), "VerifyManifest: IgnoredPaths holds 'usr/libexec/qemu'; expected an absolute path in the image, such as '/usr/libexec/qemu'."),
        ["IgnoredPaths empty entry"] = Setting((s, _) => s.IgnoredPaths.Add(string.Empty), "VerifyManifest: IgnoredPaths holds ''; expected an absolute path in the image"),

        // AttestationChecks
        ["AttestationChecks lower-case id"] = Setting((s, _) => s.AttestationChecks.Add("provenance"), "VerifyManifest: AttestationChecks lists 'provenance', which is not an attestation check; expected one of 'Provenance', 'Sbom', 'AttestationSubject' (ids are PascalCase: 'Provenance')."),
        ["AttestationChecks kebab-case id"] = Setting((s, _) => s.AttestationChecks.Add("attestation-subject"), "VerifyManifest: AttestationChecks lists 'attestation-subject', which is not an attestation check; expected one of 'Provenance', 'Sbom', 'AttestationSubject' (ids are PascalCase: 'AttestationSubject')."),
        ["AttestationChecks unknown id"] = Setting((s, _) => s.AttestationChecks.Add("Signature"), "VerifyManifest: AttestationChecks lists 'Signature', which is not an attestation check; expected one of 'Provenance', 'Sbom', 'AttestationSubject'."),
        ["AttestationChecks null entry"] = Setting((s, _) => s.AttestationChecks.Add(null!), "VerifyManifest: AttestationChecks lists null, which is not an attestation check; expected one of 'Provenance', 'Sbom', 'AttestationSubject'."),
        ["AttestationChecks duplicate"] = Setting((s, _) => { s.AttestationChecks.Add("Sbom"); s.AttestationChecks.Add("Sbom"); }, "VerifyManifest: AttestationChecks lists 'Sbom' more than once; expected each check once."),
        ["AttestationChecks deep id"] = Setting((s, _) => s.AttestationChecks.Add("ElfMachine"), "VerifyManifest: AttestationChecks lists 'ElfMachine', which is not an attestation check; expected one of 'Provenance', 'Sbom', 'AttestationSubject'."),

        // Docker config
        ["DockerConfig missing folder"] = Setting((s, c) => (s.Registry.DockerConfig, s.Registry.UseDockerConfig) = (new DirectoryPath(System.IO.Path.Combine(c.Dir, "nowhere")), true), "VerifyManifest: DockerConfig is '{dir}/nowhere', a folder that does not exist; expected the folder holding config.json (docker login writes ~/.docker)."),
        ["DockerConfig without UseDockerConfig"] = Setting((s, c) => (s.Registry.DockerConfig, s.Registry.UseDockerConfig) = (new DirectoryPath(c.Dir), false), "VerifyManifest: DockerConfig is '{dir}' but UseDockerConfig is false; set one or the other."),

        // Several at once: every problem listed
        ["Several problems at once"] = Setting((s, _) => (s.Image, s.Registry.MaxAttempts, s.MaxOffendersShown) = (null, 0, -1), "VerifyManifest: Image is not set; expected a reference such as 'registry.example.com/team/app:1.0', or pass the BuildxBuildResult." + Nl + "VerifyManifest: MaxOffendersShown is -1; expected 0 or more (0 counts the offending files without naming them)." + Nl + "VerifyManifest: MaxAttempts is 0; expected 1 or more (1 tries each request once)."),

        // The build-result overload
        ["Build without image.name"] = new(c => c.Cake.VerifyManifest(Build(null, Digest, "linux/amd64"), c.Settings), typeof(CakeException), "VerifyManifest: the build result names no pushed image (image.name is empty); push with a tag (BuildxBuildSettings.Tags and Push), or verify by name with VerifyManifest(new VerifyManifestSettings { Image = … })."),
        ["Build untagged (moby-dangling)"] = new(c => c.Cake.VerifyManifest(Build("moby-dangling@" + Digest, Digest, "linux/amd64"), c.Settings), typeof(CakeException), $"VerifyManifest: the build result's image.name is 'moby-dangling@{Digest}', the name dockerd gives an untagged image, not a pushed one; expected a registry reference."),
        ["Build image.name invalid"] = new(c => c.Cake.VerifyManifest(Build($"{c.Host}/Bad/App:1", Digest, "linux/amd64"), c.Settings), typeof(CakeException), "VerifyManifest: the build result's image.name '{host}/Bad/App:1' is not an image reference; expected 'registry/repository:tag'. Push with a valid tag."),
        ["Build digest invalid"] = new(c => c.Cake.VerifyManifest(Build(c.Image, "sha256:xyz", "linux/amd64"), c.Settings), typeof(CakeException), "VerifyManifest: the build result's digest 'sha256:xyz' is not a digest; expected 'sha256:' followed by 64 hex digits (containerimage.digest)."),
        ["Build digest of another algorithm"] = new(c => c.Cake.VerifyManifest(Build(c.Image, "sha512:" + new string('a', 128), "linux/amd64"), c.Settings), typeof(CakeException), "VerifyManifest: the build result's digest 'sha512:aaaa"),
        ["Build with bad settings"] = new(c => c.Cake.VerifyManifest(Build(c.Image, Digest, "linux/amd64"), c.Settings), typeof(CakeException), "VerifyManifest: MaxOffendersShown is -1; expected 0 or more", (s, _) => s.MaxOffendersShown = -1),
        ["Build with duplicate ExpectedPlatforms"] = new(c => c.Cake.VerifyManifest(Build(c.Image, Digest, "linux/amd64"), c.Settings), typeof(CakeException), "VerifyManifest: ExpectedPlatforms lists 'linux/amd64' more than once (after normalisation).", (s, _) => s.ExpectedPlatforms.Add("linux/x86_64")),
        ["Build null"] = new(c => c.Cake.VerifyManifest((BuildxBuildResult)null!, c.Settings), typeof(ArgumentNullException), "build"),
        ["Settings null"] = new(c => c.Cake.VerifyManifest((VerifyManifestSettings)null!), typeof(ArgumentNullException), "settings"),

        // VerifyManifests
        ["Images empty"] = new(c => c.Cake.VerifyManifests([], c.Settings), typeof(CakeException), "VerifyManifest: images is empty; expected one or more image references, such as 'registry.example.com/team/app:1.0'."),
        ["Images null entry"] = new(c => c.Cake.VerifyManifests([c.Image, null!], c.Settings), typeof(CakeException), "VerifyManifest: images[1] is null; expected a reference such as 'registry.example.com/team/app:1.0'."),
        ["Images empty entry"] = new(c => c.Cake.VerifyManifests([string.Empty, c.Image], c.Settings), typeof(CakeException), "VerifyManifest: images[0] is ''; expected a reference such as 'registry.example.com/team/app:1.0'."),
        ["Images invalid entry"] = new(c => c.Cake.VerifyManifests([c.Image, $"{c.Host}/bad/App:1"], c.Settings), typeof(CakeException), "VerifyManifest: images[1] is invalid: Image reference '{host}/bad/App:1' has upper-case letters in its repository 'bad/App'; repository names must be lower-case."),
        ["maxParallel 0"] = new(c => c.Cake.VerifyManifests([c.Image], c.Settings, maxParallel: 0), typeof(CakeException), "VerifyManifest: maxParallel is 0; expected 1 to 64 images at once (default 8)."),
        ["maxParallel 65"] = new(c => c.Cake.VerifyManifests([c.Image], c.Settings, maxParallel: 65), typeof(CakeException), "VerifyManifest: maxParallel is 65; expected 1 to 64 images at once (default 8)."),
        ["VerifyManifests without ExpectedPlatforms"] = new(c => c.Cake.VerifyManifests([c.Image], c.Settings), typeof(CakeException), "VerifyManifest: ExpectedPlatforms is empty;", (s, _) => s.ExpectedPlatforms.Clear()),
        ["VerifyManifests with bad timeout"] = new(c => c.Cake.VerifyManifests([c.Image, c.Image], c.Settings), typeof(CakeException), "VerifyManifest: RequestTimeout is -00:00:05;", (s, _) => s.Registry.RequestTimeout = TimeSpan.FromSeconds(-5)),
        ["VerifyManifests images null"] = new(c => c.Cake.VerifyManifests(null!, c.Settings), typeof(ArgumentNullException), "images"),
        ["VerifyManifests settings null"] = new(c => c.Cake.VerifyManifests([c.Image], null!), typeof(ArgumentNullException), "settings"),

        // The registry client's own options and references
        ["RegistryClientOptions.Timeout negative"] = Options(o => o.Timeout = TimeSpan.FromSeconds(-1), "RegistryClientOptions.Timeout is -00:00:01; expected a positive time span."),
        ["RegistryClientOptions.AttemptTimeout zero"] = Options(o => o.AttemptTimeout = TimeSpan.Zero, "RegistryClientOptions.AttemptTimeout is 00:00:00; expected a positive time span."),
        ["RegistryClientOptions.ReadIdleTimeout negative"] = Options(o => o.ReadIdleTimeout = TimeSpan.FromSeconds(-2), "RegistryClientOptions.ReadIdleTimeout is -00:00:02; expected a positive time span."),
        ["RegistryClientOptions.MaxAttempts 0"] = Options(o => o.MaxAttempts = 0, "RegistryClientOptions.MaxAttempts is 0; expected 1 or more."),
        ["RegistryClientOptions.MaxDocumentBytes 0"] = Options(o => o.MaxDocumentBytes = 0, "RegistryClientOptions.MaxDocumentBytes is 0; expected 1 or more."),
        ["RegistryClientOptions.InitialBackoff negative"] = Options(o => o.InitialBackoff = TimeSpan.FromSeconds(-1), "RegistryClientOptions.InitialBackoff (-00:00:01) and MaxBackoff (00:00:10) must not be negative."),
        ["RegistryClient reference with a path"] = new(c =>
        {
            using var client = new RegistryClient(new RegistryClientOptions());
            _ = client.GetManifestAsync(ImageReference.Parse(c.Image), "../../_catalog", TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        }, typeof(CakeException), "Registry: '../../_catalog' is not a tag or digest for {host}/bad/app:1/manifests; expected a tag of [A-Za-z0-9_.-] or 'sha256:' followed by 64 hex digits."),
        ["RegistryClient blob by tag"] = new(c =>
        {
            using var client = new RegistryClient(new RegistryClientOptions());
            _ = client.GetBlobAsync(ImageReference.Parse(c.Image), "latest", TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        }, typeof(CakeException), "Registry: 'latest' is not a digest for {host}/bad/app:1/blobs; expected 'sha256:' followed by 64 hex digits."),
    };

    public static TheoryData<string> Cases => new(Rows.Keys);

    [Fact]
    public void Should_Hold_At_Least_45_Cases()
    {
        Assert.True(Rows.Count >= 45, $"{Rows.Count} rows");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Refuse_Bad_Input_Before_Any_Request(string name)
    {
        // Given: good settings pointing at a live registry, made bad by the row
        var row = Rows[name];
        var log = new RecordingLog();
        var cake = Substitute.For<ICakeContext>();
        cake.Log.Returns(log.Log);
        var settings = new VerifyManifestSettings { Image = $"{_registry.Host}/bad/app:1", ExpectedPlatforms = { "linux/amd64" }, Registry = { UseDockerConfig = false } };
        var context = new Context(cake, _registry.Host, settings, _dir.Path);
        row.Configure?.Invoke(settings, context);
        var before = (settings.Image, settings.Registry.MaxAttempts, settings.Registry.RequestTimeout, settings.Registry.DockerConfig?.FullPath);
        var platformsBefore = settings.ExpectedPlatforms.ToArray();
        var checksBefore = settings.AttestationChecks.ToArray();

        // When
        var ex = Assert.Throws(row.Exception, () => row.Act(context));

        // Then: the message names the setting and value; nothing reached the registry; the settings are as they were
        var fragment = row.Fragment.Replace("{host}", _registry.Host, StringComparison.Ordinal).Replace("{dir}", _dir.Path, StringComparison.Ordinal);
        Assert.True(ex.Message.Contains(fragment, StringComparison.Ordinal), $"expected the message to hold:\n{fragment}\nfound:\n{ex.Message}");
        Assert.Empty(_registry.Requests);
        Assert.Equal(before, (settings.Image, settings.Registry.MaxAttempts, settings.Registry.RequestTimeout, settings.Registry.DockerConfig?.FullPath));
        Assert.True(platformsBefore.SequenceEqual(settings.ExpectedPlatforms), "ExpectedPlatforms was written to");
        Assert.True(checksBefore.SequenceEqual(settings.AttestationChecks), "AttestationChecks was written to");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    public void Dispose()
    {
        _registry.Dispose();
        _dir.Dispose();
    }
}
