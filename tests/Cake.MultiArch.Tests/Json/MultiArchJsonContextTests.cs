using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cake.Core;
using Cake.MultiArch.Cosign;
using Cake.MultiArch.Json;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using NSubstitute;

namespace Cake.MultiArch.Tests.Json;

/// <summary>
/// The source-generated JSON context writes what the reflection-based serializer wrote before it,
/// byte for byte (the reference below opts into reflection explicitly: the test process has it
/// off by default, so any reflection-based call in the addin fails instead).
/// </summary>
public sealed class MultiArchJsonContextTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static JsonSerializerOptions Reflection(bool indented = false) => new() { WriteIndented = indented, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public sealed class TheReflectionSwitch
    {
        [Fact]
        public void Should_Be_Off_In_The_Test_Process_So_That_A_Reflection_Based_Call_Fails()
        {
            // When
            var ex = Assert.Throws<InvalidOperationException>(() => JsonSerializer.Serialize(new ImageConfig { Os = "linux" }));

            // Then
            Assert.Contains("Reflection-based serialization has been disabled", ex.Message, StringComparison.Ordinal);
            Assert.Equal("{\"architecture\":null,\"os\":\"linux\",\"variant\":null}", JsonSerializer.Serialize(new ImageConfig { Os = "linux" }, MultiArchJsonContext.Default.ImageConfig));
        }
    }

    public sealed class ThePublishRecord
    {
        [Theory]
        [InlineData("linux/arm/v7", null, "default")]
        [InlineData("linux/amd64", Digest, null)]
        public void Should_Be_Written_As_The_Reflection_Serializer_Wrote_It(string platform, string? attestation, string? builder)
        {
            // Given
            var record = new PublishRecord("127.0.0.1:5000/team/app", platform, Digest, attestation, builder, new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.FromHours(1)));
            var dto = new PublishRecord.Dto { Kind = PublishRecord.Kind, Repository = record.Repository, Platform = platform, Digest = Digest, AttestationDigest = attestation, Builder = builder, Time = record.Time };

            // When
            var json = record.ToJson();

            // Then
            Assert.Equal(JsonSerializer.Serialize(dto, Reflection(indented: true)), json);
            Assert.Equal(record, PublishRecord.Parse(json, "linux.json"));
        }

        [Fact]
        public void Should_Be_Written_Indented_With_Every_Field_In_Order()
        {
            // Given
            var record = new PublishRecord("127.0.0.1:5000/team/app", "linux/arm/v7", Digest, null, "default", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

            // When
            var json = record.ToJson();

            // Then
            var nl = System.Environment.NewLine;
            Assert.Equal(
                $"{{{nl}  \"kind\": \"cake-multiarch/publish-record/v1\",{nl}  \"repository\": \"127.0.0.1:5000/team/app\",{nl}  \"platform\": \"linux/arm/v7\",{nl}  \"digest\": \"{Digest}\",{nl}  \"attestationDigest\": null,{nl}  \"builder\": \"default\",{nl}  \"time\": \"2026-11-28T12:00:00+00:00\"{nl}}}",
                json);
        }
    }

    public sealed class TheCosignDockerConfig
    {
        [Theory]
        [InlineData("127.0.0.1:5000", "127.0.0.1:5000")]
        [InlineData(ImageReference.DefaultRegistry, "https://index.docker.io/v1/")]
        public void Should_Be_Written_As_The_Reflection_Serializer_Wrote_It(string registry, string key)
        {
            // Given: a password with the characters the default encoder escapes in base64 ('+', '/', '=')
            var access = new RegistryAccess { Username = "ci-bot", Password = "p>ss+w/rd=" };
            var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("ci-bot:p>ss+w/rd="));
            var before = new Dictionary<string, object> { ["auths"] = new Dictionary<string, object> { [key] = new Dictionary<string, string> { ["auth"] = auth } } };

            // When
            using var config = CosignRegistryConfig.Create(access, registry, Substitute.For<ICakeEnvironment>());
            var written = File.ReadAllText(Path.Combine(config.Environment["DOCKER_CONFIG"], "config.json"));

            // Then
            Assert.Equal(JsonSerializer.Serialize(before, Reflection()), written);
            Assert.Contains("\\u002B", written, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Be_An_Empty_Auths_Object_When_The_Docker_Config_Is_Not_Used()
        {
            // When
            using var config = CosignRegistryConfig.Create(new RegistryAccess { UseDockerConfig = false }, "127.0.0.1:5000", Substitute.For<ICakeEnvironment>());

            // Then
            Assert.Equal("{\"auths\":{}}", File.ReadAllText(Path.Combine(config.Environment["DOCKER_CONFIG"], "config.json")));
        }
    }
}
