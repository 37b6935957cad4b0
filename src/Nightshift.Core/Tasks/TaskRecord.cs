using Nightshift.Core.Teams;
using Nightshift.Core.Usage;

namespace Nightshift.Core.Tasks;

/// <summary>A task as stored: what was asked, where it stands, and what it produced.</summary>
public sealed record TaskRecord
{
    public required string Id { get; init; }

    public required string Repo { get; init; }

    public required string Instruction { get; init; }

    public required string Title { get; init; }

    public string? BaseBranch { get; init; }

    public string? Model { get; init; }

    public int Priority { get; init; }

    public bool RequirePlanApproval { get; init; }

    public string? IdempotencyKey { get; init; }

    public string Source { get; init; } = "api";

    /// <summary>The issue or pull request on a forge the task came from; null for tasks asked for here.</summary>
    public TaskOrigin? Origin { get; init; }

    /// <summary>The task whose branch and pull request this one continues; null for a task with its own branch.</summary>
    public string? FollowUpOf { get; init; }

    /// <summary>The organisation the task belongs to; only its callers see it.</summary>
    public string OrgId { get; init; } = OrgIds.Default;

    /// <summary>The pipeline run and step this task is; null for a task of its own.</summary>
    public Pipelines.RunStepTask? RunStep { get; init; }

    public TaskState Status { get; init; }

    public TaskPhase Phase { get; init; }

    /// <summary>Attempts started so far (a claim starts one).</summary>
    public int Attempts { get; init; }

    public int MaxAttempts { get; init; } = 3;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset RunAfter { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Branch { get; init; }

    /// <summary>The pull request's URL (or local forge reference), once opened.</summary>
    public string? PullRequest { get; init; }

    /// <summary>The plan as JSON, once the planner produced one.</summary>
    public string? Plan { get; init; }

    public UsageTotals Usage { get; init; } = UsageTotals.Zero;

    /// <summary>Why the task failed or needs review, in words a person can act on.</summary>
    public string? LastError { get; init; }

    public bool CancelRequested { get; init; }

    /// <summary>The worker currently holding the task, if any (never the lease token).</summary>
    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Eight characters that identify the task in branch names and short listings.</summary>
    public string ShortId => TaskId.Short(Id);
}
