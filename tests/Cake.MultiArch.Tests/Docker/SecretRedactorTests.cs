using System.Text.RegularExpressions;
using CsCheck;
using Cake.MultiArch.Docker;

namespace Cake.MultiArch.Tests.Docker;

public sealed class SecretRedactorTests
{
    // A PEM-like multi-line value, as a private key or an .npmrc would be.
    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nbm90LWEtcmVhbC1rZXktanVzdC10ZXN0\n}\n\n-----END PRIVATE KEY-----\n";

    public sealed class TheRedactMethod
    {
        [Fact]
        public void Should_Mask_A_One_Line_Value_Anywhere_In_A_Line()
        {
            // Given
            var redactor = new SecretRedactor(["s3cr3t-value-123"]);

            // When
            var line = redactor.Redact("#5 0.567 token=s3cr3t-value-123; again s3cr3t-value-123");

            // Then
            Assert.Equal("#5 0.567 token=[REDACTED]; again [REDACTED]", line);
        }

        [Fact]
        public void Should_Mask_Each_Line_Of_A_Multi_Line_Value_When_A_Step_Echoes_It()
        {
            // Given: buildx prints each echoed line behind its own step prefix.
            var redactor = new SecretRedactor([Pem]);
            var echoed = Pem.TrimEnd('\n').Split('\n').Select(l => "#5 0.567 " + l).ToArray();

            // When
            var lines = echoed.Select(redactor.Redact).ToArray();

            // Then
            Assert.Equal(
                ["#5 0.567 [REDACTED]", "#5 0.567 [REDACTED]", "#5 0.567 [REDACTED]", "#5 0.567 }", "#5 0.567 ", "#5 0.567 [REDACTED]"],
                lines);
        }

        [Fact]
        public void Should_Mask_The_Whole_Multi_Line_Value_In_A_Longer_Text()
        {
            // Given
            var redactor = new SecretRedactor([Pem.Replace("\n", "\r\n", StringComparison.Ordinal)]);

            // When
            var text = redactor.Redact("before\n" + Pem + "after");

            // Then
            Assert.Equal("before\n[REDACTED]after", text);
        }

        [Theory]
        [InlineData("abc", "x abc y", "x [REDACTED] y")]
        [InlineData("abc\nlonger-line", "x abc y", "x abc y")]
        [InlineData("abc\nlonger-line", "x longer-line y", "x [REDACTED] y")]
        [InlineData("abcd\nxy", "abcd", "[REDACTED]")]
        [InlineData("  padded-line  \n", "#3 padded-line", "#3 [REDACTED]")]
        public void Should_Follow_The_Short_Line_Rule(string secret, string line, string expected)
        {
            // Given: lines shorter than 4 characters of a multi-line value are not masked alone;
            // a one-line value is masked whatever its length.
            var redactor = new SecretRedactor([secret]);

            // When
            var result = redactor.Redact(line);

            // Then
            Assert.Equal(expected, result);
        }

        [Fact]
        public void Should_Prefer_The_Longest_Fragment_And_Never_Mask_The_Mask()
        {
            // Given: one value that contains another, and one that occurs in the mask text.
            var redactor = new SecretRedactor(["RED", "token-RED-long"]);

            // When
            var line = redactor.Redact("a token-RED-long b RED c");

            // Then
            Assert.Equal("a [REDACTED] b [REDACTED] c", line);
        }

        [Fact]
        public void Should_Return_Text_Unchanged_When_It_Knows_No_Secret()
        {
            var redactor = new SecretRedactor([null, string.Empty]);
            Assert.True(redactor.IsEmpty);
            Assert.Equal("#5 0.567 hello", redactor.Redact("#5 0.567 hello"));
            Assert.Equal("#5 0.567 hello", SecretRedactor.None.Redact("#5 0.567 hello"));
        }

        [Fact]
        public void Should_Mask_As_The_Alternation_Of_Its_Fragments_Longest_First_Would_When_Values_Overlap()
        {
            // Given: values and texts from a small alphabet, so that values overlap, nest and repeat
            // in the text; the reference is the one-pass regex the redactor used before it searched
            // with SearchValues (leftmost match, longest fragment first at each position).
            var piece = Gen.String[Gen.Char["ab\n -"], 0, 7];
            var values = piece.Array[0, 4];
            var text = Gen.String[Gen.Char["ab\n -["], 0, 40];

            // When / Then
            Gen.Select(values, text).Sample((secrets, line) =>
            {
                var redactor = new SecretRedactor(secrets);
                Assert.Equal(Reference(secrets, line), redactor.Redact(line));
            }, iter: 5000);
        }

        private static string Reference(string[] values, string text)
        {
            var fragments = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in values.Where(v => v.Length > 0))
            {
                var normalised = value.Replace("\r\n", "\n", StringComparison.Ordinal);
                fragments.Add(value);
                fragments.Add(normalised);
                if (normalised.Trim() is { Length: > 0 } trimmed)
                {
                    fragments.Add(trimmed);
                }

                fragments.UnionWith(normalised.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= SecretRedactor.MinimumLineLength));
            }

            return fragments.Count == 0 || text.Length == 0
                ? text
                : new Regex(string.Join('|', fragments.OrderByDescending(f => f.Length).ThenBy(f => f, StringComparer.Ordinal).Select(Regex.Escape)), RegexOptions.CultureInvariant).Replace(text, SecretRedactor.Mask);
        }
    }
}
