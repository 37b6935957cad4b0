using Nightshift.Core.Teams;

namespace Nightshift.Server.Auth;

/// <summary>The result of checking a presented token: the caller, or why it was refused (words for the person, naming no user).</summary>
internal sealed record AuthOutcome(Caller? Caller, string? Refusal)
{
    public static AuthOutcome Accepted(Caller caller) => new(caller, null);

    public static AuthOutcome Refused(string refusal) => new(null, refusal);
}
