namespace Nightshift.Workspaces.Repositories;

/// <summary>
/// A repository the policy accepted. <see cref="Location"/> is what git is given (a URL without credentials,
/// or an absolute real path); <see cref="Key"/> names its mirror folder and is stable for equivalent spellings.
/// </summary>
public sealed record RepositoryRef(RepositoryKind Kind, string Location, string Key)
{
    public bool IsLocal => Kind == RepositoryKind.LocalPath;

    public override string ToString() => Location;
}
