using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// The Dockerfile preflight a cold process rehearses while its first build validates its settings
/// (see <see cref="FirstUseRehearsal"/>): a two-stage, two-platform Dockerfile held in memory is
/// parsed, analysed, its base image checked through the real registry client against a
/// <see cref="MemoryRegistry"/>, and the result logged to a <see cref="NullLog"/>.
/// </summary>
internal static class PreflightRehearsal
{
    private const string Dockerfile = """
        # syntax=docker/dockerfile:1
        ARG BASE=rehearsal.invalid/base:1
        FROM --platform=$BUILDPLATFORM ${BASE} AS build
        ARG TARGETOS
        ARG TARGETARCH
        WORKDIR /src
        COPY . .
        RUN echo "$TARGETOS/$TARGETARCH" > /out
        FROM ${BASE}
        COPY --from=build /out /app/out
        ENTRYPOINT ["/app/out"]
        """;

    /// <summary>Checks the in-memory Dockerfile for linux/amd64 and linux/arm64 and logs the result nowhere.</summary>
    /// <param name="fileSystem">The file system (not touched: the text is in memory).</param>
    /// <param name="environment">The environment.</param>
    /// <returns>The result (no finding, the base image serving both platforms: the tests hold it to that).</returns>
    internal static async Task<CheckDockerfileResult> CheckAsync(IFileSystem fileSystem, ICakeEnvironment environment)
    {
        // Made when the check first asks for the base image, so that the parser and the checks compile first.
        var registry = new Lazy<MemoryRegistry>(() =>
        {
            var made = new MemoryRegistry();
            _ = made.AddTwoPlatformImage("1");
            return made;
        });
        var settings = new CheckDockerfileSettings();
        settings.Platforms.Add(Platform.Parse("linux/amd64"));
        settings.Platforms.Add(Platform.Parse("linux/arm64"));
        var runner = new CheckDockerfileRunner(fileSystem, environment, new NullLog(), _ => new RegistryClient(new RegistryClientOptions { MaxAttempts = 1 }, registry.Value));
        var result = await runner.CheckTextAsync(Dockerfile, "Dockerfile (rehearsal)", settings, CancellationToken.None).ConfigureAwait(false);
        runner.Log(result, "BuildxBuild");
        return result;
    }
}
