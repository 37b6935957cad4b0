using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;

namespace Nightshift.Server.Oidc;

/// <summary>
/// Where the OpenID Connect handler hands over: once the whole answer checks out (signature, issuer, audience,
/// expiry, nonce, state), the person becomes a Nightshift user and a dashboard session; anything that fails ends on the
/// refusal page. The handler's own sign-in never runs: the dashboard session is the only one.
/// </summary>
internal sealed partial class OidcEvents(OidcUsers users, DashboardSession sessions, EmbeddedAssets assets, ILogger<OidcEvents> logger)
    : OpenIdConnectEvents
{
    // TicketReceived, not TokenValidated: in the code flow the handler checks the nonce only after TokenValidated, so
    // finishing the sign-in there would skip that check.
    public override async Task TicketReceived(TicketReceivedContext context)
    {
        context.HandleResponse();
        var claims = context.Principal?.Claims.ToList() ?? [];
        OidcSignInResult result;
        try
        {
            result = await users.SignInAsync(claims, context.HttpContext.RequestAborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStoreFailed(logger, exception);
            result = OidcSignInResult.Refused(OidcRefusal.Failed);
        }
        if (result.Caller is not { } caller)
        {
            context.Response.Redirect(OidcRoutes.Refused(result.Refusal ?? OidcRefusal.Failed));
            return;
        }
        sessions.SignIn(context.Response, caller);
        // The return address rode in the protected state, so it is ours; checked again all the same.
        var returnUrl = context.ReturnUri;
        await OidcPages.WriteContinueAsync(context.Response, assets, SignInLink.IsLocal(returnUrl) ? returnUrl! : "/", context.HttpContext.RequestAborted);
    }

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        LogFailed(logger, context.Failure?.GetType().Name ?? "none", context.Failure?.Message ?? "no reason given");
        context.HandleResponse();
        context.Response.Redirect(OidcRoutes.Refused(OidcRefusal.Failed));
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3690, Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed ({ExceptionType}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(EventId = 3691, Level = LogLevel.Error, Message = "OpenID Connect sign-in checked out, but the user could not be found or created in the store")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);
}
