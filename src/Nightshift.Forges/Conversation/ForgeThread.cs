namespace Nightshift.Forges.Conversation;

/// <summary>One issue or pull request of a repository, by its number (GitLab: the iid).</summary>
public sealed record ForgeThread(ForgeThreadKind Kind, long Number)
{
    public override string ToString() => $"{(Kind == ForgeThreadKind.Issue ? "issue" : "pull request")} #{Number}";
}
