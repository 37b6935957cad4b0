namespace Nightshift.Cli.Api;

internal sealed record ApiTaskPage(IReadOnlyList<ApiTask> Items, string? NextCursor);
