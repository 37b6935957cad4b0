using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Api;
using Nightshift.Server.Auth;

namespace Nightshift.Server.Pages.Tasks;

/// <summary>Submits a task through the same service as the API, so the form shows the API's own messages next to each field.</summary>
[PageScope(Scopes.TasksWrite)]
internal sealed class NewTaskModel(TaskService tasks) : PageModel
{
    public static IReadOnlyList<NewTaskField> Fields { get; } =
    [
        new("repo", "Repository", "A URL the server allows, or a local path under its allowed roots"),
        new("instruction", "Instruction", "What to change, in plain language"),
        new("baseBranch", "Base branch", "Leave empty for the repository's default branch"),
        new("model", "Model", "provider/model, for example anthropic/claude-sonnet-4; leave empty for the server's default"),
    ];

    [BindProperty]
    public string? Repo { get; set; }

    [BindProperty]
    public string? Instruction { get; set; }

    [BindProperty]
    public string? BaseBranch { get; set; }

    [BindProperty]
    public string? Model { get; set; }

    [BindProperty]
    public bool RequirePlanApproval { get; set; }

    public string? FormError { get; private set; }

    private IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();

    public IReadOnlyList<string> ErrorsFor(string field) =>
        Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? [];

    public string? ValueOf(string field) => field switch
    {
        "repo" => Repo,
        "baseBranch" => BaseBranch,
        "model" => Model,
        _ => null,
    };

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var request = new SubmitTaskRequest
        {
            Repo = Blank(Repo),
            Instruction = Blank(Instruction),
            BaseBranch = Blank(BaseBranch),
            Model = Blank(Model),
            RequirePlanApproval = RequirePlanApproval,
        };
        try
        {
            var result = await tasks.SubmitAsync(HttpContext.Caller(), request, idempotencyHeader: null, cancellationToken);
            return Redirect($"/tasks/{result.Task.Id}");
        }
        catch (ForbiddenException forbidden)
        {
            FormError = forbidden.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        catch (ValidationException invalid)
        {
            Errors = invalid.Errors;
            var unplaced = invalid.Errors.Where(e => !Fields.Any(f => string.Equals(f.Name, e.Key, StringComparison.OrdinalIgnoreCase))).ToList();
            if (unplaced.Count > 0)
            {
                FormError = string.Join(" ", unplaced.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")));
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
