using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.Tests.VerifyManifest.Deep;

/// <summary>The merge rules of OCI layers (image-spec layer.md), on synthetic tar layers.</summary>
public sealed class ImageTreeBuilderTests
{
    private static readonly byte[] HostShell = File.ReadAllBytes("/bin/sh");

    private static string[] Files(ImageTree tree) =>
        tree.Root.Descendants().Where(n => n.Kind != TreeNodeKind.Directory).Select(n => n.Path).Order(StringComparer.Ordinal).ToArray();

    public sealed class TheApplyLayerAsyncMethod
    {
        [Fact]
        public async Task Should_Delete_A_Lower_File_When_A_Later_Layer_Has_Its_Whiteout()
        {
            // Given: layer 0 ships /app/tool and /app/keep; layer 1 deletes /app/tool.
            var lower = new TarLayer().Dir("app/").File("app/tool", HostShell).File("app/keep", HostShell);
            var upper = new TarLayer().Whiteout("app/.wh.tool");

            // When
            var tree = await TarLayer.MergeAsync(lower, upper);

            // Then: gone from the tree, remembered as deleted by layer 1.
            Assert.Equal(["/app/keep"], Files(tree));
            Assert.Equal(new Dictionary<string, int> { ["/app/tool"] = 1 }, tree.Deleted);
        }

        [Fact]
        public async Task Should_Hide_Lower_Contents_But_Keep_Its_Own_When_A_Directory_Is_Opaque()
        {
            // Given: layer 1 makes /etc/app opaque and adds new.conf, in either order relative to the marker.
            var lower = new TarLayer().Dir("etc/").Dir("etc/app/").Text("etc/app/old.conf", "old").Dir("etc/app/sub/").Text("etc/app/sub/deep.conf", "x").Text("etc/other", "o");
            var upper = new TarLayer().Dir("etc/app/").Text("etc/app/sub/mine.conf", "m").Whiteout("etc/app/.wh..wh..opq").Text("etc/app/new.conf", "new");

            // When
            var tree = await TarLayer.MergeAsync(lower, upper);

            // Then
            Assert.Equal(["/etc/app/new.conf", "/etc/app/sub/mine.conf", "/etc/other"], Files(tree));
        }

        [Fact]
        public async Task Should_Give_A_Hard_Link_Its_Targets_Facts()
        {
            // Given: an executable ELF and a hard link to it (tar stores the link's own mode as 0644).
            var layer = new TarLayer().File("usr/bin/tool", HostShell).HardLink("usr/bin/tool-alias", "usr/bin/tool");

            // When
            var tree = await TarLayer.MergeAsync(layer);

            // Then
            var alias = tree.Resolve("/usr/bin/tool-alias").Node!;
            Assert.Equal(TreeNodeKind.File, alias.Kind);
            Assert.True(alias.IsExecutable);
            Assert.Same(tree.Resolve("/usr/bin/tool").Node!.Content, alias.Content);
            Assert.True(alias.Content!.Elf!.Header.Matches(Platform.Host));
            Assert.Equal(1, TarLayer.Inspect(tree, Platform.Host, "{}").ElfFiles); // one file, two names
        }

        [Fact]
        public async Task Should_Not_Take_A_Pax_Global_Header_For_A_File()
        {
            var layer = new TarLayer().Global().Text("etc/hostname", "h");

            var tree = await TarLayer.MergeAsync(layer);

            Assert.Equal(["/etc/hostname"], Files(tree));
        }

        [Fact]
        public async Task Should_Resolve_Absolute_Symlinks_And_Dot_Dot_Inside_The_Image_Root()
        {
            // Given: absolute links, and links that climb above the root (which stops at the root).
            var layer = new TarLayer()
                .File("opt/app/run", HostShell)
                .Symlink("usr/local/bin/run", "/opt/app/run")
                .Symlink("usr/bin/escape", "../../../../../../opt/app/run")
                .Symlink("bin/host", "/../../etc/shadow");

            // When
            var tree = await TarLayer.MergeAsync(layer);

            // Then
            var run = tree.Resolve("/usr/local/bin/run");
            Assert.Equal("/opt/app/run", run.Node!.Path);
            Assert.Equal(["/usr/local/bin/run -> /opt/app/run"], run.Links);
            Assert.Equal("/opt/app/run", tree.Resolve("/usr/bin/escape").Node!.Path);
            var host = tree.Resolve("/bin/host");
            Assert.Null(host.Node);
            Assert.Equal("/etc does not exist", host.Error);
        }

        [Fact]
        public async Task Should_Keep_Entries_Named_With_Dot_Dot_Inside_The_Root()
        {
            // Given: hostile entry names.
            var layer = new TarLayer().Text("../../etc/passwd", "root").Text("./a/../../b", "b").Text("/abs/c", "c");

            // When
            var tree = await TarLayer.MergeAsync(layer);

            // Then
            Assert.Equal(["/abs/c", "/b", "/etc/passwd"], Files(tree));
        }

        [Fact]
        public async Task Should_Put_An_Entry_Under_A_Symlinked_Parent_Where_The_Link_Points()
        {
            // Given: a merged-/usr base (/lib -> usr/lib) and a later layer writing lib/libx.so.1.
            var lower = new TarLayer().Dir("usr/lib/").Symlink("lib", "usr/lib");
            var upper = new TarLayer().File("lib/libx.so.1", HostShell, TarLayer.Data);

            // When
            var tree = await TarLayer.MergeAsync(lower, upper);

            // Then
            Assert.Equal(["/lib", "/usr/lib/libx.so.1"], Files(tree));
            Assert.Equal(TreeNodeKind.Symlink, tree.Resolve("/lib", followLast: false).Node!.Kind);
            Assert.Equal(TarLayer.Digest(1), tree.LayerOf(tree.Resolve("/lib/libx.so.1").Node!));
        }

        [Fact]
        public async Task Should_Stop_At_Forty_Links_When_Symlinks_Loop()
        {
            var tree = await TarLayer.MergeAsync(new TarLayer().Symlink("a", "b").Symlink("b", "/a"));

            var loop = tree.Resolve("/a");

            Assert.Null(loop.Node);
            Assert.Equal("more than 40 symlinks (a loop?) at /a", loop.Error);
            Assert.Equal(40, loop.Links.Count);
        }

        [Fact]
        public async Task Should_Replace_A_Lower_Directory_By_A_File_And_Drop_Its_Contents()
        {
            var lower = new TarLayer().Dir("srv/").Text("srv/x", "x");
            var upper = new TarLayer().Text("srv", "now a file");

            var tree = await TarLayer.MergeAsync(lower, upper);

            Assert.Equal(["/srv"], Files(tree));
            Assert.Equal("/srv is not a directory", tree.Resolve("/srv/x").Error);
        }

        [Fact]
        public async Task Should_Keep_Every_Entry_When_A_Directory_Grows_From_One_Child_To_Several_Or_Loses_Its_Only_One()
        {
            // Given: /a holds one file, then three (one of them deleted); /b's only file is deleted, then another comes.
            var lower = new TarLayer().Dir("a/").Text("a/one", "1").Dir("b/").Text("b/x", "x");
            var middle = new TarLayer().Text("a/two", "2").Text("a/three", "3").Whiteout("a/.wh.one").Whiteout("b/.wh.x");
            var upper = new TarLayer().Text("b/y", "y");

            // When
            var tree = await TarLayer.MergeAsync(lower, middle, upper);

            // Then
            Assert.Equal(["/a/three", "/a/two", "/b/y"], Files(tree));
            Assert.Equal(2, tree.Resolve("/a").Node!.Children.Count);
            Assert.Equal("/a/one does not exist", tree.Resolve("/a/one").Error);
            Assert.Equal("/b/x does not exist", tree.Resolve("/b/x").Error);
            Assert.Equal(new Dictionary<string, int> { ["/a/one"] = 1, ["/b/x"] = 1 }, tree.Deleted);
        }
    }
}
