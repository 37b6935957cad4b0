namespace Nightshift.Server.Auth;

/// <summary>Where the dashboard's sign-in page lives, and the links that lead to it.</summary>
public static class SignInLink
{
    public const string Path = "/signin";

    /// <summary>
    /// A link that signs a browser in at once: the token travels in the fragment, which browsers never send to a server
    /// or write to its logs; the sign-in page's script posts it and clears the address bar.
    /// </summary>
    public static string WithToken(string serverUrl, string token) =>
        $"{serverUrl.TrimEnd('/')}{Path}#token={Uri.EscapeDataString(token)}";

    /// <summary>The sign-in page, returning to <paramref name="returnUrl"/> afterwards (kept only when local).</summary>
    internal static string For(string? returnUrl) =>
        IsLocal(returnUrl) && returnUrl != "/" ? $"{Path}?returnUrl={Uri.EscapeDataString(returnUrl!)}" : Path;

    /// <summary>A path on this server: starts with one '/', no scheme, no '//' or '/\' that a browser reads as another host.</summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url.Length <= 2_000
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
