using Cake.MultiArch.VerifySignature;

namespace Cake.MultiArch.Tests.VerifySignature;

/// <summary>VerifySignature's cosign call per manifest: one row per setting, and the full argv's order.</summary>
public sealed class VerifySignaturePlanTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Child = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    private const string Image = "127.0.0.1:5000/team/app@" + Digest;

    public sealed class TheArgumentsMethod
    {
        public static TheoryData<string, Action<VerifySignatureSettings>, string> Rows => new()
        {
            { "public key", s => s.Key = "cosign.pub", "verify --key cosign.pub" },
            { "KMS key", s => s.Key = "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", "--key gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k" },
            { "keyless", s => { s.Key = null; s.CertificateIdentity = "https://github.com/team/app/.github/workflows/release.yml@refs/heads/main"; s.CertificateOidcIssuer = "https://token.actions.githubusercontent.com"; }, "verify --certificate-identity https://github.com/team/app/.github/workflows/release.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com" },
            { "ignore tlog", s => s.IgnoreTlog = true, "--insecure-ignore-tlog=true" },
            { "rekor", s => s.RekorUrl = "https://rekor.example.com", "--rekor-url https://rekor.example.com" },
            { "plain-HTTP registry", s => s.Registry.InsecureRegistries.Add("127.0.0.1:5000"), "--allow-insecure-registry --output json" },
        };

        [Theory]
        [MemberData(nameof(Rows))]
        public void Should_Pass_The_Setting_When_It_Is_Set(string name, Action<VerifySignatureSettings> set, string fragment)
        {
            // Given
            var settings = new VerifySignatureSettings { Image = Image, Key = "cosign.pub" };
            set(settings);

            // When
            var plan = VerifySignaturePlan.Create(settings, _ => true);

            // Then
            Assert.Contains(fragment, string.Join(' ', plan.Arguments(Digest)), StringComparison.Ordinal);
            Assert.NotNull(name);
        }

        [Fact]
        public void Should_Order_The_Full_Argv_And_Name_Each_Manifest_By_Digest()
        {
            // Given
            var settings = new VerifySignatureSettings { Image = Image, Key = "cosign.pub", IgnoreTlog = true };
            settings.Registry.InsecureRegistries.Add("127.0.0.1:5000");

            // When
            var plan = VerifySignaturePlan.Create(settings, _ => true);

            // Then
            Assert.Equal(["verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true", "--allow-insecure-registry", "--output", "json", "127.0.0.1:5000/team/app@" + Child], plan.Arguments(Child));
        }
    }
}
