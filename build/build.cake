// This repository's own pipeline:
//   dotnet cake build/build.cake --target=Example   the main command: builds the addin (Release) where
//                                                  examples/hello's #r looks for it, then publishes and
//                                                  verifies examples/hello on the engine
//   dotnet cake build/build.cake --target=Pack      builds the solution and packs both packages into artifacts/
//   dotnet cake build/build.cake --target=Default   the tests, then Pack
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

// The main command on a fresh clone (after the engine set-up): nothing to build by hand first.
// examples/hello/build.cake #r's the Release DLL, which a script cannot build before Cake compiles
// it, so this target builds that DLL and then runs the example as its own `dotnet cake` process.
// Every argument but --target goes to the example (--image, --base-image, --builder, --platforms, …).
Task("Example")
    .Does(() =>
    {
        DotNetBuild(root.CombineWithFilePath("src/Cake.MultiArch/Cake.MultiArch.csproj").FullPath, new DotNetBuildSettings { Configuration = "Release" });
        var arguments = new ProcessArgumentBuilder()
            .Append("cake")
            .AppendQuoted(root.CombineWithFilePath("examples/hello/build.cake").FullPath)
            .Append("--target=" + Argument("example-target", "Publish"));
        foreach (var argument in Context.Arguments.GetArguments())
        {
            if (argument.Key is "target" or "example-target" or "configuration")
            {
                continue;
            }

            foreach (var value in argument.Value)
            {
                arguments.Append("--" + argument.Key + "=" + value.Quote());
            }
        }

        var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments, WorkingDirectory = root });
        if (exitCode != 0)
        {
            throw new CakeException($"Example: dotnet cake examples/hello/build.cake failed with exit code {exitCode}.");
        }
    });

Task("Default").IsDependentOn("Test").IsDependentOn("Pack");

RunTarget(target);
