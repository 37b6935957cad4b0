using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Server.Auth;

namespace Nightshift.Server.Pages;

/// <summary>
/// Exchanges an API token for the dashboard's session cookie, which signs in the token's user (in the token's organisation,
/// with the user's role); the token itself is never stored in the browser.
/// </summary>
[PublicPage]
internal sealed class SignInModel(ApiTokenAuthority bootstrap, CallerAuthenticator authenticator, DashboardSession sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ReturnUrl = SignInLink.IsLocal(ReturnUrl) ? ReturnUrl : null;
        var signedIn = sessions.Read(Request) is { } ticket && await authenticator.AuthenticateSessionAsync(ticket, cancellationToken) is not null;
        return signedIn ? LocalRedirect(ReturnUrl ?? "/") : Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? token, CancellationToken cancellationToken)
    {
        ReturnUrl = SignInLink.IsLocal(ReturnUrl) ? ReturnUrl : null;
        if (string.IsNullOrWhiteSpace(token))
        {
            Error = $"Enter an API token: yours, or the first admin's, which is {bootstrap.WhereToFindIt}.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var outcome = await authenticator.AuthenticateTokenAsync(token.Trim(), cancellationToken);
        if (outcome.Caller is { } caller)
        {
            sessions.SignIn(Response, caller with { Via = "session" });
            return LocalRedirect(ReturnUrl ?? "/");
        }
        Error = Sentence(outcome.Refusal!);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    public IActionResult OnPostSignOut()
    {
        DashboardSession.SignOut(Response);
        return LocalRedirect("/signin");
    }

    private static string Sentence(string words) => char.ToUpperInvariant(words[0]) + words[1..] + ".";
}
