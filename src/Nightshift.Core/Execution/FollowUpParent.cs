using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;

namespace Nightshift.Core.Execution;

/// <summary>The task a follow-up continues, and the pull request it opened (or a later follow-up of it updated).</summary>
public sealed record FollowUpParent(TaskRecord Task, PullRequest? PullRequest);
