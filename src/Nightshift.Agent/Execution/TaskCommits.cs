using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>Every commit a task makes (per subtask, merges, the final one): the operator's author and the task's trailer.</summary>
internal sealed class TaskCommits(CommitAuthor? author)
{
    /// <summary>Agent:CommitAuthorName/Email, or null for the Workspaces default.</summary>
    public CommitAuthor? Author { get; } = author;

    public CommitRequest Request(TaskAttempt attempt, string message) => new(message, Author, attempt.Task.Id);
}
