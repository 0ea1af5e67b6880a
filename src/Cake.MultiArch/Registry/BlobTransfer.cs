namespace Cake.MultiArch.Registry;

/// <summary>How a blob reached the target repository.</summary>
internal enum BlobTransfer
{
    /// <summary>The target already had it (HEAD answered 200): nothing was sent.</summary>
    Present,

    /// <summary>The registry linked it from the source repository (cross-repository mount, <c>201 Created</c>).</summary>
    Mounted,

    /// <summary>Its bytes were uploaded (monolithic POST then PUT <c>?digest=</c>).</summary>
    Uploaded,
}
