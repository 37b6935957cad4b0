namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the task branch was pushed to the repository's remote.</summary>
/// <param name="Branch">the branch pushed.</param>
/// <param name="Remote">where it was pushed.</param>
public sealed record BranchPushedPayload(
    string Branch,
    string Remote);
