using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;
using Nightshift.Storage;

namespace Nightshift.Server.Pages;

/// <summary>The board: the caller's organisation's newest tasks by state, optionally of one repository.</summary>
[PageScope(Scopes.TasksRead)]
internal sealed class IndexModel(INightshiftStore store) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Repo { get; set; }

    public IReadOnlyList<BoardColumn> Columns { get; private set; } = [];

    public IReadOnlyList<string> Repos { get; private set; } = [];

    public string BoardUrl => "/?handler=Board" + (string.IsNullOrEmpty(Repo) ? "" : "&repo=" + Uri.EscapeDataString(Repo));

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>The board alone, for the page's script to refresh it in place.</summary>
    public async Task<PartialViewResult> OnGetBoardAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_Board", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Repo = string.IsNullOrWhiteSpace(Repo) || Repo.Length > NewTask.MaxRepoLength ? null : Repo.Trim();
        var orgId = HttpContext.Caller().OrgId;
        var recent = await store.ListAsync(new TaskQuery(Limit: TaskQuery.MaxLimit) { OrgId = orgId }, cancellationToken);
        Repos = [.. recent.Items.Select(t => t.Repo).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (Repo is not null && !Repos.Contains(Repo))
        {
            Repos = [.. Repos, Repo];
        }
        var shown = Repo is null ? recent : await store.ListAsync(new TaskQuery(Repo: Repo, Limit: TaskQuery.MaxLimit) { OrgId = orgId }, cancellationToken);
        Columns = BoardColumn.Build(shown.Items);
    }
}
