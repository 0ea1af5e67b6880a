using Cake.Core;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Registry;
using Cake.MultiArch.SignImage;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.Tests.Publishing;
using Cake.MultiArch.VerifySignature;

namespace Cake.MultiArch.Tests.SignImage;

/// <summary>
/// SignImage and VerifySignature with the real cosign (2.5.0 from Debian) against the test bed's
/// plain-HTTP registry on 127.0.0.1:5000, offline: a key pair made here with a password from the
/// environment, <c>--tlog-upload=false</c>, <c>--allow-insecure-registry</c>, <c>--insecure-ignore-tlog</c>.
/// </summary>
public sealed class SigningRegistryTests
{
    private const string Registry = "127.0.0.1:5000";

    [Collection("registry")]
    public sealed class TheSignAndVerifyMethods(RegistryBed bed)
    {
        private readonly PublishedImages _t = new(bed);

        [Fact]
        public async Task Should_Sign_The_Index_And_Every_Platform_And_Verify_Each()
        {
            // Given
            using var s = await SetUpAsync();

            // When
            var signed = s.Sign(s.Image);
            var verified = s.Verify(s.Image, "cosign.pub");

            // Then
            Assert.Equal([null, "linux/amd64", "linux/arm64"], signed.Manifests.Select(m => m.Platform?.ToString()));
            Assert.Equal(s.Index, signed.Digest);
            Assert.Equal(s.Index.Replace(':', '-') + ".sig", signed.Manifests[0].SignatureTag);
            Assert.Equal([null, "linux/amd64", "linux/arm64"], verified.Manifests.Select(m => m.Platform?.ToString()));
            Assert.All(verified.Manifests, m => Assert.Equal(1, m.Signatures));
            foreach (var manifest in signed.Manifests)
            {
                Assert.NotNull(await s.HeadAsync(s.Repository, manifest.SignatureTag));
            }

            Assert.DoesNotContain(s.Password, s.Context.Log.All, StringComparison.Ordinal);
            Assert.Contains("SignImage: signed linux/arm64 " + s.Arm64, s.Context.Log.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Name_Each_Platform_When_Another_Key_Signed_It()
        {
            // Given: signed with the test's key, verified with another one
            using var s = await SetUpAsync();
            s.Sign(s.Image);
            s.GenerateKeyPair("other");

            // When
            var ex = Assert.Throws<CakeException>(() => s.Verify(s.Image, "other.pub"));

            // Then
            Assert.Contains($"VerifySignature: the signature of linux/arm64 ({s.Arm64}) in {s.Repository} did not verify (exit code 12); cosign said: Error: no matching signatures: invalid signature when validating ASN.1 encoded signature", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"VerifySignature: the signature of linux/amd64 ({s.Amd64})", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"VerifySignature: the signature of the index ({s.Index})", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Fail_Recursive_Verification_When_A_Platform_Manifest_Is_Unsigned()
        {
            // Given: only the index signed
            using var s = await SetUpAsync();
            s.Sign(s.Image, recursive: false);

            // When
            var indexOnly = s.Verify(s.Image, "cosign.pub", recursive: false);
            var ex = Assert.Throws<CakeException>(() => s.Verify(s.Image, "cosign.pub"));

            // Then
            Assert.Single(indexOnly.Manifests);
            Assert.Contains($"VerifySignature: the signature of linux/amd64 ({s.Amd64}) in {s.Repository} did not verify (exit code 10); cosign said: Error: no signatures found", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"VerifySignature: the signature of linux/arm64 ({s.Arm64})", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("the signature of the index", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Keep_The_Signatures_When_Promoted_Into_Another_Repository()
        {
            // Given
            using var s = await SetUpAsync();
            s.Sign(s.Image);
            var other = $"{Registry}/cma-signed-copy-{PublishedImages.Suffix()}";
            var log = new RecordingLog();

            // When
            var promoted = new PromoteImageRunner(log.Log).Run(new PromoteImageSettings { Source = s.Image, Tags = { other + ":1.0" } });
            var verified = s.Verify($"{other}@{s.Index}", "cosign.pub");

            // Then
            Assert.Equal(3, verified.Manifests.Count);
            Assert.Equal((3, 0), (promoted.SignatureTagsCopied, promoted.ReferrersCopied));
            Assert.EndsWith("; 3 signature tags copied)", promoted.ToString(), StringComparison.Ordinal);
            Assert.Contains($"PromoteImage: copied {s.Repository}:{s.Index.Replace(':', '-')}.sig to {other}:{s.Index.Replace(':', '-')}.sig", log.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Keep_A_Wrong_Key_Password_Out_Of_The_Message_And_The_Log()
        {
            // Given
            using var s = await SetUpAsync();
            var wrong = "wrong-" + PublishedImages.Suffix() + "-password";

            // When
            var ex = Assert.Throws<CakeException>(() => s.Sign(s.Image, password: wrong));

            // Then: cosign's own words, never the password
            Assert.StartsWith($"SignImage: cosign sign of {s.Image} failed with exit code 1; cosign said: Error:", ex.Message, StringComparison.Ordinal);
            Assert.Contains("decrypt", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, s.Context.Log.All, StringComparison.Ordinal);
            Assert.Null(await s.HeadAsync(s.Repository, s.Index.Replace(':', '-') + ".sig"));
        }

        private Task<Signing> SetUpAsync() => Signing.SetUpAsync(bed, _t);
    }

    /// <summary>One test's key pair, context and image on the test bed's registry.</summary>
    internal sealed class Signing(string repository, string index, string amd64, string arm64) : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public string Repository => repository;

        public string Index => index;

        public string Amd64 => amd64;

        public string Arm64 => arm64;

        public string Image => $"{repository}@{index}";

        /// <summary>Gets the folder that holds the key pair (cosign.key, cosign.pub).</summary>
        public string Folder => _dir.Path;

        public string Password { get; } = "key-pass-" + Guid.NewGuid().ToString("N");

        public TestCakeContext Context => field ??= new TestCakeContext(_dir.Path);

        /// <summary>Pushes the known-good two-platform index to a repository of its own on the test bed's registry and makes a key pair.</summary>
        public static async Task<Signing> SetUpAsync(RegistryBed bed, PublishedImages? images = null)
        {
            bed.Require();
            Require();
            var (index, amd64, arm64) = await (images ?? new PublishedImages(bed)).GoodDigestsAsync();
            var repository = $"{Registry}/cma-signed-{PublishedImages.Suffix()}";
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{index}", Tags = { repository + ":source" } });
            var signing = new Signing(repository, index, amd64, arm64);
            signing.GenerateKeyPair("cosign");
            return signing;
        }

        public static void Require()
        {
            if (!File.Exists("/usr/bin/cosign"))
            {
                TestPaths.SkipOrFail("cosign is not installed (tests/testbed/setup.sh installs cosign 2.5.0 from Debian 13)");
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                http.GetAsync($"http://{Registry}/v2/").GetAwaiter().GetResult();
            }
            catch (HttpRequestException ex)
            {
                TestPaths.SkipOrFail($"the test bed's registry on {Registry} does not answer ({ex.Message}; tests/testbed/setup.sh starts it)");
            }
        }

        public void GenerateKeyPair(string prefix)
        {
            var (code, output) = TestBed.RunIn("/usr/bin/cosign", _dir.Path, new Dictionary<string, string> { ["COSIGN_PASSWORD"] = Password }, "generate-key-pair", "--output-key-prefix", prefix);
            Assert.True(code == 0, output);
        }

        public SignImageResult Sign(string image, bool recursive = true, string? password = null)
        {
            var settings = new SignImageSettings { Image = image, Key = "cosign.key", KeyPassword = password ?? Password, TlogUpload = false, Recursive = recursive };
            settings.Registry.InsecureRegistries.Add(Registry);
            return new SignImageRunner(Context.FileSystem, Context.Environment, Context.ProcessRunner, Context.Tools, Context.Log.Log).Run(settings);
        }

        public VerifySignatureResult Verify(string image, string key, bool recursive = true)
        {
            var settings = new VerifySignatureSettings { Image = image, Key = key, IgnoreTlog = true, Recursive = recursive };
            settings.Registry.InsecureRegistries.Add(Registry);
            return new VerifySignatureRunner(Context.FileSystem, Context.Environment, Context.ProcessRunner, Context.Tools, Context.Log.Log).Run(settings);
        }

        public async Task<Descriptor?> HeadAsync(string repository, string tag)
        {
            using var client = new RegistryAccess().CreateClient();
            return await client.HeadManifestAsync(ImageReference.Parse(repository + ":x"), tag);
        }

        public void Dispose() => _dir.Dispose();
    }
}
