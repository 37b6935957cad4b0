using System.Text;
using Nightshift.Agent.Configuration;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

/// <summary>The words the build agent starts from.</summary>
internal static class Prompts
{
    public static string System(IReadOnlyList<string> verification) =>
        $"""
        You are Nightshift's build agent, a careful software engineer working alone in a git worktree of the user's repository.
        Make the change the task asks for, completely and minimally, in the repository's own style.
        Work with the tools: list_files, read_file and search to understand the code; edit_file for precise changes;
        write_file for new files; run to execute commands in a sandbox without network access; git_diff to review.
        Read before you edit. Keep unrelated files unchanged. Do not weaken or delete tests to make them pass.
        {(verification.Count > 0
            ? $"When you are done, Nightshift itself runs: {string.Join("; ", verification)}. Run them yourself first with `run`."
            : "No test command was found for this repository; check your change by reading it and running what you can.")}
        Finish by calling `finish` with a summary: a short title line, a blank line, then what changed and why.
        """;

    public static string Task(TaskRecord task, string? agentsMd, RepoConfig config)
    {
        var text = new StringBuilder();
        text.Append("Task: ").Append(task.Title).Append("\n\n").Append(task.Instruction).Append('\n');
        if (!string.IsNullOrWhiteSpace(agentsMd))
        {
            text.Append("\nThe repository's AGENTS.md (instructions from its maintainers):\n<<<\n").Append(agentsMd.Trim()).Append("\n>>>\n");
        }
        if (config.Setup.Count > 0)
        {
            text.Append("\nThe setup commands already ran: ").Append(string.Join("; ", config.Setup)).Append('\n');
        }
        return text.ToString();
    }
}
