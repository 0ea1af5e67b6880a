using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docker;

/// <summary>The probes' answers kept for the process: once per question and docker, failures not kept, builders forgotten on demand.</summary>
public sealed class ProbeCacheTests
{
    private static DockerTarget Target(string? identity, ICakeLog? log = null) =>
        new((_, _) => throw new InvalidOperationException("the cache never runs docker itself"), identity, log ?? new RecordingLog().Log, "BuildxBuild");

    public sealed class TheGetMethod
    {
        [Fact]
        public async Task Should_Read_Once_When_Several_Callers_Ask_At_The_Same_Time()
        {
            // Given
            var cache = new ProbeCache();
            var reads = 0;
            using var gate = new ManualResetEventSlim();
            string Read()
            {
                Interlocked.Increment(ref reads);
                gate.Wait(TimeSpan.FromSeconds(10));
                return "0.13.1";
            }

            // When
            var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => cache.Get(Target("docker"), "version", null, Read))).ToArray();
            await Task.Delay(200, TestContext.Current.CancellationToken);
            gate.Set();
            var answers = await Task.WhenAll(callers);

            // Then
            Assert.Equal(1, reads);
            Assert.All(answers, a => Assert.Equal("0.13.1", a));
        }

        [Fact]
        public void Should_Read_Again_When_The_First_Read_Failed()
        {
            // Given
            var cache = new ProbeCache();
            var reads = 0;

            // When
            var failed = Assert.Throws<CakeException>(() => cache.Get<string>(Target("docker"), "version", null, () => { reads++; throw new CakeException("BuildxVersion: no buildx"); }));
            var answer = cache.Get(Target("docker"), "version", null, () => { reads++; return "0.13.1"; });

            // Then
            Assert.Equal("BuildxVersion: no buildx", failed.Message);
            Assert.Equal("0.13.1", answer);
            Assert.Equal(2, reads);
        }

        [Fact]
        public void Should_Never_Keep_An_Answer_When_The_Target_Has_No_Identity()
        {
            var cache = new ProbeCache();
            var reads = 0;
            _ = cache.Get(Target(null), "version", null, () => ++reads);
            _ = cache.Get(Target(null), "version", null, () => ++reads);
            Assert.Equal(2, reads);
        }

        [Fact]
        public void Should_Say_In_The_Verbose_Log_When_A_Kept_Answer_Is_Used()
        {
            // Given
            var cache = new ProbeCache();
            var log = new RecordingLog();
            var identity = DockerTarget.MakeIdentity("/usr/bin/docker", new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///run/docker.sock" });

            // When
            _ = cache.Get(Target(identity, log.Log), "inspect", "multiarch", () => 1);
            _ = cache.Get(Target(identity, log.Log), "inspect", "multiarch", () => 2);

            // Then
            var line = Assert.Single(log.Lines);
            Assert.Equal(LogLevel.Verbose, line.Level);
            Assert.Equal("BuildxBuild: docker buildx inspect multiarch: using the answer read earlier in this process (cached until an alias changes the builders; /usr/bin/docker, DOCKER_HOST=unix:///run/docker.sock).", line.Text);
        }
    }

    public sealed class TheForgetBuildersMethod
    {
        [Fact]
        public void Should_Forget_Every_Builder_Answer_And_Keep_The_Engine_And_Buildx_Answers()
        {
            // Given
            var cache = new ProbeCache();
            var reads = new List<string>();
            string Read(string what)
            {
                reads.Add(what);
                return what;
            }

            void AskAll()
            {
                foreach (var (kind, subject) in new[] { ("inspect", (string?)null), ("inspect", "multiarch"), ("info", null), ("version", null) })
                {
                    _ = cache.Get(Target("docker"), kind, subject, () => Read($"{kind} {subject}".Trim()));
                }
            }

            // When
            AskAll();
            cache.ForgetBuilders();
            AskAll();

            // Then
            Assert.Equal(["inspect", "inspect multiarch", "info", "version", "inspect", "inspect multiarch"], reads);
        }
    }
}
