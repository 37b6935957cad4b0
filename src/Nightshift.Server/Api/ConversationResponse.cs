using Nightshift.Core.Tasks;

namespace Nightshift.Server.Api;

/// <summary>The body of <c>GET /api/v1/tasks/{id}/messages</c>: the task's conversation, oldest first, questions and answers included.</summary>
public sealed record ConversationResponse(IReadOnlyList<TaskConversationEntry> Messages);
