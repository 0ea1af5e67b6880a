namespace Cake.MultiArch.Registry;

/// <summary>One registry request: what every read (and write) of the client goes through.</summary>
/// <param name="Method">The method.</param>
/// <param name="Uri">The address.</param>
/// <param name="Repository">The repository (its registry picks the credential; its path the token scope).</param>
/// <param name="Accept">The Accept list.</param>
/// <param name="What">What is asked for, for messages (<c>manifest 'sha256:…'</c>).</param>
internal sealed record RegistryRequest(HttpMethod Method, Uri Uri, ImageReference Repository, IReadOnlyList<string> Accept, string What)
{
    /// <summary>Gets the token scope's actions (<c>pull</c>; a write asks <c>pull,push</c>).</summary>
    public string Scope { get; init; } = "pull";

    /// <summary>
    /// Gets further token scopes, whole (<c>repository:other/app:pull</c>): a cross-repository
    /// blob mount also needs pull on its source. Default: none.
    /// </summary>
    public IReadOnlyList<string> ExtraScopes { get; init; } = [];

    /// <summary>Gets every token scope the request needs: its repository's, then <see cref="ExtraScopes"/>.</summary>
    public IReadOnlyList<string> Scopes => [$"repository:{Repository.Repository}:{Scope}", .. ExtraScopes];

    /// <summary>Gets the body, made anew for each try; <see langword="null"/> for none.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>Gets the whole request's time limit; <see langword="null"/> for <see cref="RegistryClientOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}
