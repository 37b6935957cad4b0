using Nightshift.Cli.Api;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands;

/// <summary>
/// Accepts a full task id or its 8-character short form (as <c>ls</c> shows it); a short id is looked up by listing,
/// and must match exactly one task.
/// </summary>
internal static class TaskIdResolver
{
    public const int FullLength = 26;
    public const int ShortLength = 8;

    // Listing is the only way to find a short id; past this many tasks the full id is the sensible thing to ask for.
    private const int MaxTasksScanned = 10_000;
    private const int PageSize = 200;

    /// <exception cref="UsageException">the text cannot be an id, or a short id is ambiguous.</exception>
    /// <exception cref="TaskLookupException">no task has this short id.</exception>
    public static async Task<string> ResolveAsync(NightshiftApiClient client, string? input, CancellationToken cancellationToken = default)
    {
        var id = Normalize(input);
        if (id.Length == FullLength)
        {
            return id;
        }
        var matches = new List<string>();
        string? cursor = null;
        var scanned = 0;
        do
        {
            var page = await client.ListAsync(null, null, cursor, PageSize, cancellationToken);
            scanned += page.Items.Count;
            matches.AddRange(page.Items.Select(t => t.Task.Id).Where(full => full.EndsWith(id, StringComparison.Ordinal)));
            cursor = page.NextCursor;
        }
        while (cursor is not null && scanned < MaxTasksScanned && matches.Count < 2);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new TaskLookupException(
                $"no task has the short id '{id}'" + (cursor is null ? "" : $" among the newest {scanned} tasks; give the full 26-character id")
                + "; list tasks with `nightshift ls`",
                ExitCodes.NotFound),
            _ => throw new UsageException($"the short id '{id}' matches several tasks ({string.Join(", ", matches)}); give the full id"),
        };
    }

    /// <exception cref="UsageException">the text cannot be an id.</exception>
    public static string Normalize(string? input)
    {
        var id = (input ?? "").Trim().ToLowerInvariant();
        if ((id.Length != FullLength && id.Length != ShortLength) || !id.All(char.IsAsciiLetterOrDigit))
        {
            var shown = SafeText.Clean(input, 40);
            throw new UsageException($"'{shown}' is not a task id: give the {FullLength}-character id or its last {ShortLength} characters, as `nightshift ls` shows them");
        }
        return id;
    }
}
