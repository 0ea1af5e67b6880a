using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest.Elf;

namespace Cake.MultiArch.Tests.VerifyManifest.Deep;

/// <summary>PT_INTERP, DT_NEEDED and the ARM details read from real binaries through a forward-only stream.</summary>
public sealed class ElfReaderTests
{
    internal static string Corpus(string relative)
    {
        var path = Path.Combine(TestBed.Root, "deep", relative);
        if (!File.Exists(path))
        {
            TestPaths.SkipOrFail($"the deep-verification corpus has no {path} (tests/testbed/setup.sh unpacks it)");
        }

        return path;
    }

    private static async Task<ElfDetails> ReadAsync(string path, ForwardReader? reader = null)
    {
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        reader ??= new ForwardReader();
        reader.Reset(new ForwardOnlyStream(bytes), bytes.Length);
        await reader.FillPrefixAsync(20, TestContext.Current.CancellationToken);
        Assert.True(ElfHeader.TryRead(reader.Prefix.AsSpan(0, reader.Filled), out var header));
        return await ElfReader.ReadAsync(reader, header, TestContext.Current.CancellationToken);
    }

    public sealed class TheReadAsyncMethod
    {
        [Fact]
        public async Task Should_Read_The_Loader_And_Needed_Libraries_Of_A_Dynamic_Binary()
        {
            // Given: the host's /bin/sh (dash, amd64, dynamically linked against glibc).
            // When
            var elf = await ReadAsync("/bin/sh");

            // Then
            Assert.Equal("/lib64/ld-linux-x86-64.so.2", elf.Interpreter);
            Assert.Equal(["libc.so.6"], elf.Needed);
            Assert.True(elf.IsDynamic);
            Assert.Null(elf.Unread);
            Assert.Null(elf.ArmFloatAbi);
        }

        [Fact]
        public async Task Should_Say_What_It_Could_Not_Read_When_The_Prefix_Limit_Is_Too_Small()
        {
            // Given: a reader that keeps only 64 bytes, so the string table (before the dynamic section) is passed.
            var reader = new ForwardReader(prefixLimit: 64);

            // When
            var elf = await ReadAsync("/bin/sh", reader);

            // Then: the loader is still read (it comes before), the library names are not guessed.
            Assert.Equal("/lib64/ld-linux-x86-64.so.2", elf.Interpreter);
            Assert.Empty(elf.Needed);
            Assert.Equal("dynamic string table out of reach", elf.Unread);
        }

        [Fact]
        public async Task Should_Read_A_Static_Binary_Without_A_Loader()
        {
            var elf = await ReadAsync("/bin/busybox");

            Assert.Null(elf.Interpreter);
            Assert.Empty(elf.Needed);
        }

        [Theory]
        [InlineData("armhf/busybox/bin/busybox", "hard", 10, "/lib/ld-linux-armhf.so.3", "libresolv.so.2,libc.so.6,ld-linux-armhf.so.3")]
        [InlineData("armhf/busybox-static/bin/busybox", "hard", 10, null, "")]
        [InlineData("armel/busybox/bin/busybox", "soft", 4, "/lib/ld-linux.so.3", "libresolv.so.2,libc.so.6,ld-linux.so.3")]
        [InlineData("armel/busybox-static/bin/busybox", "soft", 4, null, "")]
        public async Task Should_Read_The_Float_Abi_And_Cpu_Architecture_Of_Debian_Arm_Binaries(string file, string abi, int cpuArch, string? interpreter, string needed)
        {
            // When
            var elf = await ReadAsync(Corpus(file));

            // Then: as readelf -h (Flags) and readelf -A (Tag_CPU_arch) print them.
            Assert.Equal(abi, elf.ArmFloatAbi);
            Assert.Equal(cpuArch, elf.ArmCpuArch);
            Assert.Equal(interpreter, elf.Interpreter);
            Assert.Equal(needed, string.Join(",", elf.Needed));
        }
    }

    public sealed class TheArmAttributesType
    {
        [Theory]
        [InlineData(4, "ARMv5TE")]
        [InlineData(7, "ARMv6KZ")]
        [InlineData(10, "ARMv7")]
        [InlineData(14, "ARMv8-A")]
        [InlineData(99, "Tag_CPU_arch 99")]
        public void Should_Name_Cpu_Architectures(int value, string name) => Assert.Equal(name, ArmAttributes.Name(value));

        [Fact]
        public void Should_Read_Tag_Cpu_Arch_And_Vfp_Args_From_A_Section()
        {
            // Given: the bytes GNU as writes for -march=armv7-a -mfloat-abi=hard: 'A', a section
            // (length, "aeabi\0"), a file subsection (tag 1, length) with Tag_CPU_name "7-A",
            // Tag_CPU_arch 10, Tag_ARM_ISA_use 1, Tag_ABI_VFP_args 1.
            byte[] attributes = [(byte)'A', 26, 0, 0, 0, (byte)'a', (byte)'e', (byte)'a', (byte)'b', (byte)'i', 0, 1, 16, 0, 0, 0, 5, (byte)'7', (byte)'-', (byte)'A', 0, 6, 10, 8, 1, 28, 1];

            Assert.True(ArmAttributes.TryRead(attributes, little: true, out var arch, out var vfp));
            Assert.Equal(10, arch);
            Assert.Equal(1, vfp);
        }
    }

    /// <summary>A stream that only reads forward, like a tar entry of a layer being downloaded.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
