using Nightshift.Core.Tasks;

namespace Nightshift.Server.Api;

/// <param name="NextCursor">pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record TaskListResponse(IReadOnlyList<TaskRecord> Items, string? NextCursor);
