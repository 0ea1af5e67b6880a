// The build.cake the CI examples run (copy it to your repository's root, next to the Dockerfile).
// The recipe comes from its package, pinned: it brings the addin of the same version with it.
#load nuget:?package=Cake.MultiArch.Recipe&version=0.1.0

RunTarget(Argument("target", "Publish"));
