using Cake.MultiArch.Platforms;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;
using CsCheck;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>Properties of the binfmt_misc parsers: kernel listings and registration lines.</summary>
public sealed class BinfmtPropertyTests
{
    private static readonly string[] FixtureNames = ["qemu-aarch64", "qemu-arm", "qemu-riscv64"];

    private static readonly Gen<byte[]> Bytes = Gen.Byte.Array[1, 24];

    /// <summary>Valid lines: a name, M, an offset, magic and mask of one length, an absolute interpreter, flags.</summary>
    private static readonly Gen<(string Line, int Offset, byte[] Magic, byte[]? Mask, string Flags)> ValidLine =
        Gen.Char["abcxyz019-_.+"].Array[1, 12].Select(Gen.Int[0, 100], Bytes, Gen.Bool, Gen.Char["POCF"].Array[0, 4], Gen.Bool, (name, offset, magic, withMask, flags, literal) =>
        {
            var mask = withMask ? magic.Select(b => (byte)~b).ToArray() : null;
            string Escape(byte[] bytes) => string.Concat(bytes.Select(b => literal && b is >= 0x41 and <= 0x5a ? ((char)b).ToString() : $"\\x{b:x2}"));
            var line = $":q{new string(name)}:M:{(offset == 0 ? string.Empty : offset.ToString(System.Globalization.CultureInfo.InvariantCulture))}:{Escape(magic)}:{(mask is null ? string.Empty : Escape(mask))}:/usr/bin/qemu-test-static:{new string(flags)}";
            return (line, offset, magic, mask, new string(flags));
        });

    public sealed class TheEntryParseMethod
    {
        [Fact]
        public void Should_Parse_Any_Text_Without_Throwing()
        {
            Gen.OneOf(Gen.String, Gen.OneOf(FixtureNames).Select(Gen.Int[0, 200], Gen.String, (n, i, s) => { var t = TestPaths.ReadFixture("binfmt/" + n); return t.Insert(Math.Min(i, t.Length), s); }))
                .Sample(iter: 2000, assert: text => Assert.Equal("x", BinfmtEntry.Parse("x", text).Name));
        }

        [Fact]
        public void Should_Read_Every_Real_Listing_As_The_Qemu_Registration_It_Came_From()
        {
            foreach (var name in FixtureNames)
            {
                var entry = BinfmtEntry.Parse(name, TestPaths.ReadFixture("binfmt/" + name));
                var wanted = RegisterQemuPlan.Qemu(name, entry.Interpreter!, "POF");
                Assert.Empty(wanted.MatchDifferences(entry));
                Assert.Empty(RegisterQemuPlan.Differences(entry, wanted));
                Assert.Equal(entry.Flags, wanted.Flags);
            }
        }
    }

    public sealed class TheRegistrationParseMethod
    {
        [Fact]
        public void Should_Only_Ever_Throw_FormatException_And_Agree_With_TryParse()
        {
            Gen.OneOf(
                    Gen.Char[@":MEx\0123456789abcdefPOCFZ/usr.- "].Array[0, 60].Select(a => new string(a)),
                    Gen.String,
                    ValidLine.Select(Gen.Int[0, 200], Gen.Char, (v, i, c) => v.Line.Insert(Math.Min(i, v.Line.Length), c.ToString())),
                    ValidLine.Select(Gen.Int[0, 200], (v, i) => v.Line.Remove(Math.Min(i, v.Line.Length - 1), 1)))
                .Sample(iter: 2000, assert: line =>
                {
                    var error = Record.Exception(() => BinfmtRegistration.Parse(line));
                    Assert.Equal(error is null, BinfmtRegistration.TryParse(line, out _));
                    Assert.True(error is null or FormatException, error?.GetType().Name + ": " + error?.Message);
                });
        }

        [Fact]
        public void Should_Accept_Every_Valid_Line_And_Match_The_Kernel_Listing_Of_It()
        {
            ValidLine.Sample(iter: 2000, assert: v =>
            {
                // When
                var registration = BinfmtRegistration.Parse(v.Line);

                // Then: the parts, and the entry the kernel lists for it (its format, per the real listings) matches it.
                Assert.Equal((v.Offset, Convert.ToHexStringLower(v.Magic), v.Mask is null ? null : Convert.ToHexStringLower(v.Mask)), (registration.Offset, registration.Magic, registration.Mask));
                Assert.Equal(BinfmtRegistration.NormalizeFlags(v.Flags), registration.Flags);
                var listed = BinfmtEntry.Parse(registration.Name, FakeBinfmtKernel.Listing(registration));
                Assert.Empty(registration.MatchDifferences(listed));
            });
        }

        [Fact]
        public void Should_Refuse_Every_Line_Whose_Mask_And_Magic_Differ_In_Length()
        {
            Gen.Select(Bytes, Bytes).Where((a, b) => a.Length != b.Length).Sample(iter: 2000, assert: (magic, mask) =>
            {
                var line = $":x:M::{string.Concat(magic.Select(b => $"\\x{b:x2}"))}:{string.Concat(mask.Select(b => $"\\x{b:x2}"))}:/bin/sh:F";
                var ex = Assert.Throws<FormatException>(() => BinfmtRegistration.Parse(line));
                Assert.Equal($"Registration line '{line}' has a mask of {mask.Length} bytes and a magic of {magic.Length}; expected the same length (or an empty mask).", ex.Message);
            });
        }

        [Fact]
        public void Should_Know_The_Registration_Of_Every_Platform_The_Addin_Knows()
        {
            foreach (var name in Platform.Supported.Select(p => p.Info.QemuName).Distinct())
            {
                var registration = RegisterQemuPlan.Qemu(name, $"/usr/bin/{name}-static", "F");
                Assert.Equal(name, registration.Name);
                Assert.Equal(registration.Magic.Length, registration.Mask!.Length);
            }
        }
    }
}
