using Microsoft.Extensions.Logging;
using Nightshift.Agent.RepoMap;

namespace Nightshift.Agent.Execution;

/// <summary>The repository map rendered for prompts, built once per attempt (and cached per commit and per file across attempts).</summary>
internal sealed partial class RepoMapRenderer(RepoMapBuilder builder, string cacheFolder, int tokens, ILogger logger)
{
    /// <summary>The attempt's map, built on first use; null when it cannot be built (the prompts then go without it).</summary>
    public async Task<string?> RenderAsync(TaskAttempt attempt, string? commit, CancellationToken cancellationToken)
    {
        if (attempt.RepoMap is not null)
        {
            return attempt.RepoMap;
        }
        try
        {
            var map = await builder.BuildAsync(attempt.Workspace.Path, commit, new RepoMapOptions { CacheFolder = cacheFolder }, cancellationToken);
            var focus = $"{attempt.Task.Title} {attempt.Task.Instruction}".Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '(', ')', '"', '\'', '`'));
            attempt.RepoMap = map.Render(Math.Max(200, tokens), focus);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogRepoMapFailed(logger, attempt.Task.Id, e.Message);
        }
        return attempt.RepoMap;
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Task {TaskId}: the repository map could not be built ({Reason}); planning without it")]
    private static partial void LogRepoMapFailed(ILogger logger, string taskId, string reason);
}
