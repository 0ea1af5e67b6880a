// A .NET app shipped as one multi-arch image, the fast way:
//   1. `dotnet publish` for linux-x64 and linux-arm64 on this machine (no emulation: the .NET SDK
//      cross-publishes natively), into out/amd64 and out/arm64;
//   2. one BuildxBuild that copies out/${TARGETARCH}/ into the runtime base image and pushes both;
//   3. VerifyManifest deep (the app host and every .so are ELF files for their platform);
//   4. each platform's image run once (docker run --platform), checking what it prints.
//
//   dotnet cake examples/dotnet-app/build.cake --target=Publish [--image=REGISTRY/NAME:TAG] [--base-image=…]
//
// In your own repository, load the addin from NuGet instead of the #r below:
//   #addin nuget:?package=Cake.MultiArch&version=0.1.0
#r "../../src/Cake.MultiArch/bin/Release/net10.0/Cake.MultiArch.dll"

var target = Argument("target", "Publish");
var configuration = Argument("configuration", "Release");
var image = Argument("image", "127.0.0.1:5000/examples/hello-dotnet:1");
var baseImage = Argument("base-image", "127.0.0.1:5000/testbed/dotnet-deps:bookworm");
var builder = Argument("builder", "default");
var project = File("./src/HelloArch/HelloArch.csproj");
var output = Directory("./out");

// Docker platform architecture → .NET runtime identifier, and what the app prints there.
var architectures = new[]
{
    (Platform: "linux/amd64", Arch: "amd64", Rid: "linux-x64", Prints: "X64"),
    (Platform: "linux/arm64", Arch: "arm64", Rid: "linux-arm64", Prints: "Arm64"),
};

BuildxBuildResult result = null;

Task("Publish-App")
    .Description("Publishes the app self-contained for each architecture, natively on this machine.")
    .Does(() =>
    {
        CleanDirectory(output);
        foreach (var a in architectures)
        {
            DotNetPublish(project, new DotNetPublishSettings
            {
                Configuration = configuration,
                Runtime = a.Rid,
                SelfContained = true,
                OutputDirectory = output + Directory(a.Arch),
            });
        }
    });

Task("Image")
    .Description("Packages out/<arch> into one multi-arch image, pushes it and verifies it deep.")
    .IsDependentOn("Publish-App")
    .Does(() =>
    {
        result = BuildxBuild(".", s => s
            .WithBuilder(builder)
            .WithPlatform(architectures.Select(a => a.Platform).ToArray())
            .WithBuildArg("BASE_IMAGE", baseImage)
            .WithTag(image)
            .WithPush());
        var report = VerifyManifest(result, new VerifyManifestSettings
        {
            ExpectedPlatforms = { "linux/amd64", "linux/arm64" },
            Deep = true,
        });
        Information("Verified {0}: {1} platforms", report.Image, report.Platforms.Count);
    });

Task("Run-Images")
    .Description("Runs each platform's image once (arm64 under QEMU) and checks what it prints.")
    .IsDependentOn("Image")
    .Does(() =>
    {
        var pinned = $"{image.Split('@')[0]}@{result.Digest}";
        foreach (var a in architectures)
        {
            var exit = StartProcess("docker", new ProcessSettings
            {
                Arguments = new ProcessArgumentBuilder().Append("run").Append("--rm").AppendSwitch("--platform", a.Platform).Append(pinned),
                RedirectStandardOutput = true,
            }, out var lines);
            var text = string.Join("\n", lines);
            Information("{0}: {1}", a.Platform, text);
            if (exit != 0 || !text.Contains($"Hello from {a.Prints} "))
            {
                throw new CakeException($"Run-Images: {a.Platform} printed '{text}' (exit code {exit}); expected 'Hello from {a.Prints} …'.");
            }
        }
    });

Task("Publish")
    .Description("Publishes, packages, pushes, verifies and runs the multi-arch image.")
    .IsDependentOn("Run-Images");

RunTarget(target);
