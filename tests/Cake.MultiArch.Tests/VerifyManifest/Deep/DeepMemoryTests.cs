using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest;
using Cake.MultiArch.VerifyManifest.Deep;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.Tests.VerifyManifest.Deep;

/// <summary>
/// What the second level of the deep check allocates against the first (issue 18: at most 1.5×),
/// counted on the test's own thread: a plain tar layer in memory is read without any await
/// completing later, so every allocation of either level lands on this thread.
/// </summary>
public sealed class DeepMemoryTests
{
    private const string PlainTar = "application/vnd.oci.image.layer.v1.tar";

    private static readonly byte[] HostShell = File.ReadAllBytes("/bin/sh");

    // A layer shaped like an application image's: a dynamic ELF program, a script, and 60
    // directories of 20 data files each (documentation, assets) that no check reads.
    private static byte[] Layer()
    {
        var layer = new TarLayer().Dir("usr/").Dir("usr/bin/").File("usr/bin/app", HostShell).Text("usr/bin/run.sh", "#!/bin/sh\nexec app\n");
        for (var d = 0; d < 60; d++)
        {
            layer.Dir($"usr/share/doc/package{d}/");
            for (var f = 0; f < 20; f++)
            {
                layer.Text($"usr/share/doc/package{d}/file{f}.txt", "some documentation", TarLayer.Data);
            }
        }

        return layer.Tar();
    }

    private static long Allocated(Func<Task> level)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var task = level();
        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(task.IsCompletedSuccessfully, "the level went asynchronous: its allocations are not all on this thread");
        return after - before;
    }

    public sealed class TheSecondLevel
    {
        [Fact]
        public void Should_Allocate_At_Most_One_And_A_Half_Times_The_First_Level_When_Both_Read_The_Same_Layer()
        {
            // Given
            var layer = Layer();
            var amd64 = Platform.Parse("linux/amd64");
            var settings = new VerifyManifestSettings();
            Task First() => LayerScanner.ScanAsync(new MemoryStream(layer), PlainTar, amd64, new LayerScanResult(), 5, [], TestContext.Current.CancellationToken);
            async Task Second()
            {
                var builder = new ImageTreeBuilder();
                await builder.ApplyLayerAsync(new MemoryStream(layer), PlainTar, "sha256:test", TestContext.Current.CancellationToken);
                var result = new DeepInspector(builder.Tree, ContainerConfig.Parse("""{"config":{"Cmd":["/usr/bin/run.sh"]}}"""u8), amd64, DeepOptions.From(settings)).Run();
                Assert.Equal(1, result.ElfFiles);
            }

            Allocated(First); // the first calls: static state, pooled buffers
            Allocated(Second);

            // When
            var first = Allocated(First);
            var second = Allocated(Second);

            // Then
            TestContext.Current.TestOutputHelper?.WriteLine($"first level {first} bytes, second level {second} bytes: {(double)second / first:0.00}x");
            Assert.True(second <= first * 1.5, $"the second level allocated {second} bytes, the first {first}: {(double)second / first:0.00}x, expected at most 1.5x");
        }
    }
}
