namespace Cake.MultiArch.Registry;

/// <summary>
/// A registry credential: a user name and password (or token). Its <see cref="ToString"/> never
/// shows the secret, so it is safe in logs and exception texts.
/// </summary>
internal sealed class RegistryCredential
{
    /// <summary>Initializes a new instance of the <see cref="RegistryCredential"/> class.</summary>
    /// <param name="username">The user name.</param>
    /// <param name="password">The password or personal access token.</param>
    public RegistryCredential(string username, string password)
    {
        Username = username;
        Password = password;
    }

    /// <summary>Gets the user name.</summary>
    public string Username { get; }

    /// <summary>Gets the password or token.</summary>
    public string Password { get; }

    /// <summary>Gets or sets an identity token (an OAuth2 refresh token from <c>docker login</c>), used instead of the password at the token endpoint.</summary>
    public string? IdentityToken { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Username}:[REDACTED]";
}
