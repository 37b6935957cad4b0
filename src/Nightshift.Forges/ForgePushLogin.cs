namespace Nightshift.Forges;

/// <summary>What git answers to the forge's credential prompt on push; the token is never printed.</summary>
public sealed record ForgePushLogin(string Username, string Token)
{
    /// <summary>The user name each kind of forge expects beside a token (GitHub: any, conventionally x-access-token).</summary>
    public static string UsernameFor(Core.Forges.ForgeKind kind) => kind switch
    {
        Core.Forges.ForgeKind.GitLab => GitLab.GitLabForge.PushUsername(),
        Core.Forges.ForgeKind.Gitea => Gitea.GiteaForge.PushUsername(),
        _ => "x-access-token",
    };

    public override string ToString() => $"ForgePushLogin {{ Username = {Username}, Token = *** }}";
}
