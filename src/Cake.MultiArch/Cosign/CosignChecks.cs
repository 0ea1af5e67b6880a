using System.Text.RegularExpressions;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Cosign;

/// <summary>The checks both cosign aliases make on their shared settings, before any process starts.</summary>
internal static partial class CosignChecks
{
    /// <summary>The key URI schemes cosign reads (besides a file path).</summary>
    public static readonly IReadOnlyList<string> KeySchemes = ["env", "awskms", "gcpkms", "azurekms", "hashivault", "k8s", "gitlab"];

    /// <summary>Checks the image: set, a valid reference, pinned by digest.</summary>
    /// <param name="alias">The alias, for messages.</param>
    /// <param name="image">The image.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The reference, or <see langword="null"/> when it is not usable.</returns>
    public static ImageReference? Image(string alias, string? image, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            problems.Add($"{alias}: Image is not set; expected an image pinned by digest such as 'registry.example.com/team/app@sha256:…', found nothing. Pass the digest that BuildxBuild or MergeImages returned.");
            return null;
        }

        if (ImageReference.TryParseCore(image, out var reference) is { } error)
        {
            problems.Add($"{alias}: Image '{image}' is invalid; expected an image pinned by digest, found: {error}");
            return null;
        }

        if (reference!.Digest is null)
        {
            problems.Add($"{alias}: Image '{image}' is not pinned by digest; expected 'repository@sha256:…', found tag '{reference.Tag ?? "latest"}'. Sign and verify the digest that was verified, never a tag (a tag can move between the check and the signature).");
            return null;
        }

        return reference;
    }

    /// <summary>Checks a key reference: a file that exists, <c>env://NAME</c>, a KMS URI, or <c>pkcs11:</c>.</summary>
    /// <param name="alias">The alias, for messages.</param>
    /// <param name="key">The key.</param>
    /// <param name="what">What the key is (<c>a private key</c>, <c>a public key</c>).</param>
    /// <param name="fileExists">Whether a file exists.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns><see langword="true"/> when the key is a file or an <c>env://</c> variable (a password applies).</returns>
    public static bool Key(string alias, string key, string what, Func<string, bool> fileExists, List<string> problems)
    {
        if (key.StartsWith("pkcs11:", StringComparison.Ordinal))
        {
            return false;
        }

        var schemeEnd = key.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            if (!fileExists(key))
            {
                problems.Add($"{alias}: Key '{key}' does not exist; expected {what}: a file such as 'cosign.key', 'env://VARIABLE', or a KMS URI ({string.Join(", ", KeySchemes.Skip(1).Select(s => s + "://…"))}). Fix the path.");
            }

            return true;
        }

        var scheme = key[..schemeEnd];
        var rest = key[(schemeEnd + 3)..];
        if (!KeySchemes.Contains(scheme))
        {
            problems.Add($"{alias}: Key '{key}' has the scheme '{scheme}', which cosign does not read; expected a file path, 'env://VARIABLE' or one of {string.Join(", ", KeySchemes.Select(s => s + "://"))}, 'pkcs11:'.");
            return false;
        }

        if (scheme == "env" && !VariableName().IsMatch(rest))
        {
            problems.Add($"{alias}: Key '{key}' names no environment variable; expected 'env://NAME' with NAME made of letters, digits and '_' (such as 'env://COSIGN_PRIVATE_KEY').");
        }
        else if (rest.Length == 0)
        {
            problems.Add($"{alias}: Key '{key}' names no key; expected '{scheme}://' followed by the key's path or name.");
        }

        return scheme == "env";
    }

    /// <summary>Checks a service URL: absolute http or https.</summary>
    /// <param name="alias">The alias, for messages.</param>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">The value, or <see langword="null"/> when unset.</param>
    /// <param name="problems">Where problems are added.</param>
    public static void Url(string alias, string name, string? value, List<string> problems)
    {
        if (value is null)
        {
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            problems.Add($"{alias}: {name} '{value}' is not a URL; expected an absolute http or https URL such as 'https://rekor.example.com', or unset for cosign's default.");
        }
    }

    /// <summary>Checks a value that goes into one argument: not empty, no line break.</summary>
    /// <param name="alias">The alias, for messages.</param>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">The value, or <see langword="null"/> when unset.</param>
    /// <param name="problems">Where problems are added.</param>
    public static void OneLine(string alias, string name, string? value, List<string> problems)
    {
        if (value is not null && (value.Trim().Length == 0 || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)))
        {
            problems.Add($"{alias}: {name} is {(value.Trim().Length == 0 ? "empty" : "more than one line")}; expected one line of text, or unset.");
        }
    }

    /// <summary>Adds the registry arguments: <c>--allow-insecure-registry</c> for a plain-HTTP registry.</summary>
    /// <param name="image">The image.</param>
    /// <param name="access">The registry access.</param>
    /// <param name="arguments">The arguments.</param>
    public static void RegistryArguments(ImageReference image, RegistryAccess access, List<string> arguments)
    {
        if (access.InsecureRegistries.Contains(image.Registry, StringComparer.OrdinalIgnoreCase))
        {
            arguments.Add("--allow-insecure-registry");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex VariableName();
}
