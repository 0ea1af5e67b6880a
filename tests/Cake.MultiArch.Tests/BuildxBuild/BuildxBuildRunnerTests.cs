using System.Reflection;
using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

public sealed class BuildxBuildRunnerTests
{
    public sealed class TheRunMethod
    {
        // Each row: an option → the exact argv fragment docker receives (through Cake's real ProcessRunner).
        private static readonly Dictionary<string, (Action<BuildxBuildSettings, string> Set, Func<string, string[]> Expected)> Options = new()
        {
            ["AddHosts"] = ((s, _) => s.AddHosts["db"] = "10.0.0.5", _ => ["--add-host", "db=10.0.0.5"]),
            ["Allow"] = ((s, _) => s.Allow.Add("network.host"), _ => ["--allow", "network.host"]),
            ["Annotations"] = ((s, _) => s.Annotations["index:org.opencontainers.image.description"] = "My app", _ => ["--annotation", "index:org.opencontainers.image.description=My app"]),
            ["Attestations"] = ((s, _) => s.Attestations.Add("type=sbom,generator=image"), _ => ["--attest", "type=sbom,generator=image"]),
            ["BuildArgs"] = ((s, _) => s.WithBuildArg("VERSION", "1.2.3").WithBuildArg("GREETING", "hello world"), _ => ["--build-arg", "VERSION=1.2.3", "--build-arg", "GREETING=hello world"]),
            ["BuildContexts"] = ((s, _) => s.BuildContexts["base"] = "docker-image://127.0.0.1:5001/base/busybox:1", _ => ["--build-context", "base=docker-image://127.0.0.1:5001/base/busybox:1"]),
            ["Builder"] = ((s, _) => s.WithBuilder("multiarch"), _ => ["--builder", "multiarch"]),
            ["CacheFrom.Registry"] = ((s, _) => s.WithCacheFrom(CacheEntry.Registry("127.0.0.1:5001/tb/hello:cache")), _ => ["--cache-from", "type=registry,ref=127.0.0.1:5001/tb/hello:cache"]),
            ["CacheFrom.Local"] = ((s, d) => s.WithCacheFrom(CacheEntry.Local(source: d + "/cache")), d => ["--cache-from", $"type=local,src={d}/cache"]),
            ["CacheFrom.Gha"] = ((s, _) => s.WithCacheFrom(new CacheEntry(CacheType.Gha) { Scope = "app" }), _ => ["--cache-from", "type=gha,scope=app"]),
            ["CacheTo.Registry"] = ((s, _) => s.WithCacheTo(new CacheEntry(CacheType.Registry) { Ref = "127.0.0.1:5001/tb/hello:cache", Mode = CacheMode.Max, ImageManifest = true, OciMediaTypes = true }), _ => ["--cache-to", "type=registry,ref=127.0.0.1:5001/tb/hello:cache,mode=max,image-manifest=true,oci-mediatypes=true"]),
            ["CacheTo.Inline"] = ((s, _) => s.WithCacheTo(CacheEntry.Inline()), _ => ["--cache-to", "type=inline"]),
            ["CacheTo.Local"] = ((s, d) => s.WithCacheTo(CacheEntry.Local(destination: d + "/cache", mode: CacheMode.Min)), d => ["--cache-to", $"type=local,mode=min,dest={d}/cache"]),
            ["CacheTo.Gha"] = ((s, _) => s.WithCacheTo(CacheEntry.Gha(CacheMode.Max)), _ => ["--cache-to", "type=gha,mode=max"]),
            ["Call"] = ((s, _) => s.Call = "outline", _ => ["--call", "outline"]),
            ["CgroupParent"] = ((s, _) => s.CgroupParent = "ci.slice", _ => ["--cgroup-parent", "ci.slice"]),
            ["Check"] = ((s, _) => s.Check = true, _ => ["--check"]),
            ["File"] = ((s, _) => s.WithFile("app/Dockerfile"), d => ["--file", $"{d}/app/Dockerfile"]),
            ["ImageIdFile"] = ((s, _) => s.ImageIdFile = "app/iid.txt", d => ["--iidfile", $"{d}/app/iid.txt"]),
            ["Labels"] = ((s, _) => s.WithLabel("org.opencontainers.image.source", "https://example.com/app"), _ => ["--label", "org.opencontainers.image.source=https://example.com/app"]),
            ["Load"] = ((s, _) => s.WithLoad(), _ => ["--load"]),
            ["Network"] = ((s, _) => s.Network = "host", _ => ["--network", "host"]),
            ["NoCache"] = ((s, _) => s.NoCache = true, _ => ["--no-cache"]),
            ["NoCacheFilter"] = ((s, _) => { s.NoCacheFilter.Add("build"); s.NoCacheFilter.Add("test"); }, _ => ["--no-cache-filter", "build", "--no-cache-filter", "test"]),
            ["Outputs.Registry"] = ((s, _) => s.WithOutput(new BuildOutput(BuildOutputType.Registry) { Names = { "127.0.0.1:5001/tb/hello:1" } }), _ => ["--output", "type=registry,name=127.0.0.1:5001/tb/hello:1"]),
            ["Outputs.PushByDigest"] = ((s, _) => s.WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { "127.0.0.1:5001/tb/hello" }, Push = true, PushByDigest = true, NameCanonical = true }), _ => ["--output", "type=image,name=127.0.0.1:5001/tb/hello,push=true,push-by-digest=true,name-canonical=true"]),
            ["Outputs.TwoNames"] = ((s, _) => s.WithOutput(BuildOutput.PushedImage("r.example.com/a:1", "r.example.com/a:latest")), _ => ["--output", "type=image,\"name=r.example.com/a:1,r.example.com/a:latest\",push=true"]),
            ["Outputs.Oci"] = ((s, d) => s.WithOutput(BuildOutput.OciArchive(d + "/out/app.tar")), d => ["--output", $"type=oci,dest={d}/out/app.tar"]),
            ["Outputs.Docker"] = ((s, d) => s.WithOutput(new BuildOutput(BuildOutputType.Docker) { Destination = new FilePath(d + "/app-docker.tar") }), d => ["--output", $"type=docker,dest={d}/app-docker.tar"]),
            ["Outputs.Tar"] = ((s, d) => s.WithOutput(new BuildOutput(BuildOutputType.Tar) { Destination = new FilePath(d + "/fs.tar") }), d => ["--output", $"type=tar,dest={d}/fs.tar"]),
            ["Outputs.Local"] = ((s, d) => s.WithOutput(BuildOutput.LocalFolder(d + "/rootfs")), d => ["--output", $"type=local,dest={d}/rootfs"]),
            ["Outputs.CacheOnly"] = ((s, _) => s.WithOutput(new BuildOutput(BuildOutputType.CacheOnly)), _ => ["--output", "type=cacheonly"]),
            ["Outputs.Attributes"] = ((s, _) => s.WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { "r.example.com/a:1" }, Compression = "zstd", OciMediaTypes = true, Attributes = { ["compression-level"] = "3" } }), _ => ["--output", "type=image,name=r.example.com/a:1,oci-mediatypes=true,compression=zstd,compression-level=3"]),
            ["Platforms"] = ((s, _) => s.WithPlatform("linux/amd64", "linux/aarch64", "linux/arm/7"), _ => ["--platform", "linux/amd64,linux/arm64,linux/arm/v7"]),
            ["Progress"] = ((s, _) => s.Progress = BuildProgress.RawJson, _ => ["--progress", "rawjson"]),
            ["Provenance.Disabled"] = ((s, _) => s.WithProvenance(ProvenanceMode.Disabled), _ => ["--provenance=false"]),
            ["Provenance.Enabled"] = ((s, _) => s.WithProvenance(ProvenanceMode.Enabled), _ => ["--provenance=true"]),
            ["Provenance.Min"] = ((s, _) => s.WithProvenance(ProvenanceMode.Min), _ => ["--provenance=mode=min"]),
            ["Provenance.Max"] = ((s, _) => s.WithProvenance(ProvenanceMode.Max), _ => ["--provenance=mode=max"]),
            ["Pull"] = ((s, _) => s.Pull = true, _ => ["--pull"]),
            ["Push"] = ((s, _) => s.WithTag("127.0.0.1:5001/tb/hello:1").WithPush(), _ => ["--push", "--tag", "127.0.0.1:5001/tb/hello:1"]),
            ["Quiet"] = ((s, _) => s.Quiet = true, _ => ["--quiet"]),
            ["Sbom.True"] = ((s, _) => s.Sbom = true, _ => ["--sbom=true"]),
            ["Sbom.False"] = ((s, _) => s.Sbom = false, _ => ["--sbom=false"]),
            ["SbomGenerator"] = ((s, _) => s.WithSbomGenerator("127.0.0.1:5000/cake-multiarch/sbom-scanner:1"), _ => ["--sbom=generator=127.0.0.1:5000/cake-multiarch/sbom-scanner:1"]),
            ["SbomGenerator.WithSbomTrue"] = ((s, _) => s.WithSbom().WithSbomGenerator("docker/buildkit-syft-scanner:stable-1"), _ => ["--sbom=generator=docker/buildkit-syft-scanner:stable-1"]),
            ["Secrets.Env"] = ((s, _) => s.WithSecretFromEnvironment("npm", "HOME"), _ => ["--secret", "id=npm,env=HOME"]),
            ["Secrets.File"] = ((s, d) => s.WithSecretFromFile("token", d + "/app/Dockerfile"), d => ["--secret", $"id=token,src={d}/app/Dockerfile"]),
            ["ShmSize"] = ((s, _) => s.ShmSize = "2g", _ => ["--shm-size", "2g"]),
            ["Ssh"] = ((s, _) => s.Ssh.Add("default"), _ => ["--ssh", "default"]),
            ["Tags"] = ((s, _) => s.WithTag("127.0.0.1:5001/tb/hello:1", "127.0.0.1:5001/tb/hello:latest"), _ => ["--tag", "127.0.0.1:5001/tb/hello:1", "--tag", "127.0.0.1:5001/tb/hello:latest"]),
            ["Target"] = ((s, _) => s.WithTarget("runtime"), _ => ["--target", "runtime"]),
            ["Ulimits"] = ((s, _) => { s.Ulimits.Add(new Ulimit("nofile", 1024, 2048)); s.Ulimits.Add(new Ulimit("nproc", 512)); }, _ => ["--ulimit", "nofile=1024:2048", "--ulimit", "nproc=512"]),
        };

        public static TheoryData<string> OptionNames => new(Options.Keys);

        [Theory]
        [MemberData(nameof(OptionNames))]
        public void Should_Pass_The_Exact_Argv_Fragment_When_Option_Is_Set(string option)
        {
            // Given
            using var harness = new BuildxHarness();
            var settings = harness.NewSettings();
            var (set, expected) = Options[option];
            set(settings, harness.Dir.Path);

            // When
            var fragment = harness.Fragment(settings);

            // Then
            Assert.Equal(expected(harness.Dir.Path), fragment);
        }

        [Fact]
        public void Should_Pass_Only_Metadata_File_And_Context_When_Nothing_Is_Set()
        {
            using var harness = new BuildxHarness();
            harness.Run(harness.NewSettings());
            var argv = harness.Docker.BuildCall();
            Assert.Equal(7, argv.Count);
            Assert.Equal(["buildx", "build", "--metadata-file"], argv.Take(3));
            Assert.StartsWith(System.IO.Path.GetTempPath(), argv[3], StringComparison.Ordinal);
            Assert.EndsWith(".json", argv[3], StringComparison.Ordinal);
            Assert.Equal(["--progress", "rawjson"], argv.Skip(4).Take(2));
            Assert.Equal(harness.AppDir, argv[6]);
            Assert.False(File.Exists(argv[3]), "the temporary metadata file is removed");
        }

        [Fact]
        public void Should_Keep_The_Users_Metadata_File()
        {
            using var harness = new BuildxHarness();
            var settings = harness.NewSettings();
            settings.MetadataFile = "out/meta.json";
            Directory.CreateDirectory(harness.Dir.Combine("out"));
            var result = harness.Run(settings);
            Assert.Equal(harness.Dir.Combine("out", "meta.json"), harness.Docker.BuildCall()[3]);
            Assert.True(File.Exists(harness.Dir.Combine("out", "meta.json")));
            Assert.Equal("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", result.Digest);
        }

        [Fact]
        public void Should_Default_Progress_To_Plain_When_CI_Is_True_And_Buildx_Refuses_Rawjson()
        {
            // Given: buildx 0.11 on a CI runner (rawjson is read into plain lines elsewhere; its own "auto" would be a TTY's on some runners)
            using var harness = new BuildxHarness(ci: true);
            harness.Docker.On("buildx build", stderr: "ERROR: progress=rawjson is not a valid progress option\n", exitCode: 1, times: 1);

            // When
            harness.Run(harness.NewSettings());

            // Then
            Assert.Equal(["rawjson", "plain"], harness.Docker.Calls.Select(c => c[c.ToList().IndexOf("--progress") + 1]));
        }

        [Fact]
        public void Should_Keep_The_Users_Progress_When_CI_Is_True()
        {
            using var harness = new BuildxHarness(ci: true);
            var settings = harness.NewSettings();
            settings.Progress = BuildProgress.Quiet;
            Assert.Equal(["--progress", "quiet"], harness.Fragment(settings));
        }

        [Fact]
        public void Should_Keep_Help_Order_With_Context_Last_When_Everything_Is_Set()
        {
            // Given
            using var harness = new BuildxHarness();
            var d = harness.Dir.Path;
            var settings = harness.NewSettings()
                .WithPlatform("linux/amd64,linux/arm64")
                .WithTag("127.0.0.1:5001/tb/hello:1")
                .WithPush()
                .WithBuildArg("V", "1")
                .WithLabel("l", "v")
                .WithCacheFrom(CacheEntry.Registry("127.0.0.1:5001/tb/hello:cache"))
                .WithCacheTo(CacheEntry.Registry("127.0.0.1:5001/tb/hello:cache", CacheMode.Max))
                .WithSecretFromEnvironment("home", "HOME")
                .WithBuilder("multiarch")
                .WithFile("app/Dockerfile")
                .WithTarget("final")
                .WithProvenance(ProvenanceMode.Disabled);
            settings.AddHosts["h"] = "127.0.0.1";
            settings.Annotations["a"] = "b";
            settings.Sbom = false;
            settings.Pull = true;
            settings.NoCache = true;
            settings.Network = "host";
            settings.Ssh.Add("default");
            settings.Ulimits.Add(new Ulimit("nofile", 10));
            settings.Progress = BuildProgress.Plain;
            settings.MetadataFile = "meta.json";

            // When
            harness.Run(settings);

            // Then
            Assert.Equal(
                [
                    "buildx", "build",
                    "--add-host", "h=127.0.0.1",
                    "--annotation", "a=b",
                    "--build-arg", "V=1",
                    "--builder", "multiarch",
                    "--cache-from", "type=registry,ref=127.0.0.1:5001/tb/hello:cache",
                    "--cache-to", "type=registry,ref=127.0.0.1:5001/tb/hello:cache,mode=max",
                    "--file", $"{d}/app/Dockerfile",
                    "--label", "l=v",
                    "--metadata-file", $"{d}/meta.json",
                    "--network", "host",
                    "--no-cache",
                    "--platform", "linux/amd64,linux/arm64",
                    "--progress", "plain",
                    "--provenance=false",
                    "--pull",
                    "--push",
                    "--sbom=false",
                    "--secret", "id=home,env=HOME",
                    "--ssh", "default",
                    "--tag", "127.0.0.1:5001/tb/hello:1",
                    "--target", "final",
                    "--ulimit", "nofile=10",
                    $"{d}/app",
                ],
                harness.Docker.BuildCall());
        }

        [Fact]
        public void Should_Change_The_Argv_When_Any_Public_Property_Is_Set()
        {
            // Given: every public property of the settings class itself (Cake's ToolSettings and
            // DockerSettings ones act through the process, not the argv).
            using var harness = new BuildxHarness();
            var runner = new BuildxBuildRunner(harness.Cake.FileSystem, harness.Cake.Environment, harness.Cake.ProcessRunner, harness.Cake.Tools, harness.Cake.Log.Log);
            var metadata = new FilePath("/tmp/m.json");
            var baseline = runner.GetArguments(new BuildxBuildSettings(), metadata).Render();
            // The Dockerfile preflight's settings act before docker starts, never on the argv.
            var properties = typeof(BuildxBuildSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.Name is not (nameof(BuildxBuildSettings.Preflight) or nameof(BuildxBuildSettings.SkipPreflight)))
                .ToArray();
            Assert.True(properties.Length >= 34, $"expected every buildx option, found {properties.Length} properties");

            foreach (var property in properties)
            {
                var settings = new BuildxBuildSettings();
                SetSample(settings, property);

                // When
                var rendered = runner.GetArguments(settings, metadata).Render();

                // Then
                Assert.True(rendered != baseline, $"setting {property.Name} did not change the argv: {rendered}");
            }
        }

        private static void SetSample(BuildxBuildSettings settings, PropertyInfo property)
        {
            var type = property.PropertyType;
            var value = property.GetValue(settings);
            switch (value)
            {
                case IList<Platform> platforms: platforms.Add("linux/arm64"); return;
                case IList<string> strings: strings.Add("x"); return;
                case IDictionary<string, string> map: map["k"] = "v"; return;
                case IList<CacheEntry> caches: caches.Add(CacheEntry.Inline()); return;
                case IList<BuildOutput> outputs: outputs.Add(new BuildOutput(BuildOutputType.CacheOnly)); return;
                case IList<BuildSecret> secrets: secrets.Add(BuildSecret.FromEnvironment("s", "S")); return;
                case IList<Ulimit> ulimits: ulimits.Add(new Ulimit("nofile", 1)); return;
            }

            object sample = type switch
            {
                _ when type == typeof(bool) || type == typeof(bool?) => true,
                _ when type == typeof(string) => property.Name == "Context" ? "other" : "x",
                _ when type == typeof(FilePath) => new FilePath("x"),
                _ when Nullable.GetUnderlyingType(type)?.IsEnum == true => Enum.GetValues(Nullable.GetUnderlyingType(type)!).GetValue(0)!,
                _ => throw new InvalidOperationException($"No sample value for {property.Name} ({type}); teach this test the new type."),
            };
            property.SetValue(settings, sample);
        }
    }
}
