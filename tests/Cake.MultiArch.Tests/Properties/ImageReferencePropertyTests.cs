using Cake.MultiArch.Registry;
using CsCheck;

namespace Cake.MultiArch.Tests.Properties;

/// <summary>Properties of image reference parsing: valid references round-trip, any text gets only the documented exception.</summary>
public sealed class ImageReferencePropertyTests
{
    private static readonly Gen<string> Component =
        Gen.Char["abcz09"].Array[1, 6].Select(Gen.OneOf("", ".", "_", "__", "-", "--"), Gen.Char["az19"].Array[1, 4], (a, sep, b) => sep.Length == 0 ? new string(a) : new string(a) + sep + new string(b));

    private static readonly Gen<string?> Registry = Gen.OneOf<string?>(null, "localhost", "localhost:5000", "127.0.0.1:5001", "registry.example.com", "ghcr.io", "[::1]:5000", "Example.COM:443", "docker.io");

    private static readonly Gen<string?> Tag = Gen.Char["aZ09_.-"].Array[0, 20].Select(Gen.Char["aZ09_"], (rest, first) => first + new string(rest)).Null(0.4);

    private static readonly Gen<string?> Digest = Gen.Char["0123456789abcdef"].Array[64].Select(h => "sha256:" + new string(h)).Null(0.6);

    private static readonly Gen<(string Text, string? Registry, string Path, string? Tag, string? Digest)> Valid =
        Registry.Select(Component.Array[1, 4], Tag, Digest, (r, path, t, d) =>
        {
            // Docker's rule: without a registry, a first part with '.' (or 'localhost') would name one.
            if (r is null && path.Length > 1)
            {
                path[0] = path[0].Replace('.', '-');
            }

            var repository = string.Join('/', path);
            var text = (r is null ? string.Empty : r + "/") + repository + (t is null ? string.Empty : ":" + t) + (d is null ? string.Empty : "@" + d);
            return (text, r, repository, t, d);
        });

    public sealed class TheParseMethod
    {
        [Fact]
        public void Should_Parse_Every_Valid_Reference_Into_Its_Parts_And_Round_Trip()
        {
            Valid.Sample(iter: 2000, assert: v =>
            {
                // When
                var reference = ImageReference.Parse(v.Text);

                // Then
                var registry = v.Registry ?? ImageReference.DefaultRegistry;
                Assert.Equal(registry, reference.Registry);
                Assert.Equal(registry == ImageReference.DefaultRegistry && !v.Path.Contains('/', StringComparison.Ordinal) ? "library/" + v.Path : v.Path, reference.Repository);
                Assert.Equal(v.Tag, reference.Tag);
                Assert.Equal(v.Digest, reference.Digest);
                var again = ImageReference.Parse(reference.ToString());
                Assert.Equal((reference.Registry, reference.Repository, reference.Tag, reference.Digest), (again.Registry, again.Repository, again.Tag, again.Digest));
            });
        }

        [Fact]
        public void Should_Only_Ever_Throw_FormatException_For_Any_Text()
        {
            Gen.OneOf(
                    Gen.Char["aZ09:/@._-[] sha256"].Array[0, 40].Select(a => new string(a)),
                    Gen.String,
                    Valid.Select(Gen.Int[0, 80], Gen.Char, (v, i, c) => v.Text.Insert(Math.Min(i, v.Text.Length), c.ToString())))
                .Sample(iter: 2000, assert: text =>
                {
                    var error = Record.Exception(() => ImageReference.Parse(text));
                    var ok = ImageReference.TryParse(text, out var reference);
                    Assert.Equal(ok, error is null);
                    if (error is not null)
                    {
                        Assert.IsType<FormatException>(error);
                        Assert.Null(reference);
                    }
                    else
                    {
                        Assert.Equal(text, reference!.Original);
                    }
                });
        }

        [Fact]
        public void Should_Only_Ever_Throw_FormatException_From_WithDigest()
        {
            Gen.OneOf(Gen.String, Digest.Select(d => d ?? "sha256:")).Sample(iter: 2000, assert: digest =>
            {
                var error = Record.Exception(() => ImageReference.Parse("app:1").WithDigest(digest));
                Assert.True(error is null or FormatException, error?.GetType().Name);
            });
        }
    }
}
