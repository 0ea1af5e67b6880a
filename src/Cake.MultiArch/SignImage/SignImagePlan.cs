using Cake.MultiArch.Cosign;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.SignImage;

/// <summary>SignImage's checks and its cosign call, before any process starts.</summary>
/// <param name="Image">The image, pinned by digest.</param>
/// <param name="Arguments">cosign's arguments (never a secret).</param>
/// <param name="Environment">What goes into cosign's environment: <c>COSIGN_PASSWORD</c>, <c>SIGSTORE_ID_TOKEN</c>.</param>
/// <param name="Secrets">The values to redact.</param>
internal sealed record SignImagePlan(ImageReference Image, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, IReadOnlyCollection<string> Secrets)
{
    private const string Alias = "SignImage";

    /// <summary>Checks the settings, listing every problem at once, and makes the call.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <param name="fileExists">Whether a key file exists.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="Cake.Core.CakeException">Every problem, one per line.</exception>
    public static SignImagePlan Create(SignImageSettings settings, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        var image = CosignChecks.Image(Alias, settings.Image, problems);
        CheckKey(settings, fileExists, problems);
        foreach (var (key, value) in settings.Annotations)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('=', StringComparison.Ordinal) || key.Any(char.IsWhiteSpace))
            {
                problems.Add($"{Alias}: Annotations has the key '{key}'; expected a key without '=' or spaces, such as 'org.opencontainers.image.source'.");
            }
            else if (value is null || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            {
                problems.Add($"{Alias}: Annotations['{key}'] is {(value is null ? "null" : "more than one line")}; expected one line of text.");
            }
        }

        CosignChecks.Url(Alias, "RekorUrl", settings.RekorUrl, problems);
        CosignChecks.Url(Alias, "FulcioUrl", settings.FulcioUrl, problems);
        CosignChecks.Url(Alias, "OidcIssuer", settings.OidcIssuer, problems);
        settings.Registry.Validate(Alias, problems);
        RegistryAccessRun.ThrowIfAny(problems);
        return new SignImagePlan(image!, MakeArguments(settings, image!), MakeEnvironment(settings), MakeSecrets(settings));
    }

    private static void CheckKey(SignImageSettings settings, Func<string, bool> fileExists, List<string> problems)
    {
        CosignChecks.OneLine(Alias, "IdentityToken", settings.IdentityToken, problems);
        if (settings.KeyPassword is not null && (settings.KeyPassword.Contains('\n', StringComparison.Ordinal) || settings.KeyPassword.Contains('\0', StringComparison.Ordinal)))
        {
            problems.Add($"{Alias}: KeyPassword holds a line break or a NUL character; expected the key's password on one line (it is passed as COSIGN_PASSWORD).");
        }

        if (string.IsNullOrWhiteSpace(settings.Key))
        {
            if (settings.Key is not null)
            {
                problems.Add($"{Alias}: Key is empty; expected a private key ('cosign.key', 'env://VARIABLE' or a KMS URI), or unset for keyless signing with IdentityToken.");
            }
            else if (settings.IdentityToken is null)
            {
                problems.Add($"{Alias}: Key is not set and neither is IdentityToken; expected a private key ('cosign.key', 'env://VARIABLE' or a KMS URI such as 'awskms:///alias/release'), or IdentityToken for keyless signing (cosign cannot open a browser here).");
            }

            if (settings.KeyPassword is not null)
            {
                problems.Add($"{Alias}: KeyPassword is set without a Key; expected a Key file or 'env://' key the password opens, or no KeyPassword.");
            }

            return;
        }

        var passwordApplies = CosignChecks.Key(Alias, settings.Key, "a private key", fileExists, problems);
        if (settings.KeyPassword is not null && !passwordApplies)
        {
            problems.Add($"{Alias}: KeyPassword is set with the key '{settings.Key}', which has no password (the KMS or token holds the key); expected no KeyPassword with it.");
        }

        foreach (var (name, value) in new[] { ("IdentityToken", settings.IdentityToken), ("FulcioUrl", settings.FulcioUrl), ("OidcIssuer", settings.OidcIssuer) })
        {
            if (value is not null)
            {
                problems.Add($"{Alias}: {name} is a keyless setting but Key is set; expected either a Key, or the keyless settings (IdentityToken, FulcioUrl, OidcIssuer) without a Key.");
            }
        }
    }

    private static List<string> MakeArguments(SignImageSettings settings, ImageReference image)
    {
        var arguments = new List<string> { "sign", "--yes" };
        if (settings.Key is not null)
        {
            arguments.Add("--key");
            arguments.Add(settings.Key);
        }

        if (settings.Recursive)
        {
            arguments.Add("--recursive");
        }

        foreach (var (key, value) in settings.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            arguments.Add("-a");
            arguments.Add($"{key}={value}");
        }

        if (!settings.TlogUpload)
        {
            arguments.Add("--tlog-upload=false");
        }

        AddOption(arguments, "--rekor-url", settings.RekorUrl);
        AddOption(arguments, "--fulcio-url", settings.FulcioUrl);
        AddOption(arguments, "--oidc-issuer", settings.OidcIssuer);
        CosignChecks.RegistryArguments(image, settings.Registry, arguments);
        arguments.Add($"{image.Registry}/{image.Repository}@{image.Digest}");
        return arguments;
    }

    private static void AddOption(List<string> arguments, string name, string? value)
    {
        if (value is not null)
        {
            arguments.Add(name);
            arguments.Add(value);
        }
    }

    private static Dictionary<string, string> MakeEnvironment(SignImageSettings settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings.KeyPassword is not null)
        {
            environment["COSIGN_PASSWORD"] = settings.KeyPassword;
        }

        if (settings.IdentityToken is not null)
        {
            environment["SIGSTORE_ID_TOKEN"] = settings.IdentityToken;
        }

        return environment;
    }

    private static string[] MakeSecrets(SignImageSettings settings) =>
        new[] { settings.KeyPassword, settings.IdentityToken, settings.Registry.Password }.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray();
}
