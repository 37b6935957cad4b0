using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Server.Auth;

namespace Nightshift.Server.Pages;

/// <summary>Exchanges the API token for the dashboard's session cookie; the token itself is never stored in the browser.</summary>
internal sealed class SignInModel(ApiTokenAuthority tokens, DashboardSession sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        ReturnUrl = SignInLink.IsLocal(ReturnUrl) ? ReturnUrl : null;
        return sessions.IsValid(Request) ? LocalRedirect(ReturnUrl ?? "/") : Page();
    }

    public IActionResult OnPost([FromForm] string? token)
    {
        ReturnUrl = SignInLink.IsLocal(ReturnUrl) ? ReturnUrl : null;
        if (tokens.IsValid(token?.Trim()))
        {
            sessions.SignIn(Response);
            return LocalRedirect(ReturnUrl ?? "/");
        }
        Error = string.IsNullOrWhiteSpace(token)
            ? $"Enter the API token: it is {tokens.WhereToFindIt}."
            : $"That is not this server's API token. Use {tokens.WhereToFindIt}.";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    public IActionResult OnPostSignOut()
    {
        DashboardSession.SignOut(Response);
        return LocalRedirect("/signin");
    }
}
