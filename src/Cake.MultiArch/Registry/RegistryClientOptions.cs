namespace Cake.MultiArch.Registry;

/// <summary>Options of the <see cref="RegistryClient"/>.</summary>
internal sealed class RegistryClientOptions
{
    /// <summary>Gets or sets the credential to use for every registry; when <see langword="null"/>, <see cref="CredentialProvider"/> is asked.</summary>
    public RegistryCredential? Credential { get; set; }

    /// <summary>Gets or sets where credentials come from per registry host (default: none, anonymous).</summary>
    public Func<string, RegistryCredential?>? CredentialProvider { get; set; }

    /// <summary>Gets the registries reached over plain HTTP besides loopback ones (<c>host:port</c>).</summary>
    public IList<string> InsecureRegistries { get; } = new List<string>();

    /// <summary>Gets or sets how many times a request is tried on 429, 5xx, a connection failure, a cut body or an unanswered try. Default: 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Gets or sets the first retry's wait (doubled each time) when the registry sends no Retry-After. Default: 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest wait between tries, Retry-After included. Default: 10 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the longest one request may take as a whole: connection, token exchange,
    /// redirects, every retry and its wait, and the body of a manifest, config or token. Default: 30 s.
    /// </summary>
    /// <remarks>A layer's body is bounded by <see cref="LayerTimeout"/> and <see cref="ReadIdleTimeout"/> instead.</remarks>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one try waits for the registry (its headers and, for small documents, its body) before it is retried. Default: 10 s (never more than <see cref="Timeout"/>).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest a layer's body may go without sending a byte. Default: 30 s.</summary>
    public TimeSpan ReadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one layer's download may take, from its response headers to its last byte. Default: 30 min.</summary>
    public TimeSpan LayerTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets the largest manifest or config accepted. Default: 4 MiB (the distribution spec's manifest limit).</summary>
    public long MaxDocumentBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Checks every value, so a client never starts with a negative timeout or no attempts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is zero or negative (the message names it and its value).</exception>
    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, value, $"RegistryClientOptions.{name} is {value}; expected a positive time span.");
            }
        }

        Positive(Timeout, nameof(Timeout));
        Positive(AttemptTimeout, nameof(AttemptTimeout));
        Positive(ReadIdleTimeout, nameof(ReadIdleTimeout));
        Positive(LayerTimeout, nameof(LayerTimeout));
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), $"RegistryClientOptions.InitialBackoff ({InitialBackoff}) and MaxBackoff ({MaxBackoff}) must not be negative.");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, $"RegistryClientOptions.MaxAttempts is {MaxAttempts}; expected 1 or more.");
        }

        if (MaxDocumentBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDocumentBytes), MaxDocumentBytes, $"RegistryClientOptions.MaxDocumentBytes is {MaxDocumentBytes}; expected 1 or more.");
        }
    }
}
