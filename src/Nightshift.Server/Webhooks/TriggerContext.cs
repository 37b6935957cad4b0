using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;

namespace Nightshift.Server.Webhooks;

/// <summary>One trigger being acted on, with the forge it came from.</summary>
internal sealed record TriggerContext(TriggerEvent Trigger, string DeliveryId, IForgeConversation Forge, ForgeRepository Repository)
{
    public TaskOrigin Origin(string? commentId = null, IReadOnlyList<string>? reviewComments = null) => new()
    {
        Forge = Trigger.Forge,
        Repository = Trigger.Repository,
        Kind = Trigger.Thread.Kind == ForgeThreadKind.Issue ? TaskOriginKind.Issue : TaskOriginKind.PullRequest,
        Number = Trigger.Thread.Number,
        Url = Trigger.ThreadUrl,
        Actor = Trigger.Actor,
        CommentId = commentId,
        ReviewComments = reviewComments ?? [],
    };

    /// <summary>The key of this thread's tasks (<see cref="TaskOrigin.Key"/>).</summary>
    public string ThreadKey => Origin().Key;
}
