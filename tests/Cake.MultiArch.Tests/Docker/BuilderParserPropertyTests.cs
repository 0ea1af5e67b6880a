using Cake.Core;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;
using CsCheck;

namespace Cake.MultiArch.Tests.Docker;

/// <summary>No input makes the buildx parsers throw anything but their own documented <see cref="CakeException"/>.</summary>
public sealed class BuilderParserPropertyTests
{
    // Lines of real outputs, cut and mixed: the generator reaches the parsers' deep branches
    // (node blocks, driver options with escapes, platform lists) as well as plain noise.
    private static readonly string[] RealLines = new[]
    {
        "buildx/buildx-inspect.txt", "buildx/buildx-inspect-docs-reference.txt", "buildx/buildx-inspect-multinode.txt",
        "buildx/buildx-inspect-node-error.txt", "buildx/buildx-inspect-v0.26-format.txt", "buildx/buildx-ls.txt", "buildx/buildx-ls-multinode.txt",
    }.SelectMany(f => TestPaths.ReadFixture(f).Split('\n'))
        .Concat(new[] { "buildx-0.13-ls.txt", "buildx-0.13-inspect-default.txt", "buildx-0.13-inspect-failed-create.txt" }.SelectMany(f => BuilderData.Output(f).Split('\n')))
        .Concat(["Driver Options: image=\"a\\q\" x=\"\\\"", "Platforms: linux/arm64*, ,*,linux/, /", "Name:", "Nodes:", "Driver:", " \\_ x*", "x *", "NAME/NODE"])
        .ToArray();

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char[":=\"\\*, \t\n/_-abcNDPd01"], 0, 200],
        Gen.OneOf(RealLines).Array[0, 40].Select(lines => string.Join('\n', lines)),
        Gen.Select(Gen.OneOf(RealLines).Array[0, 30], Gen.Int[0, 2000], Gen.Char, (lines, at, c) =>
        {
            var text = string.Join('\n', lines);
            return text.Length == 0 ? text : text.Remove(at % text.Length, 1).Insert(at % text.Length, c.ToString());
        }));

    [Fact]
    public void Should_Only_Throw_Its_Own_Exception_When_Inspect_Output_Is_Anything() =>
        Text.Sample(text => Only(() => BuildxInspectParser.Parse(text)), iter: 3000);

    [Fact]
    public void Should_Only_Throw_Its_Own_Exception_When_Ls_Output_Is_Anything() =>
        Text.Sample(text => Only(() => BuildxLsParser.Parse(text)), iter: 3000);

    [Fact]
    public void Should_Keep_Every_Builder_Name_And_Mark_At_Most_As_Listed_When_Ls_Output_Is_Real_Lines() =>
        Gen.OneOf(RealLines).Array[0, 40].Sample(lines =>
        {
            var text = "NAME/NODE DRIVER/ENDPOINT\n" + string.Join('\n', lines);
            var entries = BuildxLsParser.Parse(text);
            return entries.All(e => e.Name.Length > 0 && !e.Name.EndsWith('*') && !char.IsWhiteSpace(e.Name[0]));
        }, iter: 2000);

    private static void Only(Action parse)
    {
        try
        {
            parse();
        }
        catch (CakeException)
        {
        }
    }
}
