namespace Nightshift.Core.Forges;

/// <summary>Which kind of forge a repository lives on; decides the REST dialect spoken to it.</summary>
public enum ForgeKind
{
    /// <summary>No forge: the pull request is a record Nightshift keeps itself (local paths, bare repositories).</summary>
    Local,

    /// <summary>github.com or GitHub Enterprise Server.</summary>
    GitHub,

    /// <summary>gitlab.com or a self-managed GitLab.</summary>
    GitLab,

    /// <summary>Gitea or Forgejo (the same API).</summary>
    Gitea,
}
