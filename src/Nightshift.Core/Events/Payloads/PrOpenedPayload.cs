namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the pull request was opened (a draft when the change needs review).</summary>
/// <param name="Forge">where it was opened (for example <c>local</c>).</param>
/// <param name="Reference">what people open: a URL, or <c>local:&lt;task-id&gt;</c> on the local forge.</param>
/// <param name="Title">the pull request's title.</param>
/// <param name="Draft">true for a draft (the task needs review).</param>
public sealed record PrOpenedPayload(
    string Forge,
    string Reference,
    string Title,
    bool Draft);
