namespace Nightshift.Core.Pipelines;

/// <summary>
/// A pull request task to submit: <see cref="Key"/> is the part of its idempotency key after <c>run:&lt;id&gt;:</c>
/// (<c>pull-request</c> at the end, <c>pull-request:STEP</c> per step), so asking twice submits it once.
/// </summary>
public sealed record PullRequestPlan(string Key, string Title, string Body, bool Draft, string? PublishBranch = null);
