using Cake.MultiArch.Cosign;

namespace Cake.MultiArch.SignImage;

/// <summary>Settings for <c>SignImage</c> (<c>cosign sign</c>): sign a pushed, verified digest.</summary>
public sealed class SignImageSettings : CosignSettings
{
    /// <summary>
    /// Gets or sets the private key, <c>--key</c>: a file (<c>cosign.key</c>), <c>env://VARIABLE</c>
    /// (the PEM in an environment variable), a KMS URI (<c>awskms://</c>, <c>gcpkms://</c>,
    /// <c>azurekms://</c>, <c>hashivault://</c>, <c>k8s://</c>, <c>gitlab://</c>) or <c>pkcs11:</c>.
    /// Unset: keyless signing, which needs <see cref="IdentityToken"/>.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>
    /// Gets or sets the password of the key file (or <c>env://</c> key). It reaches cosign only as
    /// <c>COSIGN_PASSWORD</c> in the child's environment: never its arguments, the log or a message.
    /// Unset: cosign's own <c>COSIGN_PASSWORD</c> from the environment, if any.
    /// </summary>
    public string? KeyPassword { get; set; }

    /// <summary>Gets the annotations written into the signature's payload, <c>-a key=value</c> each.</summary>
    public IDictionary<string, string> Annotations { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether the signature is recorded in the transparency log
    /// (Rekor). Default: <see langword="true"/>; <see langword="false"/> adds <c>--tlog-upload=false</c>
    /// for offline or private use (verify then with <c>IgnoreTlog</c>).
    /// </summary>
    public bool TlogUpload { get; set; } = true;

    /// <summary>Gets or sets the Fulcio URL for keyless signing, <c>--fulcio-url</c>; unset: cosign's default.</summary>
    public string? FulcioUrl { get; set; }

    /// <summary>Gets or sets the OIDC issuer for keyless signing, <c>--oidc-issuer</c>; unset: cosign's default.</summary>
    public string? OidcIssuer { get; set; }

    /// <summary>
    /// Gets or sets the OIDC identity token for keyless signing (such as a CI job's token). It
    /// reaches cosign only as <c>SIGSTORE_ID_TOKEN</c> in the child's environment, never its arguments.
    /// </summary>
    public string? IdentityToken { get; set; }
}
