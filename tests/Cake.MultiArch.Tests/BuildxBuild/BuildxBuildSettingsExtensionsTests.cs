using System.Collections;
using System.Reflection;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Tests.BuildxBuild;

public sealed class BuildxBuildSettingsExtensionsTests
{
    // Each row: a helper call → what the settings hold afterwards, rendered as text.
    private static readonly Dictionary<string, (Func<BuildxBuildSettings, BuildxBuildSettings> Apply, Func<BuildxBuildSettings, string> Read, string Expected)> Helpers = new()
    {
        ["WithContext"] = (s => s.WithContext("./src/app"), s => s.Context, "./src/app"),
        ["WithAddHost"] = (s => s.WithAddHost("db", "10.0.0.5").WithAddHost("cache", "10.0.0.6"), s => Render(s.AddHosts), "db=10.0.0.5;cache=10.0.0.6"),
        ["WithAllow"] = (s => s.WithAllow("network.host", "security.insecure"), s => Render(s.Allow), "network.host;security.insecure"),
        ["WithAnnotation"] = (s => s.WithAnnotation("index:org.opencontainers.image.description", "My app"), s => Render(s.Annotations), "index:org.opencontainers.image.description=My app"),
        ["WithAttestation"] = (s => s.WithAttestation("type=sbom,generator=image"), s => Render(s.Attestations), "type=sbom,generator=image"),
        ["WithBuildArg"] = (s => s.WithBuildArg("VERSION", "1.2.3"), s => Render(s.BuildArgs), "VERSION=1.2.3"),
        ["WithBuildContext"] = (s => s.WithBuildContext("base", "docker-image://127.0.0.1:5001/base/busybox:1"), s => Render(s.BuildContexts), "base=docker-image://127.0.0.1:5001/base/busybox:1"),
        ["WithBuilder"] = (s => s.WithBuilder("multiarch"), s => s.Builder!, "multiarch"),
        ["WithCacheFrom"] = (s => s.WithCacheFrom(CacheEntry.Registry("r.example.com/app:cache")), s => Render(s.CacheFrom), "type=registry,ref=r.example.com/app:cache"),
        ["WithCacheTo"] = (s => s.WithCacheTo(CacheEntry.Registry("r.example.com/app:cache", CacheMode.Max)), s => Render(s.CacheTo), "type=registry,ref=r.example.com/app:cache,mode=max"),
        ["WithCall"] = (s => s.WithCall("outline"), s => s.Call!, "outline"),
        ["WithCgroupParent"] = (s => s.WithCgroupParent("ci.slice"), s => s.CgroupParent!, "ci.slice"),
        ["WithCheck"] = (s => s.WithCheck(), s => s.Check.ToString(), "True"),
        ["WithCheck(false)"] = (s => s.WithCheck().WithCheck(false), s => s.Check.ToString(), "False"),
        ["WithFile"] = (s => s.WithFile("app/Dockerfile.prod"), s => s.File!.FullPath, "app/Dockerfile.prod"),
        ["WithImageIdFile"] = (s => s.WithImageIdFile("out/iid.txt"), s => s.ImageIdFile!.FullPath, "out/iid.txt"),
        ["WithLabel"] = (s => s.WithLabel("org.opencontainers.image.source", "https://example.com/app"), s => Render(s.Labels), "org.opencontainers.image.source=https://example.com/app"),
        ["WithLoad"] = (s => s.WithLoad(), s => s.Load.ToString(), "True"),
        ["WithMetadataFile"] = (s => s.WithMetadataFile("out/meta.json"), s => s.MetadataFile!.FullPath, "out/meta.json"),
        ["WithNetwork"] = (s => s.WithNetwork("none"), s => s.Network!, "none"),
        ["WithNoCache"] = (s => s.WithNoCache(), s => s.NoCache.ToString(), "True"),
        ["WithNoCacheFilter"] = (s => s.WithNoCacheFilter("build", "test"), s => Render(s.NoCacheFilter), "build;test"),
        ["WithOutput"] = (s => s.WithOutput(BuildOutput.OciArchive("out/app.tar")), s => Render(s.Outputs), "type=oci,dest=out/app.tar"),
        ["WithPlatform(string)"] = (s => s.WithPlatform("linux/amd64,linux/aarch64", "linux/arm/7"), s => PlatformList.Format(s.Platforms), "linux/amd64,linux/arm64,linux/arm/v7"),
        ["WithPlatform(Platform)"] = (s => s.WithPlatform(Platform.Parse("linux/riscv64")), s => PlatformList.Format(s.Platforms), "linux/riscv64"),
        ["WithProgress"] = (s => s.WithProgress(BuildProgress.RawJson), s => s.Progress.ToString()!, "RawJson"),
        ["WithProvenance"] = (s => s.WithProvenance(ProvenanceMode.Max), s => s.Provenance.ToString()!, "Max"),
        ["WithPull"] = (s => s.WithPull(), s => s.Pull.ToString(), "True"),
        ["WithPush"] = (s => s.WithPush(), s => s.Push.ToString(), "True"),
        ["WithQuiet"] = (s => s.WithQuiet(), s => s.Quiet.ToString(), "True"),
        ["WithSbom"] = (s => s.WithSbom(), s => s.Sbom.ToString()!, "True"),
        ["WithSbom(false)"] = (s => s.WithSbom(false), s => s.Sbom.ToString()!, "False"),
        ["WithSbomGenerator"] = (s => s.WithSbomGenerator("127.0.0.1:5000/cake-multiarch/sbom-scanner:1"), s => s.SbomGenerator!, "127.0.0.1:5000/cake-multiarch/sbom-scanner:1"),
        ["WithSecret"] = (s => s.WithSecret("npm", "s3cr3t"), s => Render(s.Secrets), "id=npm,env=CAKE_MULTIARCH_SECRET_NPM"),
        ["WithSecretFromEnvironment"] = (s => s.WithSecretFromEnvironment("npm", "NPM_TOKEN"), s => Render(s.Secrets), "id=npm,env=NPM_TOKEN"),
        ["WithSecretFromFile"] = (s => s.WithSecretFromFile("token", "/run/token.txt"), s => Render(s.Secrets), "id=token,src=/run/token.txt"),
        ["WithShmSize"] = (s => s.WithShmSize("2g"), s => s.ShmSize!, "2g"),
        ["WithSsh"] = (s => s.WithSsh("default", "deploy=/keys/id_ed25519"), s => Render(s.Ssh), "default;deploy=/keys/id_ed25519"),
        ["WithTag"] = (s => s.WithTag("r.example.com/app:1", "r.example.com/app:latest"), s => Render(s.Tags), "r.example.com/app:1;r.example.com/app:latest"),
        ["WithTarget"] = (s => s.WithTarget("runtime"), s => s.Target!, "runtime"),
        ["WithUlimit(Ulimit)"] = (s => s.WithUlimit(new Ulimit("nofile", 1024, 2048)), s => Render(s.Ulimits), "nofile=1024:2048"),
        ["WithUlimit(name)"] = (s => s.WithUlimit("nproc", 512), s => Render(s.Ulimits), "nproc=512"),
        ["WithDockerConfig"] = (s => s.WithDockerConfig("/ci/docker-config"), s => s.DockerConfig!.FullPath, "/ci/docker-config"),
        ["WithDockerHost"] = (s => s.WithDockerHost("ssh://builder@arm64-host"), s => s.DockerHost!, "ssh://builder@arm64-host"),
        ["WithBuildxBuilder"] = (s => s.WithBuildxBuilder("multiarch"), s => s.BuildxBuilder!, "multiarch"),
    };

    public static TheoryData<string> HelperNames => new(Helpers.Keys);

    public sealed class TheWithMethods
    {
        [Theory]
        [MemberData(nameof(HelperNames), MemberType = typeof(BuildxBuildSettingsExtensionsTests))]
        public void Should_Set_What_The_Helper_Names_When_Called(string helper)
        {
            // Given
            var settings = new BuildxBuildSettings();
            var (apply, read, expected) = Helpers[helper];

            // When
            var returned = apply(settings);

            // Then
            Assert.Same(settings, returned);
            Assert.Equal(expected, read(settings));
        }

        [Fact]
        public void Should_Have_A_With_Method_That_Changes_Every_Settable_Property()
        {
            // Given: every public property of BuildxBuildSettings and DockerSettings that a script
            // can set or fill, plus the ToolSettings ones Cake's own With… helpers cover.
            var covered = typeof(BuildxBuildSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.DeclaringType == typeof(BuildxBuildSettings) || p.DeclaringType == typeof(DockerSettings)
                    || p.Name is nameof(ToolSettings.ToolPath) or nameof(ToolSettings.ToolTimeout) or nameof(ToolSettings.WorkingDirectory) or nameof(ToolSettings.EnvironmentVariables))
                .Where(p => p.SetMethod is { IsPublic: true } || typeof(IEnumerable).IsAssignableFrom(p.PropertyType) && p.PropertyType != typeof(string))
                .ToArray();
            Assert.True(covered.Length >= 40, $"expected every buildx option, found {covered.Length} properties");
            var helpers = new[] { typeof(BuildxBuildSettingsExtensions), typeof(DockerSettingsExtensions), typeof(ToolSettingsExtensions) }
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
                .Where(m => m.Name.StartsWith("With", StringComparison.Ordinal))
                .Select(m => m.IsGenericMethodDefinition ? m.MakeGenericMethod(typeof(BuildxBuildSettings)) : m)
                .Where(m => m.GetParameters().Length > 0 && m.GetParameters()[0].ParameterType.IsAssignableFrom(typeof(BuildxBuildSettings)))
                .ToArray();

            // When: each helper is called with sample values on fresh settings.
            var changed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var helper in helpers)
            {
                if (!TrySample(helper, out var arguments))
                {
                    continue;
                }

                var settings = new BuildxBuildSettings();
                var before = covered.ToDictionary(p => p.Name, p => Fingerprint(p.GetValue(settings)));
                arguments[0] = settings;
                helper.Invoke(null, arguments);
                changed.UnionWith(covered.Where(p => Fingerprint(p.GetValue(settings)) != before[p.Name]).Select(p => p.Name));
            }

            // Then
            var missing = covered.Select(p => p.Name).Where(name => !changed.Contains(name)).ToArray();
            Assert.True(missing.Length == 0, "no With… helper changes " + string.Join(", ", missing));
        }

        private static bool TrySample(MethodInfo method, out object?[] arguments)
        {
            var parameters = method.GetParameters();
            arguments = new object?[parameters.Length];
            for (var i = 1; i < parameters.Length; i++)
            {
                var type = parameters[i].ParameterType;
                object? sample = type switch
                {
                    _ when type == typeof(string[]) && parameters[i].Name == "platforms" => new[] { "linux/arm64" },
                    _ when type == typeof(string[]) => new[] { "sample" },
                    _ when type == typeof(Platform[]) => new[] { Platform.Parse("linux/arm64") },
                    _ when type == typeof(string) => "sample",
                    _ when type == typeof(bool) => true,
                    _ when type == typeof(long) => 7L,
                    _ when type == typeof(long?) => 9L,
                    _ when type == typeof(FilePath) => new FilePath("sample"),
                    _ when type == typeof(DirectoryPath) => new DirectoryPath("sample"),
                    _ when type == typeof(TimeSpan) => TimeSpan.FromMinutes(3),
                    _ when type == typeof(CacheEntry) => CacheEntry.Inline(),
                    _ when type == typeof(BuildOutput) => new BuildOutput(BuildOutputType.CacheOnly),
                    _ when type == typeof(Ulimit) => new Ulimit("nofile", 1),
                    _ when type.IsEnum => Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1),
                    _ => null,
                };
                if (sample is null)
                {
                    return false; // Cake's helpers that take delegates or other settings change no property
                }

                arguments[i] = sample;
            }

            return true;
        }

        private static string Fingerprint(object? value) => value switch
        {
            null => "<null>",
            string text => text,
            IDictionary map => string.Join(";", map.Keys.Cast<object>().Select(k => $"{k}={map[k]}")),
            IEnumerable items => string.Join(";", items.Cast<object>().Select(i => i.ToString())),
            FilePath file => file.FullPath,
            DirectoryPath folder => folder.FullPath,
            _ => value.ToString() ?? string.Empty,
        };
    }

    private static string Render<T>(IEnumerable<T> items) => string.Join(";", items.Select(i => i!.ToString()));

    private static string Render(IDictionary<string, string> map) => string.Join(";", map.Select(kv => $"{kv.Key}={kv.Value}"));
}
