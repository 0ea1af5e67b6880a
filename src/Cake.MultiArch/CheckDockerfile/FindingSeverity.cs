namespace Cake.MultiArch.CheckDockerfile;

/// <summary>How much a preflight finding matters.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing, never fails anything (a base image whose registry could not be asked: <c>unknown</c>).</summary>
    Info,

    /// <summary>A likely platform mistake; logged as a warning.</summary>
    Warning,

    /// <summary>A mistake that stops the build (a warning raised by <c>WarningsAsErrors</c>, or <c>UnknownAsError</c>).</summary>
    Error,
}
