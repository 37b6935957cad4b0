namespace Nightshift.Forges.Conversation;

/// <summary>A person's permission on a repository, the forges' roles folded to what triggering needs.</summary>
public enum ForgePermission
{
    /// <summary>Not a collaborator, unknown, or blocked.</summary>
    None,

    /// <summary>May read (GitHub read/triage; GitLab guest/reporter; Gitea read).</summary>
    Read,

    /// <summary>May push (GitHub write/maintain; GitLab developer/maintainer; Gitea write).</summary>
    Write,

    /// <summary>Owns or administers the repository.</summary>
    Admin,
}
