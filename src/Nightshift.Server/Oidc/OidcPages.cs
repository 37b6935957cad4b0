using System.Text.Encodings.Web;
using Nightshift.Server.Dashboard;

namespace Nightshift.Server.Oidc;

/// <summary>The two small pages of an OpenID Connect sign-in: the hop back into the dashboard, and the refusal.</summary>
internal static class OidcPages
{
    /// <summary>
    /// Answers the provider's callback with a page that moves on to <paramref name="localUrl"/>. A redirect would not do:
    /// the callback is the end of a navigation that started on the provider's site, and browsers do not send a
    /// SameSite=Strict cookie (the dashboard session) anywhere along such a redirect chain; a navigation this page starts
    /// is same-site, so the session cookie set here goes with it.
    /// </summary>
    public static Task WriteContinueAsync(HttpResponse response, EmbeddedAssets assets, string localUrl, CancellationToken cancellationToken)
    {
        var url = HtmlEncoder.Default.Encode(localUrl);
        var html = Page(assets, "Signed in", $"""
            <meta http-equiv="refresh" content="0;url={url}">
            """, $"""
            <h1>Signed in</h1>
            <p><a href="{url}" id="continue">Continue to Nightshift</a></p>
            """);
        return WriteAsync(response, StatusCodes.Status200OK, html, cancellationToken);
    }

    /// <summary>Says why a sign-in was refused and what to do, with a way back to the sign-in page.</summary>
    public static Task WriteRefusedAsync(HttpResponse response, EmbeddedAssets assets, OidcRefusal refusal, string provider, CancellationToken cancellationToken)
    {
        var encoder = HtmlEncoder.Default;
        var html = Page(assets, "Sign-in refused", "", $"""
            <div class="narrow">
                <h1>Sign-in refused</h1>
                <p id="refusal" data-reason="{refusal.Code()}">{encoder.Encode(refusal.Explain(provider))}</p>
                <p><a href="/signin">Back to sign-in</a></p>
            </div>
            """);
        return WriteAsync(response, StatusCodes.Status403Forbidden, html, cancellationToken);
    }

    private static string Page(EmbeddedAssets assets, string title, string head, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            {head}
            <title>{title} · Nightshift</title>
            <link rel="stylesheet" href="{HtmlEncoder.Default.Encode(assets.Link("css/dashboard.css"))}">
        </head>
        <body>
            <header class="top"><a class="brand" href="/">Nightshift</a></header>
            <main id="main">
            {body}
            </main>
        </body>
        </html>
        """;

    private static async Task WriteAsync(HttpResponse response, int status, string html, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        // The callback's address carries the code and state: never hand it on as a referrer.
        response.Headers["Referrer-Policy"] = "no-referrer";
        await response.WriteAsync(html, cancellationToken);
    }
}
