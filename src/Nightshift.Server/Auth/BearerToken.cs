namespace Nightshift.Server.Auth;

internal static class BearerToken
{
    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null when there is none.</summary>
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1)
        {
            return null;
        }
        var value = header[0];
        const string scheme = "Bearer ";
        if (value is null || value.Length <= scheme.Length || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = value[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
