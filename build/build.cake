// This repository's own pipeline: dotnet cake build/build.cake --target=Pack
var target = Argument("target", "Pack");
var configuration = Argument("configuration", "Release");
var root = MakeAbsolute(Directory(".."));
var solution = root.CombineWithFilePath("Cake.MultiArch.sln");
var artifacts = root.Combine("artifacts");

Task("Clean")
    .Does(() => CleanDirectory(artifacts));

Task("Build")
    .Does(() => DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration }));

// xunit v3 on Microsoft.Testing.Platform (global.json): `dotnet test` takes --solution, not a
// positional path, so this runs the same command the README gives.
Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
    {
        var exitCode = StartProcess("dotnet", new ProcessSettings
        {
            Arguments = $"test --solution \"{solution.FullPath}\" --configuration {configuration} --no-build",
            WorkingDirectory = root,
        });
        if (exitCode != 0)
        {
            throw new CakeException($"Test: dotnet test failed with exit code {exitCode}.");
        }
    });

Task("Pack")
    .IsDependentOn("Clean")
    .IsDependentOn("Build")
    .Does(() => DotNetPack(root.CombineWithFilePath("src/Cake.MultiArch/Cake.MultiArch.csproj").FullPath, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = artifacts,
    }));

Task("Default").IsDependentOn("Test").IsDependentOn("Pack");

RunTarget(target);
