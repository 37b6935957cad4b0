using Nightshift.Forges.Conversation;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// A verified delivery read into what triggering needs, the same for GitHub, GitLab and Gitea. Every text field is
/// people's text copied from the payload: data, never an instruction to the platform. Each forge's parser fills it;
/// <see cref="IWebhookIntake"/> records it and the trigger processor acts on it.
/// </summary>
internal sealed record TriggerEvent
{
    /// <summary>github, gitlab or gitea.</summary>
    public required string Forge { get; init; }

    public required TriggerKind Kind { get; init; }

    /// <summary>The repository's clone address, as tasks name repositories.</summary>
    public required string RepositoryUrl { get; init; }

    /// <summary>The repository's path on the forge, owner/name.</summary>
    public required string Repository { get; init; }

    /// <summary>The issue or pull request the delivery is about.</summary>
    public required ForgeThread Thread { get; init; }

    public required string ThreadUrl { get; init; }

    public required string ThreadTitle { get; init; }

    public string ThreadBody { get; init; } = "";

    /// <summary>Who acted: the label's adder, the comment's or review's author, the pusher of a failed check's commit.</summary>
    public required string Actor { get; init; }

    /// <summary>The forge marks the actor as a bot or app account.</summary>
    public bool ActorIsBot { get; init; }

    /// <summary>The pull request's head branch lives in a fork.</summary>
    public bool FromFork { get; init; }

    /// <summary>The label added (<see cref="TriggerKind.IssueLabelled"/>).</summary>
    public string? Label { get; init; }

    /// <summary>The comment's id and text (<see cref="TriggerKind.Comment"/>).</summary>
    public string? CommentId { get; init; }

    public string? CommentBody { get; init; }

    /// <summary>The review's id, state (approved, changes_requested, commented) and text (<see cref="TriggerKind.Review"/>).</summary>
    public string? ReviewId { get; init; }

    public string? ReviewState { get; init; }

    public string? ReviewBody { get; init; }

    /// <summary>Review comments the payload itself carries (the rest are listed from the forge).</summary>
    public IReadOnlyList<ThreadComment> ReviewComments { get; init; } = [];

    /// <summary>The failed check's id (for its log), name and the forge's summary of it (<see cref="TriggerKind.CheckFailed"/>).</summary>
    public string? CheckId { get; init; }

    public string? CheckName { get; init; }

    public string? CheckSummary { get; init; }

    /// <summary>The pull request's head branch: Nightshift finds its own task by it.</summary>
    public string? HeadBranch { get; init; }

    /// <summary>When the forge says it happened; null when the payload does not say.</summary>
    public DateTimeOffset? At { get; init; }
}
