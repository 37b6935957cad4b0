using System.Net;

namespace Nightshift.Server.Tests.Oidc;

internal static class OidcAssertions
{
    /// <summary>The response is the refusal page with <paramref name="reason"/>; returns its HTML.</summary>
    public static async Task<string> ShouldBeRefusedAsync(HttpResponseMessage response, string reason)
    {
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, html);
        response.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/signin/oidc/refused");
        html.ShouldContain($"data-reason=\"{reason}\"");
        return html;
    }

    /// <summary>The board still sends this browser to the sign-in page.</summary>
    public static async Task ShouldNotBeSignedInAsync(HttpClient browser)
    {
        using var board = await browser.GetAsync("/", TestKit.TestDefaults.TimeoutToken());
        board.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/signin");
    }
}
