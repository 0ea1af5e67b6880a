using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The package's ReadyToRun copies (issue 18): one architecture-neutral package holds the IL build in
/// <c>lib/net10.0</c> and a ReadyToRun copy of the same assembly per Linux runtime in
/// <c>runtimes/RID/lib/net10.0</c>; Cake picks one folder by NuGet's RID rules. The x64 choice is
/// asserted where <see cref="PackageTests"/> installs the package; here, the copies themselves and an
/// arm64 Cake (the test bed's arm64 .NET runtime under QEMU) installing the package.
/// </summary>
public sealed class PackageRuntimeCopiesTests
{
    // crossgen2 writes a Linux image's machine field XOR 0x7b79 (the runtime refuses an image built
    // for another machine, so a copy per architecture is needed, not one ReadyToRun DLL).
    private const ushort LinuxMachineXor = 0x7b79;

    [Theory]
    [InlineData("runtimes/linux-x64/lib/net10.0/", (ushort)Machine.Amd64)]
    [InlineData("runtimes/linux-arm64/lib/net10.0/", (ushort)Machine.Arm64)]
    public void Should_Carry_A_ReadyToRun_Copy_Of_The_Same_Assembly_Per_Linux_Runtime(string folder, ushort machine)
    {
        // Given
        var (feed, version) = PackedPackages.Value;
        using var zip = ZipFile.OpenRead(Path.Combine(feed, $"Cake.MultiArch.{version}.nupkg"));

        // When
        var il = Image.Read(zip, "lib/net10.0/Cake.MultiArch.dll");
        var copy = Image.Read(zip, folder + "Cake.MultiArch.dll");

        // Then: the IL build runs anywhere; the copy is precompiled for its machine on Linux
        Assert.Equal((ushort)Machine.I386, il.Machine);
        Assert.True(il.IlOnly);
        Assert.False(il.ReadyToRun);
        Assert.Equal((ushort)(machine ^ LinuxMachineXor), copy.Machine);
        Assert.True(copy.ReadyToRun, $"{folder}Cake.MultiArch.dll has no ReadyToRun header");

        // … and is the same assembly: name, version and every type and method with its signature
        Assert.Equal(il.Identity, copy.Identity);
        Assert.Equal(il.Members.Count, copy.Members.Count);
        Assert.Equal(il.Members, copy.Members);

        // … with the one bundled dependency beside it (NuGet takes one folder's assemblies)
        Assert.Equal(Bytes(zip, "lib/net10.0/ZstdSharp.dll"), Bytes(zip, folder + "ZstdSharp.dll"));
        Assert.Equal(
            ["Cake.MultiArch.dll", "ZstdSharp.dll"],
            zip.Entries.Where(e => e.FullName.StartsWith(folder, StringComparison.Ordinal)).Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_Ship_ReadyToRun_Copies_For_Linux_x64_And_arm64_Only()
    {
        // Given
        var (feed, version) = PackedPackages.Value;
        using var zip = ZipFile.OpenRead(Path.Combine(feed, $"Cake.MultiArch.{version}.nupkg"));

        // When
        var runtimes = zip.Entries.Where(e => e.FullName.StartsWith("runtimes/", StringComparison.Ordinal))
            .Select(e => e.FullName.Split('/')[1]).Distinct().Order(StringComparer.Ordinal);

        // Then: any other runtime (Windows, macOS, 32-bit Arm…) loads lib/net10.0, the IL build
        Assert.Equal(["linux-arm64", "linux-x64"], runtimes);
    }

    [Fact]
    public void Should_Load_The_arm64_Copy_When_An_arm64_Cake_Installs_The_Package()
    {
        // Given: Cake itself as an arm64 process (tests/testbed/arm64-cake.sh), installing the package
        var (feed, version) = PackedPackages.Value;
        using var dir = new TempDirectory();
        var script = dir.WriteFile("build.cake", $$"""
            #addin nuget:file://{{feed}}?package=Cake.MultiArch&version={{version}}
            Information("ARCH=" + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture);
            Information("ADDIN_FILE=" + typeof(Platform).Assembly.Location);
            Information("PARSED=" + Platform.Parse("linux/arm64/v8"));
            """);

        // When
        var (exitCode, output) = TestBed.RunIn(
            TimeSpan.FromMinutes(6), "bash", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
            Path.Combine(TestPaths.RepositoryRoot, "tests", "testbed", "arm64-cake.sh"), script);
        if (exitCode == 3)
        {
            TestPaths.SkipOrFail(output.Trim());
        }

        // Then: an arm64 process, which loaded the arm64 ReadyToRun copy and ran it
        Assert.True(exitCode == 0, output);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("ARCH=Arm64", lines);
        Assert.Contains("ADDIN_FILE=" + Path.Combine(dir.Path, "tools", "Addins", $"Cake.MultiArch.{version}", PackedPackages.CopyFor(System.Runtime.InteropServices.Architecture.Arm64), "Cake.MultiArch.dll"), lines);
        Assert.Contains("PARSED=linux/arm64", lines);
    }

    private static byte[] Bytes(ZipArchive zip, string entry)
    {
        using var stream = zip.GetEntry(entry)?.Open() ?? throw new InvalidOperationException($"the package has no {entry}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // What the tests read from one DLL of the package: its PE machine, COR flags and ReadyToRun
    // header, and its metadata (identity, then every type's methods with their signature blobs).
    private sealed record Image(ushort Machine, bool IlOnly, bool ReadyToRun, string Identity, IReadOnlyList<string> Members)
    {
        public static Image Read(ZipArchive zip, string entry)
        {
            using var pe = new PEReader(new MemoryStream(Bytes(zip, entry)));
            var headers = pe.PEHeaders;
            var native = headers.CorHeader!.ManagedNativeHeaderDirectory;
            var readyToRun = native.Size > 0 && pe.GetSectionData(native.RelativeVirtualAddress).GetContent(0, 4).SequenceEqual("RTR\0"u8.ToArray());
            var metadata = pe.GetMetadataReader();
            var assembly = metadata.GetAssemblyDefinition();
            var members = new List<string>();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var type = metadata.GetTypeDefinition(handle);
                var name = metadata.GetString(type.Namespace) + "." + metadata.GetString(type.Name);
                members.Add(name);
                members.AddRange(type.GetMethods().Select(m => metadata.GetMethodDefinition(m))
                    .Select(m => $"{name}::{metadata.GetString(m.Name)} {Convert.ToHexString(metadata.GetBlobBytes(m.Signature))}"));
            }

            return new Image(
                (ushort)headers.CoffHeader.Machine,
                (headers.CorHeader.Flags & CorFlags.ILOnly) != 0,
                readyToRun,
                $"{metadata.GetString(assembly.Name)}, {assembly.Version}",
                members);
        }
    }
}
