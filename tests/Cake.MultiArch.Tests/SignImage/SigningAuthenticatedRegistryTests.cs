using System.Text;
using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Registry;
using Cake.MultiArch.SignImage;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.Tests.Publishing;
using Cake.MultiArch.VerifySignature;

namespace Cake.MultiArch.Tests.SignImage;

/// <summary>
/// SignImage and VerifySignature with the real cosign against the RegistryBed's registry that asks
/// for basic auth (htpasswd): the credential of <c>settings.Registry</c> reaches cosign only through
/// a temporary <c>DOCKER_CONFIG</c> (owner-only, deleted after the call, also after a failure),
/// never through its arguments, the log (Diagnostic) or an error message.
/// </summary>
public sealed class SigningAuthenticatedRegistryTests
{
    [Collection("registry")]
    public sealed class TheSignAndVerifyMethods(RegistryBed bed)
    {
        private static readonly string Auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryBed.User}:{RegistryBed.Password}"));

        [Fact]
        public async Task Should_Sign_And_Verify_With_The_Credential_Only_In_A_Temporary_Docker_Config()
        {
            // Given
            using var s = await SetUpAsync();
            var runner = new RecordingProcessRunner(s.Context.ProcessRunner);

            // When
            var signed = Sign(s, runner, withCredential: true);
            var verified = Verify(s, runner);

            // Then: index and both platforms signed and verified in the authenticated registry
            Assert.Equal([null, "linux/amd64", "linux/arm64"], signed.Manifests.Select(m => m.Platform?.ToString()));
            Assert.Equal([1, 1, 1], verified.Manifests.Select(m => m.Signatures));
            using (var client = Access(credential: true).CreateClient())
            {
                Assert.NotNull(await client.HeadManifestAsync(ImageReference.Parse(s.Repository + ":x"), s.Index.Replace(':', '-') + ".sig", TestContext.Current.CancellationToken));
            }

            // Each cosign call had the credential in its DOCKER_CONFIG only, owner-only, gone afterwards
            Assert.Equal(4, runner.Calls.Count);
            foreach (var call in runner.Calls)
            {
                Assert.DoesNotContain(RegistryBed.Password, call.Arguments, StringComparison.Ordinal);
                Assert.DoesNotContain(Auth, call.Arguments, StringComparison.Ordinal);
                Assert.Equal($"{{\"auths\":{{\"{bed.Authenticated}\":{{\"auth\":\"{Auth}\"}}}}}}", call.DockerConfigJson);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, call.DockerConfigMode);
                Assert.False(Directory.Exists(call.DockerConfig), $"{call.DockerConfig} is left behind");
            }

            Assert.DoesNotContain(RegistryBed.Password, s.Context.Log.All, StringComparison.Ordinal);
            Assert.DoesNotContain(Auth, s.Context.Log.All, StringComparison.Ordinal);
            Assert.Contains("Executing: ", s.Context.Log.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Delete_The_Temporary_Docker_Config_When_Cosign_Fails()
        {
            // Given: a wrong key password, so cosign fails after the config is written
            using var s = await SetUpAsync();
            var runner = new RecordingProcessRunner(s.Context.ProcessRunner);

            // When
            var ex = Assert.Throws<CakeException>(() => Sign(s, runner, withCredential: true, keyPassword: "wrong-" + PublishedImages.Suffix()));

            // Then
            Assert.StartsWith($"SignImage: cosign sign of {s.Image} failed with exit code 1; cosign said: Error:", ex.Message, StringComparison.Ordinal);
            var call = Assert.Single(runner.Calls);
            Assert.NotNull(call.DockerConfigJson);
            Assert.False(Directory.Exists(call.DockerConfig), $"{call.DockerConfig} is left behind");
            Assert.DoesNotContain(RegistryBed.Password, ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(RegistryBed.Password, s.Context.Log.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Name_The_Registrys_401_Before_Cosign_Starts_When_No_Credential_Is_Given()
        {
            // Given
            using var s = await SetUpAsync();
            var runner = new RecordingProcessRunner(s.Context.ProcessRunner);

            // When: SignImage reads the index (for the platforms it signs) with the same access first
            var ex = Assert.Throws<CakeException>(() => Sign(s, runner, withCredential: false));

            // Then
            Assert.Contains($"returned 401 Unauthorized", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"No credential is set for '{bed.Authenticated}': set Username/Password, or docker login.", ex.Message, StringComparison.Ordinal);
            Assert.Empty(runner.Calls);
        }

        [Fact]
        public async Task Should_Pass_Cosigns_Own_401_To_The_User_When_Cosign_Gets_No_Credential()
        {
            // Given: the index is read with the credential (the runner's client seam), cosign gets none
            using var s = await SetUpAsync();
            var runner = new RecordingProcessRunner(s.Context.ProcessRunner);

            // When
            var ex = Assert.Throws<CakeException>(() => Sign(s, runner, withCredential: false, readWith: Access(credential: true)));

            // Then: cosign's words (the registry's UNAUTHORIZED)
            var repository = s.Repository[(bed.Authenticated.Length + 1)..];
            Assert.StartsWith($"SignImage: cosign sign of {s.Image} failed with exit code 1; cosign said: Error: signing [{s.Image}]: accessing entity: GET http://{bed.Authenticated}/v2/{repository}/manifests/{s.Index}: UNAUTHORIZED: authentication required", ex.Message, StringComparison.Ordinal);
            Assert.Single(runner.Calls);
        }

        private RegistryAccess Access(bool credential)
        {
            var access = credential ? new RegistryAccess { Username = RegistryBed.User, Password = RegistryBed.Password } : new RegistryAccess();
            access.InsecureRegistries.Add(bed.Authenticated);
            return access;
        }

        private SignImageResult Sign(SigningRegistryTests.Signing s, RecordingProcessRunner runner, bool withCredential, string? keyPassword = null, RegistryAccess? readWith = null)
        {
            var settings = new SignImageSettings { Image = s.Image, Key = "cosign.key", KeyPassword = keyPassword ?? s.Password, TlogUpload = false, Registry = Access(withCredential) };
            var factory = readWith is null ? null : new Func<RegistryAccess, IRegistryClient>(_ => readWith.CreateClient());
            return new SignImageRunner(s.Context.FileSystem, s.Context.Environment, runner, s.Context.Tools, s.Context.Log.Log, factory).Run(settings);
        }

        private VerifySignatureResult Verify(SigningRegistryTests.Signing s, RecordingProcessRunner runner)
        {
            var settings = new VerifySignatureSettings { Image = s.Image, Key = "cosign.pub", IgnoreTlog = true, Registry = Access(credential: true) };
            return new VerifySignatureRunner(s.Context.FileSystem, s.Context.Environment, runner, s.Context.Tools, s.Context.Log.Log).Run(settings);
        }

        // The known-good index of the authenticated registry, copied into a repository of this test's own there.
        private async Task<SigningRegistryTests.Signing> SetUpAsync()
        {
            bed.Require();
            SigningRegistryTests.Signing.Require();
            var good = ImageReference.Parse(bed.GoodWithAuth);
            string index;
            using (var client = Access(credential: true).CreateClient())
            {
                index = (await client.HeadManifestAsync(good, good.Tag!, TestContext.Current.CancellationToken))!.Digest;
            }

            var repository = $"{bed.Authenticated}/cma/signed-auth-{PublishedImages.Suffix()}";
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Authenticated}/cma/good@{index}", Tags = { repository + ":1" }, Registry = Access(credential: true) });
            var signing = new SigningRegistryTests.Signing(repository, index, string.Empty, string.Empty);
            signing.GenerateKeyPair("cosign");
            return signing;
        }
    }

    /// <summary>Cake's process runner, recording each call's arguments and the docker config its environment names (read as the process starts).</summary>
    private sealed class RecordingProcessRunner(IProcessRunner inner) : IProcessRunner
    {
        public List<Call> Calls { get; } = [];

        public IProcess Start(FilePath filePath, ProcessSettings settings)
        {
            var folder = settings.EnvironmentVariables?.TryGetValue("DOCKER_CONFIG", out var value) == true ? value : null;
            var file = folder is null ? null : System.IO.Path.Combine(folder, "config.json");
            Calls.Add(new Call(
                settings.Arguments.Render(),
                folder,
                file is not null && File.Exists(file) ? File.ReadAllText(file) : null,
                folder is not null && Directory.Exists(folder) ? File.GetUnixFileMode(folder) : null));
            return inner.Start(filePath, settings);
        }
    }

    private sealed record Call(string Arguments, string? DockerConfig, string? DockerConfigJson, UnixFileMode? DockerConfigMode);
}
