namespace Nightshift.Server.Outbound.Notifications;

/// <summary>One entry of <c>Notifications:Email:Recipients</c>: the repository whose tasks are mailed, and to whom.</summary>
internal sealed class EmailRecipientsOptions
{
    public const string AllRepositories = "*";

    /// <summary>A repository as tasks name it (its clone address or path), or <c>*</c> for every repository.</summary>
    public string? Repository { get; set; }

    /// <summary>The addresses every message goes to, together (one message per event).</summary>
    public List<string> Addresses { get; } = [];
}
