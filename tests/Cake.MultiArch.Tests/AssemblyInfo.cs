// The tests drive Linux tools (bash, binfmt_misc, docker-registry, podman).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
