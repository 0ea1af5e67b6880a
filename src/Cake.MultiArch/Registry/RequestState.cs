namespace Cake.MultiArch.Registry;

/// <summary>Where a try is, for the message if it never ends: the address (a redirect's or token endpoint's) and what it asks for.</summary>
/// <param name="current">The address first asked.</param>
/// <param name="what">What is asked for.</param>
internal sealed class RequestState(Uri current, string what)
{
    /// <summary>Gets or sets the address being asked.</summary>
    public Uri Current { get; set; } = current;

    /// <summary>Gets or sets what is asked for.</summary>
    public string What { get; set; } = what;

    /// <summary>Starts a new try at the request's own address.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="what">What is asked for.</param>
    public void Reset(Uri uri, string what)
    {
        Current = uri;
        What = what;
    }
}
