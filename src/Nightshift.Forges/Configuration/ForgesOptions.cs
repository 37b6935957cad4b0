namespace Nightshift.Forges.Configuration;

/// <summary>
/// The <c>Forges</c> section: one entry per forge the worker opens pull requests on, keyed by a name of the operator's
/// choosing (<c>Forges:github:Token</c>, <c>Forges:work-ghe:Host</c>). Repositories on hosts named nowhere here keep
/// using the local forge.
/// </summary>
public sealed class ForgesOptions : Dictionary<string, ForgeSettings>
{
    public const string SectionName = "Forges";

    public ForgesOptions()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }
}
