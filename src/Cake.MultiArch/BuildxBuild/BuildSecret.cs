using Cake.Core.IO;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// A build secret (<c>--secret</c>), mounted with <c>RUN --mount=type=secret,id=…</c>. Its value
/// never goes on the command line: it is read by buildx from an environment variable or a file.
/// </summary>
public sealed class BuildSecret
{
    /// <summary>The prefix of the environment variable that carries a value secret to buildx.</summary>
    internal const string ValueVariablePrefix = "CAKE_MULTIARCH_SECRET_";

    private BuildSecret(string id, string? environmentVariable, FilePath? file, string? value, bool fromValue)
    {
        Id = id;
        EnvironmentVariable = environmentVariable;
        File = file;
        Value = value;
        IsFromValue = fromValue;
    }

    /// <summary>Gets the secret id (<c>id=</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the environment variable buildx reads the value from (<c>env=</c>), or <see langword="null"/>.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>Gets the file buildx reads the value from (<c>src=</c>), or <see langword="null"/>.</summary>
    public FilePath? File { get; }

    /// <summary>Gets the value, when the secret was made from one; it is handed to buildx through the process environment only.</summary>
    internal string? Value { get; }

    /// <summary>Gets a value indicating whether the secret was made by <see cref="FromValue"/> (its <see cref="Value"/> may still be <see langword="null"/>: validation says so).</summary>
    internal bool IsFromValue { get; }

    /// <summary>A secret whose value buildx reads from an environment variable of the build's process.</summary>
    /// <param name="id">The secret id.</param>
    /// <param name="environmentVariable">The variable, such as <c>NPM_TOKEN</c>; it must be set in Cake's environment (or the settings' EnvironmentVariables).</param>
    /// <returns>The secret.</returns>
    public static BuildSecret FromEnvironment(string id, string environmentVariable) => new(id, environmentVariable, null, null, false);

    /// <summary>A secret whose value buildx reads from a file.</summary>
    /// <param name="id">The secret id.</param>
    /// <param name="file">The file holding the value.</param>
    /// <returns>The secret.</returns>
    public static BuildSecret FromFile(string id, FilePath file) => new(id, null, file, null, false);

    /// <summary>
    /// A secret whose value this script holds (from a vault, say). The value is put in the build
    /// process's environment under a generated variable and passed as <c>id=…,env=…</c>: it is
    /// never on the command line, in Cake's log, or in an error message.
    /// </summary>
    /// <remarks>
    /// The variable is <c>CAKE_MULTIARCH_SECRET_</c> and the id upper-cased with every character
    /// other than an ASCII letter or digit made <c>_</c>: ids <c>a-b</c>, <c>a_b</c> and <c>A.B</c>
    /// share one variable, and BuildxBuild refuses such a pair before anything starts.
    /// </remarks>
    /// <param name="id">The secret id.</param>
    /// <param name="value">The secret value.</param>
    /// <returns>The secret.</returns>
    public static BuildSecret FromValue(string id, string value) =>
        new(id, ValueVariable(id), null, value, true);

    /// <summary>Gets the environment variable that carries the value of a secret made by <see cref="FromValue"/>.</summary>
    /// <param name="id">The secret id.</param>
    /// <returns>The variable name, such as <c>CAKE_MULTIARCH_SECRET_NPM</c>.</returns>
    internal static string ValueVariable(string? id) =>
        ValueVariablePrefix + new string((id ?? string.Empty).Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());

    /// <summary>Renders the <c>--secret</c> value (never the secret itself).</summary>
    /// <returns>The value, such as <c>id=npm,env=NPM_TOKEN</c>.</returns>
    public override string ToString() =>
        File is not null ? Csv.Field($"id={Id}") + "," + Csv.Field("src=" + File.FullPath) : Csv.Field($"id={Id}") + "," + Csv.Field("env=" + EnvironmentVariable);
}
