using Cake.MultiArch.SignImage;

namespace Cake.MultiArch.Tests.SignImage;

/// <summary>SignImage's cosign call: one row per setting (the argv fragment or the environment), and the full argv's order.</summary>
public sealed class SignImagePlanTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Image = "127.0.0.1:5000/team/app@" + Digest;

    public sealed class TheCreateMethod
    {
        public static TheoryData<string, Action<SignImageSettings>, string> Rows => new()
        {
            { "key file", s => s.Key = "cosign.key", "--key cosign.key" },
            { "env key", s => s.Key = "env://COSIGN_PRIVATE_KEY", "--key env://COSIGN_PRIVATE_KEY" },
            { "KMS key", s => s.Key = "awskms:///alias/release", "--key awskms:///alias/release" },
            { "recursive by default", _ => { }, "--yes --key cosign.key --recursive" },
            { "annotation", s => s.Annotations["org.opencontainers.image.source"] = "https://example.com/app", "-a org.opencontainers.image.source=https://example.com/app" },
            { "no tlog upload", s => s.TlogUpload = false, "--tlog-upload=false" },
            { "rekor", s => s.RekorUrl = "https://rekor.example.com", "--rekor-url https://rekor.example.com" },
            { "plain-HTTP registry", s => s.Registry.InsecureRegistries.Add("127.0.0.1:5000"), "--allow-insecure-registry " + Image },
            { "fulcio (keyless)", s => { s.Key = null; s.IdentityToken = "eyJ.token"; s.FulcioUrl = "https://fulcio.example.com"; }, "sign --yes --recursive --fulcio-url https://fulcio.example.com" },
            { "oidc issuer (keyless)", s => { s.Key = null; s.IdentityToken = "eyJ.token"; s.OidcIssuer = "https://issuer.example.com"; }, "--oidc-issuer https://issuer.example.com " + Image },
        };

        [Theory]
        [MemberData(nameof(Rows))]
        public void Should_Pass_The_Setting_When_It_Is_Set(string name, Action<SignImageSettings> set, string fragment)
        {
            // Given
            var settings = new SignImageSettings { Image = Image, Key = "cosign.key" };
            set(settings);

            // When
            var plan = SignImagePlan.Create(settings, _ => true);

            // Then
            Assert.Contains(fragment, string.Join(' ', plan.Arguments), StringComparison.Ordinal);
            Assert.NotNull(name);
        }

        [Fact]
        public void Should_Order_The_Full_Argv()
        {
            // Given
            var settings = new SignImageSettings { Image = "127.0.0.1:5000/team/app:1.0@" + Digest, Key = "cosign.key", KeyPassword = "pw", TlogUpload = false, Annotations = { ["b"] = "2", ["a"] = "1" } };
            settings.Registry.InsecureRegistries.Add("127.0.0.1:5000");

            // When
            var plan = SignImagePlan.Create(settings, _ => true);

            // Then: the tag is dropped, the digest is signed
            Assert.Equal(["sign", "--yes", "--key", "cosign.key", "--recursive", "-a", "a=1", "-a", "b=2", "--tlog-upload=false", "--allow-insecure-registry", Image], plan.Arguments);
        }

        [Fact]
        public void Should_Pass_The_Key_Password_Only_Through_The_Environment()
        {
            // Given
            var settings = new SignImageSettings { Image = Image, Key = "cosign.key", KeyPassword = "pa55-word" };

            // When
            var plan = SignImagePlan.Create(settings, _ => true);

            // Then
            Assert.Equal("pa55-word", plan.Environment["COSIGN_PASSWORD"]);
            Assert.DoesNotContain(plan.Arguments, a => a.Contains("pa55-word", StringComparison.Ordinal));
            Assert.Contains("pa55-word", plan.Secrets);
        }

        [Fact]
        public void Should_Pass_The_Identity_Token_Only_Through_The_Environment()
        {
            // Given
            var settings = new SignImageSettings { Image = Image, IdentityToken = "eyJhbGciOi.token" };

            // When
            var plan = SignImagePlan.Create(settings, _ => true);

            // Then
            Assert.Equal("eyJhbGciOi.token", plan.Environment["SIGSTORE_ID_TOKEN"]);
            Assert.False(plan.Environment.ContainsKey("COSIGN_PASSWORD"));
            Assert.Equal(["sign", "--yes", "--recursive", Image], plan.Arguments);
            Assert.Contains("eyJhbGciOi.token", plan.Secrets);
        }

        [Fact]
        public void Should_Sign_Only_The_Image_When_Recursive_Is_Off()
        {
            // Given
            var settings = new SignImageSettings { Image = Image, Key = "cosign.key", Recursive = false };

            // When
            var plan = SignImagePlan.Create(settings, _ => true);

            // Then
            Assert.Equal(["sign", "--yes", "--key", "cosign.key", Image], plan.Arguments);
        }
    }
}
