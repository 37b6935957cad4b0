using Nightshift.Storage.Teams;

namespace Nightshift.Server.Secrets;

/// <summary>A secret as the API shows it: its name and times, never its value.</summary>
public sealed record SecretView(string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SecretView From(SecretInfo info) => new(info.Name, info.CreatedAt, info.UpdatedAt);
}
