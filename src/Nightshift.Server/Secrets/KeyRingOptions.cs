namespace Nightshift.Server.Secrets;

/// <summary>
/// The <c>DataProtection</c> section: where the ASP.NET Core Data Protection key ring that encrypts organisation secrets,
/// outbound webhook secrets and chat URLs is kept.
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    public const string FolderStore = "folder";
    public const string DatabaseStore = "database";

    /// <summary>
    /// <c>folder</c> (the default): key files in <see cref="KeysDirectory"/>, else the data folder's <c>keys</c>.
    /// <c>database</c>: key elements in the store's <c>protection_keys</c> table, shared by every server of a fleet.
    /// </summary>
    public string KeyStore { get; set; } = FolderStore;

    /// <summary>An absolute folder for the key files (a shared mount for a fleet); null for <c>&lt;data folder&gt;/keys</c>.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>The folder the key files go in when <see cref="KeyStore"/> is <c>folder</c>.</summary>
    public string FolderFor(string dataDirectory) => KeysDirectory ?? Path.Combine(dataDirectory, "keys");
}
