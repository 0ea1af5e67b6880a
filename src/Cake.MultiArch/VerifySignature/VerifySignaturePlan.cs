using Cake.MultiArch.Cosign;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifySignature;

/// <summary>VerifySignature's checks and its cosign calls, before any process starts.</summary>
/// <param name="Image">The image, pinned by digest.</param>
/// <param name="Options">cosign's arguments before the image (never a secret).</param>
internal sealed record VerifySignaturePlan(ImageReference Image, IReadOnlyList<string> Options)
{
    private const string Alias = "VerifySignature";

    /// <summary>Checks the settings, listing every problem at once.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <param name="fileExists">Whether a key file exists.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="Cake.Core.CakeException">Every problem, one per line.</exception>
    public static VerifySignaturePlan Create(VerifySignatureSettings settings, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        var image = CosignChecks.Image(Alias, settings.Image, problems);
        CosignChecks.OneLine(Alias, "CertificateIdentity", settings.CertificateIdentity, problems);
        CosignChecks.Url(Alias, "CertificateOidcIssuer", settings.CertificateOidcIssuer, problems);
        CosignChecks.Url(Alias, "RekorUrl", settings.RekorUrl, problems);
        var keyless = settings.CertificateIdentity is not null || settings.CertificateOidcIssuer is not null;
        if (settings.Key is not null && keyless)
        {
            problems.Add($"{Alias}: Key is set together with CertificateIdentity/CertificateOidcIssuer; expected either a public Key, or both keyless settings without a Key.");
        }
        else if (string.IsNullOrWhiteSpace(settings.Key) && settings.Key is not null)
        {
            problems.Add($"{Alias}: Key is empty; expected a public key ('cosign.pub', 'env://VARIABLE' or a KMS URI), or unset for keyless verification.");
        }
        else if (settings.Key is not null)
        {
            CosignChecks.Key(Alias, settings.Key, "a public key", fileExists, problems);
        }
        else if (!keyless)
        {
            problems.Add($"{Alias}: Key is not set and neither are CertificateIdentity and CertificateOidcIssuer; expected a public key such as 'cosign.pub', or both keyless settings (such as 'https://github.com/team/app/.github/workflows/release.yml@refs/heads/main' and 'https://token.actions.githubusercontent.com').");
        }
        else if (settings.CertificateIdentity is null || settings.CertificateOidcIssuer is null)
        {
            problems.Add($"{Alias}: {(settings.CertificateIdentity is null ? "CertificateIdentity" : "CertificateOidcIssuer")} is not set; expected CertificateIdentity and CertificateOidcIssuer together for keyless verification (cosign refuses one without the other).");
        }

        settings.Registry.Validate(Alias, problems);
        RegistryAccessRun.ThrowIfAny(problems);
        return new VerifySignaturePlan(image!, MakeOptions(settings, image!));
    }

    /// <summary>Makes the arguments that verify one manifest of the image.</summary>
    /// <param name="digest">The manifest's digest.</param>
    /// <returns>The arguments.</returns>
    public IReadOnlyList<string> Arguments(string digest) => [.. Options, $"{Image.Registry}/{Image.Repository}@{digest}"];

    private static List<string> MakeOptions(VerifySignatureSettings settings, ImageReference image)
    {
        var arguments = new List<string> { "verify" };
        if (settings.Key is not null)
        {
            arguments.Add("--key");
            arguments.Add(settings.Key);
        }
        else
        {
            arguments.Add("--certificate-identity");
            arguments.Add(settings.CertificateIdentity!);
            arguments.Add("--certificate-oidc-issuer");
            arguments.Add(settings.CertificateOidcIssuer!);
        }

        if (settings.IgnoreTlog)
        {
            arguments.Add("--insecure-ignore-tlog=true");
        }

        if (settings.RekorUrl is not null)
        {
            arguments.Add("--rekor-url");
            arguments.Add(settings.RekorUrl);
        }

        CosignChecks.RegistryArguments(image, settings.Registry, arguments);
        arguments.Add("--output");
        arguments.Add("json");
        return arguments;
    }
}
