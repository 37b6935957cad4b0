using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;
using Nightshift.Storage;

namespace Nightshift.Server.Pages.Tasks;

/// <summary>The task's change as published with its pull request: files, hunks, added and removed lines.</summary>
[PageScope(Scopes.TasksRead)]
internal sealed class DiffModel(INightshiftStore store) : PageModel
{
    public TaskRecord? Task { get; private set; }

    public IReadOnlyList<DiffFile> Files { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        Task = TaskId.LooksValid(id) ? await store.FindInOrgAsync(HttpContext.Caller().OrgId, id, cancellationToken) : null;
        if (Task is null)
        {
            Message = "There is no such task on this server. Go back to the board to find it.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        var pull = await store.FindPullRequestAsync(Task.Id, cancellationToken);
        if (pull is null)
        {
            Message = $"This task is {Task.Status.ToWire().Replace('_', ' ')} and has no published change yet: the diff appears once its pull request is opened.";
            return Page();
        }
        Files = DiffParser.Parse(pull.Diff);
        if (PullRequestDiff.IsCut(pull.Diff))
        {
            Message = $"This change is too large to show whole: only its first part is kept here. The whole change is on branch {pull.Branch}.";
        }
        else if (Files.Count == 0)
        {
            Message = "The pull request holds no file changes.";
        }
        return Page();
    }
}
