// examples/hello: build one image for linux/amd64 and linux/arm64, push it, and verify it.
//
//   dotnet cake examples/hello/build.cake --target=Publish
//
// From a fresh clone, `dotnet cake build/build.cake --target=Example` builds the Release addin that
// the #r below names, then runs this script (the repository's main command).
//
// Arguments (all optional; the defaults use the test bed from tests/testbed/setup.sh):
//   --image=REGISTRY/NAME:TAG     the image to push  (default 127.0.0.1:5000/examples/hello:1)
//   --base-image=IMAGE            the base image     (default 127.0.0.1:5000/testbed/busybox:1)
//   --builder=NAME                the buildx builder (default: the recipe's automatic choice: the
//                                 engine's own builder when it builds both platforms at once)
//   The build context is this folder (Cake runs a script in its own folder).
//   and every argument of recipe.cake: --platforms, --tags, --deep-verify, --qemu-mode, …
#r "../../src/Cake.MultiArch/bin/Release/net10.0/Cake.MultiArch.dll"
#load "../../recipe.cake"

var baseImage = Argument("base-image", "127.0.0.1:5000/testbed/busybox:1");
MultiArch.Image ??= "127.0.0.1:5000/examples/hello:1";
MultiArch.Configure = settings => settings.WithBuildArg("BASE_IMAGE", baseImage);

RunTarget(Argument("target", "Publish"));
