using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Tests.Registry;

public sealed class ImageReferenceTests
{
    public sealed class TheParseMethod
    {
        [Theory]
        [InlineData("alpine", "docker.io", "library/alpine", null, null)]
        [InlineData("alpine:3.20", "docker.io", "library/alpine", "3.20", null)]
        [InlineData("team/app:1.0", "docker.io", "team/app", "1.0", null)]
        [InlineData("127.0.0.1:5001/tb/hello:1", "127.0.0.1:5001", "tb/hello", "1", null)]
        [InlineData("localhost/app", "localhost", "app", null, null)]
        [InlineData("localhost:5000/a/b/c:v1_2-3.x", "localhost:5000", "a/b/c", "v1_2-3.x", null)]
        [InlineData("registry.example.com/team/app@sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", "registry.example.com", "team/app", null, "sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315")]
        [InlineData("ghcr.io/o/a:1@sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", "ghcr.io", "o/a", "1", "sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315")]
        [InlineData("my__app/x-y.z:latest", "docker.io", "my__app/x-y.z", "latest", null)]
        [InlineData("[::1]:5000/app:1", "[::1]:5000", "app", "1", null)]
        public void Should_Split_Registry_Repository_Tag_And_Digest(string input, string registry, string repository, string? tag, string? digest)
        {
            var reference = ImageReference.Parse(input);
            Assert.Equal(registry, reference.Registry);
            Assert.Equal(repository, reference.Repository);
            Assert.Equal(tag, reference.Tag);
            Assert.Equal(digest, reference.Digest);
        }

        [Theory]
        [InlineData("bad_host.com/app:1", "Image reference 'bad_host.com/app:1' has an invalid registry host 'bad_host.com'; expected a host name or IP address with an optional ':port'.")]
        [InlineData("team/App:1", "Image reference 'team/App:1' has upper-case letters in its repository 'team/App'; repository names must be lower-case.")]
        [InlineData("app:-bad", "Image reference 'app:-bad' has an invalid tag '-bad'; a tag is 1 to 128 characters of [A-Za-z0-9_.-] and does not start with '.' or '-'.")]
        [InlineData("app:.bad", "Image reference 'app:.bad' has an invalid tag '.bad'; a tag is 1 to 128 characters of [A-Za-z0-9_.-] and does not start with '.' or '-'.")]
        [InlineData("app@sha256:abc", "Image reference 'app@sha256:abc' has an invalid digest 'sha256:abc'; expected 'sha256:' followed by 64 lower-case hex digits.")]
        [InlineData("team//app", "Image reference 'team//app' has an invalid repository 'team//app'; each '/'-separated part is lower-case letters and digits, joined by '.', '_', '__' or '-'.")]
        [InlineData("team/-app", "Image reference 'team/-app' has an invalid repository 'team/-app'; each '/'-separated part is lower-case letters and digits, joined by '.', '_', '__' or '-'.")]
        [InlineData("", "An image reference is empty.")]
        [InlineData(null, "An image reference is empty.")]
        [InlineData(" app", "Image reference ' app' has leading or trailing white space.")]
        [InlineData("registry.example.com/", "Image reference 'registry.example.com/' has no repository name.")]
        public void Should_Explain_Why_When_Invalid(string? input, string expected)
        {
            var ex = Assert.Throws<FormatException>(() => ImageReference.Parse(input!));
            Assert.Equal(expected, ex.Message);
        }

        [Fact]
        public void Should_Accept_A_128_Character_Tag_And_Reject_129()
        {
            Assert.True(ImageReference.TryParse("app:" + new string('a', 128), out _));
            Assert.False(ImageReference.TryParse("app:" + new string('a', 129), out _));
        }

        [Fact]
        public void Should_Format_Fully_Qualified_And_Pin_To_A_Digest()
        {
            const string digest = "sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315";
            var reference = ImageReference.Parse("alpine:3.20");
            Assert.Equal("docker.io/library/alpine:3.20", reference.ToString());
            Assert.Equal("registry-1.docker.io", reference.ApiHost);
            Assert.Equal("3.20", reference.ManifestReference);
            var pinned = reference.WithDigest(digest);
            Assert.Equal("docker.io/library/alpine@" + digest, pinned.ToString());
            Assert.Equal(digest, pinned.ManifestReference);
        }

        [Fact]
        public void Should_Refuse_A_Null_Digest_With_A_FormatException()
        {
            var ex = Assert.Throws<FormatException>(() => ImageReference.Parse("alpine:3.20").WithDigest(null!));
            Assert.Equal("null is not a digest; expected 'sha256:' followed by 64 lower-case hex digits.", ex.Message);
        }
    }
}
