namespace Nightshift.Storage.Teams;

/// <summary>What is known about a stored secret without its value: the value is only ever stored encrypted.</summary>
public sealed record SecretInfo(string OrgId, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const int MaxNameLength = 64;
    public const int MaxCiphertextLength = 64 * 1024;
}
