using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <param name="NextCursor">null on the last page.</param>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Items, string? NextCursor);
