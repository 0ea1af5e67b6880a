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

// Two packages: the addin (#addin nuget:?package=Cake.MultiArch) and the recipe
// (#load nuget:?package=Cake.MultiArch.Recipe, which brings the addin of the same version).
Task("Pack")
    .IsDependentOn("Clean")
    .IsDependentOn("Build")
    .Does(() =>
    {
        foreach (var project in new[] { "src/Cake.MultiArch/Cake.MultiArch.csproj", "src/Cake.MultiArch.Recipe/Cake.MultiArch.Recipe.csproj" })
        {
            DotNetPack(root.CombineWithFilePath(project).FullPath, new DotNetPackSettings
            {
                Configuration = configuration,
                NoBuild = true,
                OutputDirectory = artifacts,
            });
        }
    });

Task("Default").IsDependentOn("Test").IsDependentOn("Pack");

RunTarget(target);
