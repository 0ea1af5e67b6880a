using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifySignature;

namespace Cake.MultiArch.Tests.VerifySignature;

/// <summary>VerifySignature refuses bad settings before cosign starts and before any request, and never writes to the settings.</summary>
public sealed class VerifySignatureBadInputTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<string, Action<VerifySignatureSettings>, string> Cases => new()
    {
        { "no image", s => s.Image = null, "VerifySignature: Image is not set; expected an image pinned by digest such as 'registry.example.com/team/app@sha256:…', found nothing. Pass the digest that BuildxBuild or MergeImages returned." },
        { "image by tag", s => s.Image = "r.example.com/team/app:1.0", "VerifySignature: Image 'r.example.com/team/app:1.0' is not pinned by digest; expected 'repository@sha256:…', found tag '1.0'. Sign and verify the digest that was verified, never a tag (a tag can move between the check and the signature)." },
        { "no key, no identity", s => s.Key = null, "VerifySignature: Key is not set and neither are CertificateIdentity and CertificateOidcIssuer; expected a public key such as 'cosign.pub', or both keyless settings (such as 'https://github.com/team/app/.github/workflows/release.yml@refs/heads/main' and 'https://token.actions.githubusercontent.com')." },
        { "empty key", s => s.Key = "", "VerifySignature: Key is empty; expected a public key ('cosign.pub', 'env://VARIABLE' or a KMS URI), or unset for keyless verification." },
        { "key file missing", s => s.Key = "missing.pub", "VerifySignature: Key 'missing.pub' does not exist; expected a public key: a file such as 'cosign.key', 'env://VARIABLE', or a KMS URI (awskms://…, gcpkms://…, azurekms://…, hashivault://…, k8s://…, gitlab://…). Fix the path." },
        { "key with identity", s => s.CertificateIdentity = "me@example.com", "VerifySignature: Key is set together with CertificateIdentity/CertificateOidcIssuer; expected either a public Key, or both keyless settings without a Key." },
        { "identity without issuer", s => { s.Key = null; s.CertificateIdentity = "me@example.com"; }, "VerifySignature: CertificateOidcIssuer is not set; expected CertificateIdentity and CertificateOidcIssuer together for keyless verification (cosign refuses one without the other)." },
        { "issuer without identity", s => { s.Key = null; s.CertificateOidcIssuer = "https://accounts.google.com"; }, "VerifySignature: CertificateIdentity is not set; expected CertificateIdentity and CertificateOidcIssuer together for keyless verification (cosign refuses one without the other)." },
        { "issuer not a URL", s => { s.Key = null; s.CertificateIdentity = "me@example.com"; s.CertificateOidcIssuer = "google"; }, "VerifySignature: CertificateOidcIssuer 'google' is not a URL; expected an absolute http or https URL such as 'https://rekor.example.com', or unset for cosign's default." },
        { "identity on two lines", s => { s.Key = null; s.CertificateIdentity = "a\nb"; s.CertificateOidcIssuer = "https://accounts.google.com"; }, "VerifySignature: CertificateIdentity is more than one line; expected one line of text, or unset." },
        { "rekor not a URL", s => s.RekorUrl = "rekor", "VerifySignature: RekorUrl 'rekor' is not a URL; expected an absolute http or https URL such as 'https://rekor.example.com', or unset for cosign's default." },
        { "no attempts", s => s.Registry.MaxAttempts = 0, "VerifySignature: MaxAttempts is invalid; expected 1 or more, found 0. Set how many times a request is tried (default 4)." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Refuse_Bad_Settings_Before_Cosign_Starts(string name, Action<VerifySignatureSettings> spoil, string message)
    {
        // Given: a cosign that would leave a mark, and a key file that exists
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cosign.pub"), "not read");
        var marker = dir.Combine("started");
        var cosign = TestBed.WriteExecutable(dir.Combine("cosign"), $"#!/bin/sh\ntouch '{marker}'\n");
        File.Delete(marker); // WriteExecutable runs it once
        var context = new TestCakeContext(dir.Path);
        var settings = new VerifySignatureSettings { Image = "r.example.com/team/app@" + Digest, Key = "cosign.pub", ToolPath = new FilePath(cosign) };
        spoil(settings);
        var before = (settings.Image, settings.Key, settings.CertificateIdentity, settings.CertificateOidcIssuer);
        var made = false;

        // When
        var ex = Assert.Throws<CakeException>(() => new VerifySignatureRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log.Log, _ => { made = true; throw new InvalidOperationException("no client"); }).Run(settings));

        // Then
        Assert.Equal(message, ex.Message);
        Assert.False(made, name);
        Assert.False(File.Exists(marker));
        Assert.Equal(before, (settings.Image, settings.Key, settings.CertificateIdentity, settings.CertificateOidcIssuer));
    }
}
