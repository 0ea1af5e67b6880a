using System.Text.RegularExpressions;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>The patterns <see cref="BuildxBuildPlan"/> checks values against.</summary>
internal static partial class BuildxBuildPatterns
{
    /// <summary>A size as <c>--shm-size</c> takes it: a number with an optional unit b, k, m or g.</summary>
    /// <returns>The pattern.</returns>
    [GeneratedRegex("^[0-9]+(?:[bkmgBKMG])?$")]
    internal static partial Regex ShmSize();
}
