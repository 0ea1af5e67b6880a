// Cake.MultiArch recipe: a reusable task graph for multi-architecture images.
//
//   #r "path/to/Cake.MultiArch.dll"     (or #addin nuget:?package=Cake.MultiArch)
//   #load "recipe.cake"
//   MultiArch.Image = "registry.example.com/team/app:1.0";
//   RunTarget(Argument("target", "Publish"));
//
// Two routes:
//   one machine:    Publish            build every platform, push by digest, verify (deep), sign and verify
//                                      the signatures (with --sign-key), then tag
//   native runners: Publish-Platform   one platform per runner: build, push by digest, verify, write a record
//                   Publish-Merge      (no docker) read the records, merge one index pushed by digest only,
//                                      verify it, sign and verify the signatures (with --sign-key), then tag
// No tag ever moves before the verification (and, with --sign-key, the signatures' verification) passed.
//
// Every setting comes from (first found): the argument, the environment variable, the value the
// script set on MultiArch, the default. See the README's table. Every argument is checked before
// any task changes the machine (no QEMU registration, no builder, no build on bad input).

public static class MultiArch
{
    public static string Image { get; set; }
    public static string Tags { get; set; }
    public static string Platforms { get; set; } = "linux/amd64,linux/arm64";
    public static string Context { get; set; } = ".";
    public static string File { get; set; }
    public static string Builder { get; set; } = string.Empty; // empty: automatic (see MultiArch-EnsureBuilder)
    public static string DigestPush { get; set; } = "auto";
    public static string QemuMode { get; set; } = "container";
    public static string QemuImage { get; set; } = RegisterQemuSettings.DefaultImage;
    public static string DeepVerify { get; set; } = "true";
    public static string AttestationChecks { get; set; } = string.Empty; // empty: attestations counted, not checked
    public static string Records { get; set; } = "artifacts/multiarch-records";
    public static Action<BuildxBuildSettings> Configure { get; set; }
    public static string SignKey { get; set; } = string.Empty;       // empty: no signing
    public static string SignPublicKey { get; set; } = string.Empty; // empty: the key's path with .pub
    public static string SignTlog { get; set; } = "true";
    public static SignImageResult Signed { get; set; }
    public static VerifySignatureResult SignatureReport { get; set; }

    // Set by MultiArch-Validate from the settings above.
    public static string Mode { get; set; } = "Publish";
    public static ImageReference Reference { get; set; }
    public static string Repository { get; set; }
    public static List<string> AllTags { get; } = new List<string>();
    public static List<Platform> PlatformValues { get; } = new List<Platform>();
    public static bool Deep { get; set; }
    public static List<string> AttestationCheckValues { get; } = new List<string>();
    public static bool UseLayout { get; set; }

    // Results.
    public static BuildxBuildResult Result { get; set; }
    public static PushedImage Pushed { get; set; }
    public static VerifyManifestResult Report { get; set; }
    public static PromoteImageResult Promotion { get; set; }
    public static FilePath RecordFile { get; set; }
    public static MergeImagesResult Merge { get; set; }
}

string MultiArchSetting(string argument, string variable, string scriptValue)
{
    if (HasArgument(argument))
    {
        return Argument<string>(argument) ?? string.Empty;
    }

    var fromEnvironment = EnvironmentVariable(variable);
    return fromEnvironment ?? scriptValue;
}

void MultiArchValidate()
{
    var problems = new List<string>();
    void Problem(string argument, string variable, string text) =>
        problems.Add($"Recipe: --{argument} (or {variable}) {text}");

    // --image: the tag to publish.
    var image = MultiArchSetting("image", "MULTIARCH_IMAGE", MultiArch.Image);
    ImageReference reference = null;
    if (string.IsNullOrWhiteSpace(image))
    {
        Problem("image", "MULTIARCH_IMAGE", "is not set; expected the tag to publish, such as 'registry.example.com/team/app:1.0', found nothing. Pass --image=…, set MULTIARCH_IMAGE, or set MultiArch.Image in the script.");
    }
    else if (!ImageReference.TryParse(image, out reference))
    {
        try { ImageReference.Parse(image); } catch (FormatException ex) { Problem("image", "MULTIARCH_IMAGE", $"is invalid; expected a tag such as 'registry.example.com/team/app:1.0', found '{image}': {ex.Message}"); }
    }
    else if (reference.Digest != null || reference.Tag == null)
    {
        Problem("image", "MULTIARCH_IMAGE", $"is '{image}'; expected a tag such as '{reference.Registry}/{reference.Repository}:1.0' (no digest: the recipe pushes by digest itself). Add ':tag'{(reference.Digest != null ? " and remove '@" + reference.Digest + "'" : string.Empty)}.");
        reference = null;
    }

    // --tags: more tags for the same digest (bare tags, or full references).
    var tags = new List<string>();
    if (reference != null)
    {
        tags.Add(reference.ToString());
    }

    foreach (var entry in (MultiArchSetting("tags", "MULTIARCH_TAGS", MultiArch.Tags) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
    {
        var text = !entry.Contains('/') && reference != null ? $"{reference.Registry}/{reference.Repository}:{entry}" : entry;
        if (!ImageReference.TryParse(text, out var tag) || tag.Tag == null || tag.Digest != null)
        {
            Problem("tags", "MULTIARCH_TAGS", $"has '{entry}'; expected a bare tag such as 'latest' or a reference such as 'registry.example.com/team/app:latest'. Fix or remove it.");
        }
        else if (!tags.Contains(tag.ToString()))
        {
            tags.Add(tag.ToString());
        }
    }

    // --platforms: never empty (",", " " are errors, not "every platform").
    var platformsText = MultiArchSetting("platforms", "MULTIARCH_PLATFORMS", MultiArch.Platforms) ?? string.Empty;
    var items = platformsText.Split(',', StringSplitOptions.TrimEntries);
    var platforms = new List<Platform>();
    if (items.All(string.IsNullOrEmpty))
    {
        Problem("platforms", "MULTIARCH_PLATFORMS", $"is empty ('{platformsText}'); expected one or more platforms such as 'linux/amd64,linux/arm64'. List the platforms to build.");
    }
    else
    {
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item))
            {
                Problem("platforms", "MULTIARCH_PLATFORMS", $"has an empty item in '{platformsText}'; expected a comma list such as 'linux/amd64,linux/arm64'. Remove the extra comma.");
            }
            else if (!Platform.TryParse(item, out var platform))
            {
                Problem("platforms", "MULTIARCH_PLATFORMS", $"has '{item}', which is not a platform; expected one of {Platform.AcceptedValues}.");
            }
            else if (platforms.Contains(platform))
            {
                Problem("platforms", "MULTIARCH_PLATFORMS", $"lists '{platform}' more than once (after normalisation); expected each platform once. Remove the repeat.");
            }
            else
            {
                platforms.Add(platform);
            }
        }
    }

    if (MultiArch.Mode == "Publish-Platform" && platforms.Count > 1)
    {
        Problem("platforms", "MULTIARCH_PLATFORMS", $"lists {platforms.Count} platforms ('{platformsText}'); expected exactly one for Publish-Platform (one job per platform). Pass --platforms=linux/arm64 on the arm64 runner, and so on.");
    }

    // --deep-verify: true or false.
    var deepText = MultiArchSetting("deep-verify", "MULTIARCH_DEEP_VERIFY", MultiArch.DeepVerify) ?? string.Empty;
    if (!bool.TryParse(deepText, out var deep))
    {
        Problem("deep-verify", "MULTIARCH_DEEP_VERIFY", $"is '{deepText}'; expected 'true' or 'false'.");
    }

    // --attestation-checks: VerifyManifest's attestation checks, run on the digest before it is signed or tagged.
    var attestationText = MultiArchSetting("attestation-checks", "MULTIARCH_ATTESTATION_CHECKS", MultiArch.AttestationChecks) ?? string.Empty;
    var attestationChecks = new List<string>();
    foreach (var id in attestationText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
    {
        if (!AttestationCheck.All.Contains(id))
        {
            Problem("attestation-checks", "MULTIARCH_ATTESTATION_CHECKS", $"has '{id}', which is not an attestation check; expected a comma list of {string.Join(", ", AttestationCheck.All)} (PascalCase), or nothing.");
        }
        else if (attestationChecks.Contains(id))
        {
            Problem("attestation-checks", "MULTIARCH_ATTESTATION_CHECKS", $"lists '{id}' more than once; expected each check once. Remove the repeat.");
        }
        else
        {
            attestationChecks.Add(id);
        }
    }

    // --records: where Publish-Platform writes and Publish-Merge reads the records.
    var records = MultiArchSetting("records", "MULTIARCH_RECORDS", MultiArch.Records);
    if (string.IsNullOrWhiteSpace(records))
    {
        Problem("records", "MULTIARCH_RECORDS", "is empty; expected the folder of publish records, such as 'artifacts/multiarch-records'.");
    }
    else if (MultiArch.Mode == "Publish-Merge" && !DirectoryExists(records))
    {
        Problem("records", "MULTIARCH_RECORDS", $"is '{records}', which does not exist; expected the folder the Publish-Platform jobs' records were downloaded to. Download the artifacts there first.");
    }

    // The build settings matter only where this machine builds.
    var context = MultiArchSetting("context", "MULTIARCH_CONTEXT", MultiArch.Context);
    var file = MultiArchSetting("file", "MULTIARCH_FILE", MultiArch.File);
    var builder = MultiArchSetting("builder", "MULTIARCH_BUILDER", MultiArch.Builder);
    var digestPush = MultiArchSetting("digest-push", "MULTIARCH_DIGEST_PUSH", MultiArch.DigestPush);
    var qemuMode = MultiArchSetting("qemu-mode", "MULTIARCH_QEMU_MODE", MultiArch.QemuMode);
    var qemuImage = MultiArchSetting("qemu-image", "MULTIARCH_QEMU_IMAGE", MultiArch.QemuImage);
    if (MultiArch.Mode != "Publish-Merge")
    {
        if (string.IsNullOrWhiteSpace(context) || !DirectoryExists(context))
        {
            Problem("context", "MULTIARCH_CONTEXT", $"is '{context}', which is not a folder; expected the build context folder, such as '.'.");
        }

        if (!string.IsNullOrEmpty(file) && !FileExists(file))
        {
            Problem("file", "MULTIARCH_FILE", $"is '{file}', which does not exist; expected the Dockerfile's path (default: Dockerfile in the context).");
        }

        if (builder.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(builder, "^[A-Za-z0-9][A-Za-z0-9_.-]*$"))
        {
            Problem("builder", "MULTIARCH_BUILDER", $"is '{builder}'; expected a buildx builder name such as 'default' or 'multiarch' (letters, digits, '_', '.', '-'), or nothing for the automatic choice.");
        }

        if (digestPush != "auto" && digestPush != "buildx" && digestPush != "layout")
        {
            Problem("digest-push", "MULTIARCH_DIGEST_PUSH", $"is '{digestPush}'; expected 'auto', 'buildx' (push-by-digest: a docker-container or remote builder) or 'layout' (an OCI layout pushed by the addin: any builder).");
        }
        else if (digestPush == "buildx" && builder == "default")
        {
            Problem("digest-push", "MULTIARCH_DIGEST_PUSH", "is 'buildx' with --builder=default; expected 'layout' or 'auto' there: buildx's docker driver refuses push-by-digest ('currently not implemented for docker driver'). Use --digest-push=auto, or a docker-container builder.");
        }

        if (qemuMode != "container" && qemuMode != "host")
        {
            Problem("qemu-mode", "MULTIARCH_QEMU_MODE", $"is '{qemuMode}'; expected 'container' (the binfmt installer image) or 'host' (the host's qemu-user-static).");
        }
        else if (qemuMode == "container" && string.IsNullOrWhiteSpace(qemuImage))
        {
            Problem("qemu-image", "MULTIARCH_QEMU_IMAGE", "is empty; expected the QEMU installer image (tonistiigi/binfmt or a mirror) for --qemu-mode=container.");
        }
    }

    // --sign-key: sign the verified digest with cosign before any tag moves (password: MULTIARCH_SIGN_PASSWORD only).
    var signKey = MultiArchSetting("sign-key", "MULTIARCH_SIGN_KEY", MultiArch.SignKey) ?? string.Empty;
    var signPublicKey = MultiArchSetting("sign-public-key", "MULTIARCH_SIGN_PUBLIC_KEY", MultiArch.SignPublicKey) ?? string.Empty;
    var signTlog = MultiArchSetting("sign-tlog", "MULTIARCH_SIGN_TLOG", MultiArch.SignTlog);
    if (signKey.Length > 0 && !signKey.Contains("://") && !FileExists(signKey))
    {
        Problem("sign-key", "MULTIARCH_SIGN_KEY", $"is '{signKey}', which does not exist; expected a cosign private key file, 'env://VARIABLE' or a KMS URI (its password in MULTIARCH_SIGN_PASSWORD), or nothing to publish unsigned.");
    }

    if (signKey.Length > 0 && signPublicKey.Length == 0 && (signKey.Contains("://") || !signKey.EndsWith(".key")))
    {
        Problem("sign-public-key", "MULTIARCH_SIGN_PUBLIC_KEY", $"is not set and cannot be derived from --sign-key '{signKey}'; expected the public key the signatures are verified with, such as 'cosign.pub'.");
    }

    if (signTlog != "true" && signTlog != "false")
    {
        Problem("sign-tlog", "MULTIARCH_SIGN_TLOG", $"is '{signTlog}'; expected 'true' (record signatures in the transparency log) or 'false' (offline or private registries).");
    }

    if (problems.Count > 0)
    {
        throw new CakeException(string.Join(System.Environment.NewLine, problems));
    }

    MultiArch.SignKey = signKey;
    MultiArch.SignPublicKey = signPublicKey.Length > 0 || signKey.Length == 0 ? signPublicKey : signKey.Substring(0, signKey.Length - 4) + ".pub";
    MultiArch.SignTlog = signTlog;
    MultiArch.Reference = reference;
    MultiArch.Repository = $"{reference.Registry}/{reference.Repository}";
    MultiArch.AllTags.Clear();
    MultiArch.AllTags.AddRange(tags);
    MultiArch.PlatformValues.Clear();
    MultiArch.PlatformValues.AddRange(platforms);
    MultiArch.Deep = deep;
    MultiArch.AttestationCheckValues.Clear();
    MultiArch.AttestationCheckValues.AddRange(attestationChecks);
    MultiArch.Records = records;
    MultiArch.Context = context;
    MultiArch.File = file;
    MultiArch.Builder = builder;
    MultiArch.QemuMode = qemuMode;
    MultiArch.QemuImage = qemuImage;
    MultiArch.DigestPush = digestPush;
}

Task("MultiArch-Validate")
    .Description("Checks every argument before anything on the machine changes.")
    .Does(() => MultiArchValidate());

Task("MultiArch-RegisterQemu")
    .Description("Registers QEMU emulators for the platforms this host does not run natively.")
    .IsDependentOn("MultiArch-Validate")
    .WithCriteria(() => MultiArch.PlatformValues.Any(p => p != Platform.Host), "every platform is native")
    .Does(() =>
    {
        var settings = new RegisterQemuSettings
        {
            Mode = MultiArch.QemuMode == "host" ? QemuRegistrationMode.Host : QemuRegistrationMode.Container,
            Image = MultiArch.QemuImage,
        };
        foreach (var platform in MultiArch.PlatformValues.Where(p => p != Platform.Host))
        {
            settings.Platforms.Add(platform);
        }

        RegisterQemu(settings);
    });

Task("MultiArch-EnsureBuilder")
    .Description("Chooses the builder: --builder=NAME, or (by default) the engine's own builder when it builds every platform at once, else a docker-container builder 'multiarch'.")
    .IsDependentOn("MultiArch-RegisterQemu")
    .Does(() =>
    {
        var automatic = string.IsNullOrEmpty(MultiArch.Builder);
        var settings = new EnsureBuilderSettings { Name = automatic ? "multiarch" : MultiArch.Builder, Automatic = automatic };
        foreach (var platform in MultiArch.PlatformValues)
        {
            settings.RequiredPlatforms.Add(platform);
        }

        var builder = EnsureBuilder(settings);
        MultiArch.Builder = builder.Name;
        // buildx's docker driver cannot push by digest: it writes an OCI layout that the addin pushes.
        var engineDriver = builder.Driver == "docker";
        if (MultiArch.DigestPush == "buildx" && engineDriver)
        {
            throw new CakeException($"Recipe: --digest-push (or MULTIARCH_DIGEST_PUSH) is 'buildx' but the builder is '{builder.Name}' (driver docker), which refuses push-by-digest ('currently not implemented for docker driver'); expected 'layout' or 'auto' there, or a docker-container builder (--builder=NAME).");
        }

        MultiArch.UseLayout = MultiArch.DigestPush == "layout" || (MultiArch.DigestPush == "auto" && engineDriver);
        Information("MultiArch: building with '{0}' ({1}){2}; pushing by digest {3}.", builder.Name, builder.Driver, builder.Reason == null ? string.Empty : ": " + builder.Reason, MultiArch.UseLayout ? "from an OCI layout (the addin pushes it)" : "with buildx (push-by-digest)");
    });

Task("MultiArch-Build")
    .Description("Builds every platform and pushes the result by digest (no tag).")
    .IsDependentOn("MultiArch-EnsureBuilder")
    .Does(() =>
    {
        var settings = new BuildxBuildSettings { Context = MultiArch.Context, Builder = MultiArch.Builder, Provenance = ProvenanceMode.Min }
            .WithPlatform(MultiArch.PlatformValues.ToArray());
        if (!string.IsNullOrEmpty(MultiArch.File))
        {
            settings.File = MultiArch.File;
        }

        var layout = MultiArch.UseLayout ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cake-multiarch-layout-" + Guid.NewGuid().ToString("N")) : null;
        if (layout != null)
        {
            // buildx's docker driver cannot push by digest: write an OCI layout, the addin pushes it by digest.
            // The name fills the subject of each platform's provenance statement (BuildKit leaves it empty without one).
            var output = new BuildOutput(BuildOutputType.Oci) { Destination = new DirectoryPath(layout), Names = { MultiArch.Repository } };
            output.Attributes["tar"] = "false";
            settings.Outputs.Add(output);
        }
        else
        {
            settings.Outputs.Add(new BuildOutput(BuildOutputType.Image) { Names = { MultiArch.Repository }, Push = true, PushByDigest = true, NameCanonical = true });
        }

        MultiArch.Configure?.Invoke(settings);
        try
        {
            MultiArch.Result = BuildxBuild(settings);
            MultiArch.Pushed = layout != null
                ? PushOciLayout(new PushOciLayoutSettings { Layout = layout, Repository = MultiArch.Repository })
                : ReadPushedImage(MultiArch.Result);
        }
        finally
        {
            if (layout != null && System.IO.Directory.Exists(layout))
            {
                System.IO.Directory.Delete(layout, true);
            }
        }

        Information("MultiArch: pushed {0} by digest", MultiArch.Pushed);
    });

void MultiArchVerify()
{
    var settings = new VerifyManifestSettings { Image = MultiArch.Pushed.Image, Deep = MultiArch.Deep, Strict = true };
    foreach (var platform in MultiArch.PlatformValues)
    {
        settings.ExpectedPlatforms.Add(platform);
    }

    foreach (var check in MultiArch.AttestationCheckValues)
    {
        settings.AttestationChecks.Add(check);
    }

    MultiArch.Report = VerifyManifest(settings);
}

// The digest the signing and promotion steps work on: the one MultiArch-Verify (Publish) or
// MultiArch-VerifyMerged (Publish-Merge) verified; nothing else is ever signed or tagged.
string MultiArchVerifiedImage(string task)
{
    if (MultiArch.Pushed == null || MultiArch.Report == null || !MultiArch.Report.Passed || MultiArch.Report.Digest != MultiArch.Pushed.Digest)
    {
        throw new CakeException($"Recipe: {task} has no verified digest; expected it to run after MultiArch-Verify (target Publish) or MultiArch-VerifyMerged (target Publish-Merge), found {(MultiArch.Pushed == null ? "nothing pushed" : MultiArch.Pushed.Image + " unverified")}. Depend on one of those targets.");
    }

    return MultiArch.Pushed.Image;
}

Task("MultiArch-Verify")
    .Description("Proves the pushed digest serves exactly the platforms (deep: with the right binaries).")
    .IsDependentOn("MultiArch-Build")
    .Does(() => MultiArchVerify());

RegistryAccess MultiArchSigningRegistry()
{
    var access = new RegistryAccess();
    var host = MultiArch.Reference.Registry;
    if (host.StartsWith("127.0.0.1:") || host.StartsWith("localhost:") || host == "localhost")
    {
        access.InsecureRegistries.Add(host); // loopback registries are plain HTTP
    }

    return access;
}

Task("MultiArch-Sign")
    .Description("Signs the verified digest with cosign (index and every platform), when --sign-key is set.")
    .IsDependentOn("MultiArch-Validate")
    .WithCriteria(() => MultiArch.SignKey.Length > 0, "no --sign-key (MULTIARCH_SIGN_KEY): publishing unsigned")
    .Does(() =>
    {
        MultiArch.Signed = SignImage(new SignImageSettings
        {
            Image = MultiArchVerifiedImage("MultiArch-Sign"),
            Key = MultiArch.SignKey,
            KeyPassword = EnvironmentVariable("MULTIARCH_SIGN_PASSWORD"),
            TlogUpload = MultiArch.SignTlog == "true",
            Registry = MultiArchSigningRegistry(),
        });
        Information("MultiArch: {0}", MultiArch.Signed);
    });

Task("MultiArch-VerifySignature")
    .Description("Verifies the signatures of the index and every platform before any tag moves.")
    .IsDependentOn("MultiArch-Sign")
    .WithCriteria(() => MultiArch.SignKey.Length > 0, "no --sign-key (MULTIARCH_SIGN_KEY): nothing signed")
    .Does(() =>
    {
        MultiArch.SignatureReport = VerifySignature(new VerifySignatureSettings
        {
            Image = MultiArchVerifiedImage("MultiArch-VerifySignature"),
            Key = MultiArch.SignPublicKey,
            IgnoreTlog = MultiArch.SignTlog == "false",
            Registry = MultiArchSigningRegistry(),
        });
        Information("MultiArch: {0}", MultiArch.SignatureReport);
    });

Task("MultiArch-Promote")
    .Description("Points the tags at the verified (and, with --sign-key, signed and signature-verified) digest.")
    .IsDependentOn("MultiArch-VerifySignature")
    .Does(() =>
    {
        var settings = new PromoteImageSettings { Source = MultiArchVerifiedImage("MultiArch-Promote") };
        foreach (var tag in MultiArch.AllTags)
        {
            settings.Tags.Add(tag);
        }

        MultiArch.Promotion = PromoteImage(settings);
    });

Task("MultiArch-Record")
    .Description("Writes this platform's publish record for the merge job.")
    .IsDependentOn("MultiArch-Verify")
    .Does(() =>
    {
        var pushed = MultiArch.Pushed.Platforms.Single();
        MultiArch.RecordFile = WritePublishRecord(new PublishRecord(MultiArch.Repository, pushed.Platform, pushed.Digest, pushed.AttestationDigest, MultiArch.Builder, DateTimeOffset.UtcNow), MultiArch.Records);
        Information("MultiArch: wrote {0}", MultiArch.RecordFile);
    });

Task("MultiArch-Merge")
    .Description("Merges the per-platform records into one index pushed by digest only (no tag, no docker).")
    .IsDependentOn("MultiArch-Validate")
    .Does(() =>
    {
        // No Tags: MergeImages pushes the index by digest only; verified, signed and promoted by the next tasks.
        var settings = new MergeImagesSettings { Repository = MultiArch.Repository, RecordsDirectory = MultiArch.Records, Verify = false };
        foreach (var platform in MultiArch.PlatformValues)
        {
            settings.ExpectedPlatforms.Add(platform);
        }

        MultiArch.Merge = MergeImages(settings);
        MultiArch.Pushed = new PushedImage(MultiArch.Merge.Image, MultiArch.Merge.Digest, MultiArch.Merge.Platforms);
    });

Task("MultiArch-VerifyMerged")
    .Description("Proves the merged index serves exactly the platforms (deep: with the right binaries).")
    .IsDependentOn("MultiArch-Merge")
    .Does(() => MultiArchVerify());

Task("MultiArch-Mode-Platform").Does(() => MultiArch.Mode = "Publish-Platform");
Task("MultiArch-Mode-Merge").Does(() => MultiArch.Mode = "Publish-Merge");

Task("Publish")
    .Description("One machine: build every platform, push by digest, verify (deep), sign and verify the signatures (--sign-key), then tag.")
    .IsDependentOn("MultiArch-Verify")
    .IsDependentOn("MultiArch-Promote");

Task("Publish-Platform")
    .Description("One native runner, one platform: build, push by digest, verify, write the record.")
    .IsDependentOn("MultiArch-Mode-Platform")
    .IsDependentOn("MultiArch-Record");

Task("Publish-Merge")
    .Description("The merge job (no docker): records → one index by digest → verify → sign and verify the signatures (--sign-key) → tag.")
    .IsDependentOn("MultiArch-Mode-Merge")
    .IsDependentOn("MultiArch-VerifyMerged")
    .IsDependentOn("MultiArch-Promote");
