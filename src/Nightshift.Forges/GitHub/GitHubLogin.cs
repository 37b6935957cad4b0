namespace Nightshift.Forges.GitHub;

/// <summary>
/// GitHub's rules for a user name: 1 to 39 ASCII letters, digits or single hyphens, neither first nor last. Apps'
/// bot accounts (<c>name[bot]</c>) and anything else are no collaborator, so their permission is never asked.
/// </summary>
internal static class GitHubLogin
{
    public const int MaxLength = 39;

    public static bool IsValid(string? login)
    {
        if (string.IsNullOrEmpty(login) || login.Length > MaxLength || login[0] == '-' || login[^1] == '-')
        {
            return false;
        }
        for (var i = 0; i < login.Length; i++)
        {
            var c = login[i];
            if (c == '-' ? login[i - 1] == '-' : !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
