using Cake.Core;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docker;

public sealed class BuildxLsParserTests
{
    public sealed class TheParseMethod
    {
        [Fact]
        public void Should_Read_Builders_And_The_Current_One_When_Buildx_Is_0_10()
        {
            // Given
            var text = TestPaths.ReadFixture("buildx/buildx-ls.txt");

            // When
            var entries = BuildxLsParser.Parse(text);

            // Then
            Assert.Equal([new BuildxLsEntry("tbcontainer", "docker-container", false), new BuildxLsEntry("testbed", "remote", true), new BuildxLsEntry("default", "docker", false)], entries);
        }

        [Fact]
        public void Should_Skip_Node_Lines_When_A_Builder_Has_Two_Nodes()
        {
            var entries = BuildxLsParser.Parse(TestPaths.ReadFixture("buildx/buildx-ls-multinode.txt"));
            Assert.Equal(["multi", "tbcontainer", "testbed", "default"], entries.Select(e => e.Name));
            Assert.Equal("testbed", BuildxLsParser.Current(TestPaths.ReadFixture("buildx/buildx-ls-multinode.txt")));
        }

        [Theory]
        [InlineData("buildx-0.13-ls.txt", "default")]
        [InlineData("buildx-0.13-ls-after-failed-create.txt", "cmfix")]
        public void Should_Read_The_Current_Builder_When_Buildx_Is_0_13(string fixture, string current)
        {
            // Given
            var text = BuilderData.Output(fixture);

            // When
            var name = BuildxLsParser.Current(text);

            // Then
            Assert.Equal(current, name);
            Assert.Equal(2, BuildxLsParser.Parse(text).Count);
        }

        [Fact]
        public void Should_Fail_Clearly_When_There_Is_No_Header()
        {
            var ex = Assert.Throws<CakeException>(() => BuildxLsParser.Parse("ERROR: Cannot connect to the Docker daemon"));
            Assert.Equal("EnsureBuilder: could not read 'docker buildx ls' output; expected a 'NAME/NODE' header line, found: 'ERROR: Cannot connect to the Docker daemon'", ex.Message);
        }
    }
}

public sealed class DockerInfoParserTests
{
    public sealed class TheIsContainerdStoreMethod
    {
        [Fact]
        public void Should_Be_True_When_The_Engine_Uses_The_Containerd_Snapshotter() =>
            Assert.True(DockerInfoParser.IsContainerdStore(BuilderData.Containerd));

        [Fact]
        public void Should_Be_False_When_The_Engine_Uses_Overlay2() =>
            Assert.False(DockerInfoParser.IsContainerdStore(BuilderData.Overlay2));

        [Fact]
        public void Should_Fail_Clearly_When_The_Output_Is_Not_Json()
        {
            var ex = Assert.Throws<CakeException>(() => DockerInfoParser.IsContainerdStore("template: :1: function \"json\" not defined"));
            Assert.Equal("EnsureBuilder: could not read 'docker info' output; expected the DriverStatus pairs as JSON, found 'template: :1: function \"json\" not defined'.", ex.Message);
        }
    }
}
