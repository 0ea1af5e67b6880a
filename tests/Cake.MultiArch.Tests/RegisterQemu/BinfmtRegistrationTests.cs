using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.RegisterQemu;

public sealed class BinfmtRegistrationTests
{
    public sealed class TheParseMethod
    {
        [Theory]
        [InlineData("qemu-aarch64", "/usr/libexec/qemu-binfmt/aarch64-binfmt-P")]
        [InlineData("qemu-arm", "/usr/libexec/qemu-binfmt/arm-binfmt-P")]
        [InlineData("qemu-riscv64", "/usr/libexec/qemu-binfmt/riscv64-binfmt-P")]
        public void Should_Read_Debians_Line_As_The_Kernel_Lists_It(string name, string interpreter)
        {
            // Given: Debian's qemu-user-static line (QEMU's magic and mask, flags OPF) and the kernel's real listing of it.
            var (magic, mask) = QemuMagic.For(name)!.Value;
            var listing = BinfmtEntry.Parse(name, TestPaths.ReadFixture("binfmt/" + name));

            // When
            var registration = BinfmtRegistration.Parse($":{name}:M::{magic}:{mask}:{interpreter}:OPF\n");

            // Then
            Assert.Equal((name, 'M', 0, listing.Magic, listing.Mask, listing.Interpreter, listing.Flags), (registration.Name, registration.Type, registration.Offset, registration.Magic, registration.Mask, registration.Interpreter, registration.Flags));
            Assert.Empty(registration.MatchDifferences(listing));
        }

        [Theory]
        [InlineData("CF", "OCF")]
        [InlineData("FCP", "POCF")]
        [InlineData("", "")]
        [InlineData("FF", "F")]
        public void Should_List_Flags_As_The_Kernel_Does(string flags, string listed)
        {
            // The live kernel lists ':CF' as 'flags: OCF' (seen while writing these tests).
            Assert.Equal(listed, BinfmtRegistration.Parse($@":x:M::CMAT::/bin/true:{flags}").Flags);
        }

        [Fact]
        public void Should_Read_Literal_Magic_Characters_And_An_Extension_Entry()
        {
            Assert.Equal("7f454c46", BinfmtRegistration.Parse(@":x:M::\x7fELF:\xff\xff\xff\xff:/bin/sh:F").Magic);
            var extension = BinfmtRegistration.Parse(":cake-multiarch-test:E::cmadummy::/bin/true:");
            Assert.Equal(('E', "cmadummy", (string?)null), (extension.Type, extension.Magic, extension.Mask));
            Assert.Empty(extension.MatchDifferences(BinfmtEntry.Parse("cake-multiarch-test", "enabled\ninterpreter /bin/true\nflags: \nextension .cmadummy\n")));
        }

        [Theory]
        [InlineData(null, "A binfmt_misc registration line is empty; expected ':name:type:offset:magic:mask:interpreter:flags'.")]
        [InlineData("qemu-x:M::\\x7f:\\xff:/bin/sh:F", "Registration line 'qemu-x:M::\\x7f:\\xff:/bin/sh:F' does not start with ':'; expected ':name:type:offset:magic:mask:interpreter:flags'.")]
        [InlineData(":qemu-x:M::\\x7f:\\xff:/bin/sh", "Registration line ':qemu-x:M::\\x7f:\\xff:/bin/sh' has 6 fields; expected 7 in the form ':name:type:offset:magic:mask:interpreter:flags'.")]
        [InlineData(":qemu/x:M::\\x7f:\\xff:/bin/sh:F", "Registration line ':qemu/x:M::\\x7f:\\xff:/bin/sh:F' has an invalid name 'qemu/x'; expected letters, digits, '.', '_', '-' or '+' (not '.', '..', 'status' or 'register').")]
        [InlineData(":register:M::\\x7f:\\xff:/bin/sh:F", "Registration line ':register:M::\\x7f:\\xff:/bin/sh:F' has an invalid name 'register'; expected letters, digits, '.', '_', '-' or '+' (not '.', '..', 'status' or 'register').")]
        [InlineData(":qemu-x:X::\\x7f:\\xff:/bin/sh:F", "Registration line ':qemu-x:X::\\x7f:\\xff:/bin/sh:F' has an invalid type 'X'; expected 'M' (magic) or 'E' (extension).")]
        [InlineData(":qemu-x:M:-1:\\x7f:\\xff:/bin/sh:F", "Registration line ':qemu-x:M:-1:\\x7f:\\xff:/bin/sh:F' has an invalid offset '-1'; expected empty (0) or a decimal number of bytes.")]
        [InlineData(":qemu-x:M::\\x7g:\\xff:/bin/sh:F", "Registration line ':qemu-x:M::\\x7g:\\xff:/bin/sh:F' has an invalid magic '\\x7g': '\\x7g' at character 1 is not an escape the kernel reads; expected \\xHH (two hex digits).")]
        [InlineData(":qemu-x:M::\\x7:\\xff:/bin/sh:F", "Registration line ':qemu-x:M::\\x7:\\xff:/bin/sh:F' has an invalid magic '\\x7': the escape at character 1 is cut short; expected \\xHH (two hex digits).")]
        [InlineData(":qemu-x:M::::/bin/sh:F", "Registration line ':qemu-x:M::::/bin/sh:F' has an empty magic; expected the bytes to match, such as '\\x7fELF'.")]
        [InlineData(":qemu-x:M::\\x7f\\x45:\\xff:/bin/sh:F", "Registration line ':qemu-x:M::\\x7f\\x45:\\xff:/bin/sh:F' has a mask of 1 bytes and a magic of 2; expected the same length (or an empty mask).")]
        [InlineData(":qemu-x:M::\\x7f:\\xff:bin/sh:F", "Registration line ':qemu-x:M::\\x7f:\\xff:bin/sh:F' has an invalid interpreter 'bin/sh'; expected an absolute path without spaces, such as '/usr/bin/qemu-aarch64-static'.")]
        [InlineData(":qemu-x:M::\\x7f:\\xff::F", "Registration line ':qemu-x:M::\\x7f:\\xff::F' has an invalid interpreter ''; expected an absolute path without spaces, such as '/usr/bin/qemu-aarch64-static'.")]
        [InlineData(":qemu-x:M::\\x7f:\\xff:/bin/sh:FX", "Registration line ':qemu-x:M::\\x7f:\\xff:/bin/sh:FX' has an unknown flag 'X' in 'FX'; expected any of 'P', 'O', 'C', 'F'.")]
        [InlineData(":qemu-x:M:255:\\x7f\\x45:\\xff\\xff:/bin/sh:F", "Registration line ':qemu-x:M:255:\\x7f\\x45:\\xff\\xff:/bin/sh:F' matches bytes 255 to 257; expected offset plus magic length of at most 256 (the kernel's BINPRM_BUF_SIZE).")]
        [InlineData(":qemu-x:E:0:jar::/bin/sh:", "Registration line ':qemu-x:E:0:jar::/bin/sh:' is an extension entry (type 'E') with an offset or mask; expected both empty (':name:E::extension::interpreter:flags').")]
        [InlineData(":qemu-x:E::a/b::/bin/sh:", "Registration line ':qemu-x:E::a/b::/bin/sh:' has an invalid extension 'a/b'; expected a file name extension without '.', '/' or '\\', such as 'jar'.")]
        [InlineData(":qemu-x:M::\\x7f:\\xff:/bin/sh:F\r", "Registration line ':qemu-x:M::\\x7f:\\xff:/bin/sh:F\\u000d' has a control or non-ASCII character; expected printable ASCII in the form ':name:type:offset:magic:mask:interpreter:flags' (write bytes as \\xHH).")]
        public void Should_Explain_What_The_Kernel_Would_Refuse_Or_Misread(string? line, string expected)
        {
            var ex = Assert.Throws<FormatException>(() => BinfmtRegistration.Parse(line!));
            Assert.Equal(expected, ex.Message);
            Assert.False(BinfmtRegistration.TryParse(line, out _));
        }
    }
}
