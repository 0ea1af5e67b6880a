using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.SignImage;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.SignImage;

/// <summary>SignImage refuses bad settings before cosign starts and before any request, and never writes to the settings.</summary>
public sealed class SignImageBadInputTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<string, Action<SignImageSettings>, string> Cases => new()
    {
        { "no image", s => s.Image = null, "SignImage: Image is not set; expected an image pinned by digest such as 'registry.example.com/team/app@sha256:…', found nothing. Pass the digest that BuildxBuild or MergeImages returned." },
        { "image by tag", s => s.Image = "r.example.com/team/app:1.0", "SignImage: Image 'r.example.com/team/app:1.0' is not pinned by digest; expected 'repository@sha256:…', found tag '1.0'. Sign and verify the digest that was verified, never a tag (a tag can move between the check and the signature)." },
        { "image invalid", s => s.Image = "r.example.com/Team/app@" + Digest, "SignImage: Image 'r.example.com/Team/app@" + Digest + "' is invalid; expected an image pinned by digest, found: Image reference 'r.example.com/Team/app@" + Digest + "' has upper-case letters in its repository 'Team/app'; repository names must be lower-case." },
        { "no key, no token", s => s.Key = null, "SignImage: Key is not set and neither is IdentityToken; expected a private key ('cosign.key', 'env://VARIABLE' or a KMS URI such as 'awskms:///alias/release'), or IdentityToken for keyless signing (cosign cannot open a browser here)." },
        { "empty key", s => s.Key = " ", "SignImage: Key is empty; expected a private key ('cosign.key', 'env://VARIABLE' or a KMS URI), or unset for keyless signing with IdentityToken." },
        { "key file missing", s => s.Key = "missing.key", "SignImage: Key 'missing.key' does not exist; expected a private key: a file such as 'cosign.key', 'env://VARIABLE', or a KMS URI (awskms://…, gcpkms://…, azurekms://…, hashivault://…, k8s://…, gitlab://…). Fix the path." },
        { "key scheme unknown", s => s.Key = "ftp://keys/cosign.key", "SignImage: Key 'ftp://keys/cosign.key' has the scheme 'ftp', which cosign does not read; expected a file path, 'env://VARIABLE' or one of env://, awskms://, gcpkms://, azurekms://, hashivault://, k8s://, gitlab://, 'pkcs11:'." },
        { "env key without name", s => s.Key = "env://1BAD", "SignImage: Key 'env://1BAD' names no environment variable; expected 'env://NAME' with NAME made of letters, digits and '_' (such as 'env://COSIGN_PRIVATE_KEY')." },
        { "KMS key without name", s => s.Key = "awskms://", "SignImage: Key 'awskms://' names no key; expected 'awskms://' followed by the key's path or name." },
        { "password with KMS", s => { s.Key = "awskms:///alias/release"; s.KeyPassword = "pw"; }, "SignImage: KeyPassword is set with the key 'awskms:///alias/release', which has no password (the KMS or token holds the key); expected no KeyPassword with it." },
        { "password without key", s => { s.Key = null; s.IdentityToken = "tok"; s.KeyPassword = "pw"; }, "SignImage: KeyPassword is set without a Key; expected a Key file or 'env://' key the password opens, or no KeyPassword." },
        { "password on two lines", s => s.KeyPassword = "pw\nmore", "SignImage: KeyPassword holds a line break or a NUL character; expected the key's password on one line (it is passed as COSIGN_PASSWORD)." },
        { "token with key", s => s.IdentityToken = "tok", "SignImage: IdentityToken is a keyless setting but Key is set; expected either a Key, or the keyless settings (IdentityToken, FulcioUrl, OidcIssuer) without a Key." },
        { "fulcio with key", s => s.FulcioUrl = "https://fulcio.example.com", "SignImage: FulcioUrl is a keyless setting but Key is set; expected either a Key, or the keyless settings (IdentityToken, FulcioUrl, OidcIssuer) without a Key." },
        { "token empty", s => { s.Key = null; s.IdentityToken = " "; }, "SignImage: IdentityToken is empty; expected one line of text, or unset." },
        { "rekor not a URL", s => s.RekorUrl = "rekor.example.com", "SignImage: RekorUrl 'rekor.example.com' is not a URL; expected an absolute http or https URL such as 'https://rekor.example.com', or unset for cosign's default." },
        { "fulcio not a URL", s => { s.Key = null; s.IdentityToken = "tok"; s.FulcioUrl = "file:///fulcio"; }, "SignImage: FulcioUrl 'file:///fulcio' is not a URL; expected an absolute http or https URL such as 'https://rekor.example.com', or unset for cosign's default." },
        { "issuer not a URL", s => { s.Key = null; s.IdentityToken = "tok"; s.OidcIssuer = "issuer"; }, "SignImage: OidcIssuer 'issuer' is not a URL; expected an absolute http or https URL such as 'https://rekor.example.com', or unset for cosign's default." },
        { "annotation key with =", s => s.Annotations["a=b"] = "c", "SignImage: Annotations has the key 'a=b'; expected a key without '=' or spaces, such as 'org.opencontainers.image.source'." },
        { "annotation value two lines", s => s.Annotations["a"] = "b\nc", "SignImage: Annotations['a'] is more than one line; expected one line of text." },
        { "user without password", s => s.Registry.Username = "cake", "SignImage: Username and Password go together for the registry credential; expected both or neither, found only Username. Set the other one, or clear both to use the docker config." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Refuse_Bad_Settings_Before_Cosign_Starts(string name, Action<SignImageSettings> spoil, string message)
    {
        // Given: a cosign that would leave a mark, and a key file that exists
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cosign.key"), "not read");
        var marker = dir.Combine("started");
        var cosign = TestBed.WriteExecutable(dir.Combine("cosign"), $"#!/bin/sh\ntouch '{marker}'\n");
        File.Delete(marker); // WriteExecutable runs it once
        var context = new TestCakeContext(dir.Path);
        var settings = new SignImageSettings { Image = "r.example.com/team/app@" + Digest, Key = "cosign.key", ToolPath = new FilePath(cosign) };
        spoil(settings);
        var before = (settings.Image, settings.Key, settings.KeyPassword, settings.Annotations.Count);
        var made = false;

        // When
        var ex = Assert.Throws<CakeException>(() => new SignImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log.Log, _ => { made = true; throw new InvalidOperationException("no client"); }).Run(settings));

        // Then
        Assert.Equal(message, ex.Message);
        Assert.False(made, name);
        Assert.False(File.Exists(marker));
        Assert.Equal(before, (settings.Image, settings.Key, settings.KeyPassword, settings.Annotations.Count));
        if (settings.KeyPassword is { } password)
        {
            Assert.DoesNotContain(password, context.Log.All, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Should_Name_How_To_Install_Cosign_When_ToolPath_Does_Not_Exist()
    {
        // Given
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cosign.key"), "not read");
        var context = new TestCakeContext(dir.Path);
        var settings = new SignImageSettings { Image = "r.example.com/team/app@" + Digest, Key = "cosign.key", ToolPath = new FilePath("/nowhere/cosign") };

        // When
        var ex = Assert.Throws<CakeException>(() => new SignImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log.Log, _ => throw new InvalidOperationException("no client")).Run(settings));

        // Then
        Assert.Equal("SignImage: ToolPath '/nowhere/cosign' does not exist (looked at '/nowhere/cosign'); expected the cosign executable, such as '/usr/bin/cosign'. Fix the path, or leave ToolPath unset to find cosign on PATH.", ex.Message);
    }

    [Fact]
    public void Should_Name_How_To_Install_Cosign_When_It_Is_Not_On_Path()
    {
        // Given: a PATH without cosign
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cosign.key"), "not read");
        var context = new TestCakeContext(dir.Path, variables: new Dictionary<string, string> { ["PATH"] = dir.Path });
        var settings = new SignImageSettings { Image = "r.example.com/team/app@" + Digest, Key = "cosign.key" };

        // When
        var ex = Assert.Throws<CakeException>(() => new SignImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log.Log, _ => throw new InvalidOperationException("no client")).Run(settings));

        // Then
        Assert.Equal("SignImage: could not find the cosign executable; looked for 'cosign' on PATH and in Cake's tools. Install cosign 2.x (Debian 13: 'apt-get install cosign'; Debian 12: 'apt-get install --no-install-recommends cosign/trixie'; elsewhere https://docs.sigstore.dev/cosign/system_config/installation/) or set ToolPath.", ex.Message);
    }
}
