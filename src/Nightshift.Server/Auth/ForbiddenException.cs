namespace Nightshift.Server.Auth;

/// <summary>The caller may not do this (a 403 problem); never thrown for another organisation's things, which are 404s.</summary>
internal sealed class ForbiddenException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}
