namespace Nightshift.Server.Webhooks;

/// <summary>What a delivery asks of Nightshift, the same for every forge.</summary>
internal enum TriggerKind
{
    /// <summary>An issue got the configured label.</summary>
    IssueLabelled,

    /// <summary>A comment on an issue or pull request (a <c>/nightshift</c> command, or a message/answer to a linked task).</summary>
    Comment,

    /// <summary>A review (or review comments) on a pull request.</summary>
    Review,

    /// <summary>A check run, pipeline or commit status on a pull request's head failed.</summary>
    CheckFailed,
}
