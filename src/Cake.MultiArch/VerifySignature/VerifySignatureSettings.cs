using Cake.MultiArch.Cosign;

namespace Cake.MultiArch.VerifySignature;

/// <summary>Settings for <c>VerifySignature</c> (<c>cosign verify</c>): check the signatures of a digest, and (recursive) of each platform manifest.</summary>
public sealed class VerifySignatureSettings : CosignSettings
{
    /// <summary>
    /// Gets or sets the public key, <c>--key</c>: a file (<c>cosign.pub</c>), <c>env://VARIABLE</c>
    /// or a KMS URI. Unset: keyless verification by <see cref="CertificateIdentity"/> and
    /// <see cref="CertificateOidcIssuer"/>.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the identity the signing certificate must name (keyless), <c>--certificate-identity</c>, such as a CI workflow's URL or an e-mail address.</summary>
    public string? CertificateIdentity { get; set; }

    /// <summary>Gets or sets the OIDC issuer the signing certificate must name (keyless), <c>--certificate-oidc-issuer</c>, such as <c>https://token.actions.githubusercontent.com</c>.</summary>
    public string? CertificateOidcIssuer { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the transparency log is not consulted,
    /// <c>--insecure-ignore-tlog=true</c>: for signatures made with <c>TlogUpload = false</c>
    /// (offline or private use). Default: <see langword="false"/>.
    /// </summary>
    public bool IgnoreTlog { get; set; }
}
