using Nightshift.Storage.Commands;

namespace Nightshift.Server.Api;

/// <summary>
/// <c>GET /api/v1/tasks/{id}/commands</c>: one page of the task's commands, oldest first; <c>next</c> is the
/// <c>after</c> of the next page (null at the end); <c>totals</c> cover every command of the task, not only this page.
/// </summary>
public sealed record TaskCommandsResponse(string TaskId, IReadOnlyList<TaskCommandView> Commands, long? Next, TaskCommandTotals Totals);
